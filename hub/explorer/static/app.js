// The hub's web explorer: search, an expandable neighbourhood graph (Cytoscape.js), details, and
// charts of the aggregates and risk views (Chart.js). It speaks only to the hub's GraphQL API, with
// the credential the user gives (kept in this tab's sessionStorage, never sent anywhere else).
"use strict";

const COLOURS = {
  Institution: "#1f6fb4",
  TechEnterprise: "#f28e2b",
  Capability: "#8c5fc7",
  Zone: "#9c755f",
  SandboxProject: "#e15797",
  SandboxBatch: "#b07aa1",
  Award: "#d4a017",
  Partnership: "#59a14f",
};
const STATUS_COLOURS = { ACTIVE: "#59a14f", PROPOSED: "#c9c32b", DECLINED: "#d62728", ENDED: "#9aa3ab" };
const ORGANISATIONS = new Set(["Institution", "TechEnterprise"]);

// Fields of every node type; aliases keep apart fields that share a name but not a type.
const NODE_FIELDS = `
  id __typename
  ... on Organisation { name nameZh homeCountry founded }
  ... on Institution { kind }
  ... on Partnership { title partnershipStatus: status partnershipKind: kind proposedOn }
  ... on Capability { name nameZh category }
  ... on Zone { name nameZh }
  ... on SandboxProject { name projectStatus: status riskLevel }
  ... on SandboxBatch { name number }
  ... on Award { name year }`;
const SEARCH_FIELDS = `
  __typename
  ... on Node { id }
  ... on Organisation { name nameZh homeCountry founded }
  ... on Institution { kind }
  ... on SandboxProject { name projectStatus: status riskLevel }`;

function normalise(node) {
  const status = node.partnershipStatus || node.projectStatus;
  return { ...node, status, kind: node.kind || node.partnershipKind };
}

const state = { credential: sessionStorage.getItem("hub-credential") || "", cy: null, charts: {}, expanded: new Set() };
window.hubExplorer = state; // for the browser tests and for curious analysts in the console

const $ = (id) => document.getElementById(id);

async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${state.credential}` },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`the hub answered ${response.status} without JSON`);
  }
  if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

function showError(error) {
  const box = $("error");
  box.textContent = String(error.message || error);
  box.hidden = false;
  setTimeout(() => (box.hidden = true), 8000);
}

function label(node) {
  const text = node.name || node.title || node.id;
  return text.length > 28 ? text.slice(0, 27) + "…" : text;
}

function colour(node) {
  if (node.__typename === "Partnership") return STATUS_COLOURS[node.status] || COLOURS.Partnership;
  return COLOURS[node.__typename] || "#888";
}

function addSubgraph(graph) {
  const cy = state.cy;
  cy.batch(() => {
    for (const found of graph.nodes) {
      if (cy.getElementById(found.id).nonempty()) continue;
      const node = normalise(found);
      cy.add({ group: "nodes", data: { ...node, label: label(node), colour: colour(node) } });
    }
    for (const edge of graph.edges) {
      if (cy.getElementById(edge.id).nonempty()) continue;
      cy.add({ group: "edges", data: { id: edge.id, source: edge.source, target: edge.target, type: edge.type } });
    }
  });
  cy.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: 9000, idealEdgeLength: 70 }).run();
  const status = `${cy.nodes().length} nodes, ${cy.edges().length} edges` + (graph.truncated ? " · cut at the node cap" : "");
  $("graph-status").textContent = status;
}

async function expand(id, typename) {
  // An organisation opens two steps (its partnerships and their other parties); anything else one.
  const depth = ORGANISATIONS.has(typename) ? 2 : 1;
  const data = await gql(
    `query ($id: ID!, $depth: Int!) { neighbourhood(id: $id, depth: $depth, maxNodes: 80) {
      truncated nodes { ${NODE_FIELDS} } edges { id type source target } } }`,
    { id, depth },
  );
  if (!data.neighbourhood) throw new Error("that node is not visible to you");
  state.expanded.add(id);
  addSubgraph(data.neighbourhood);
}

function showDetails(node, position) {
  const section = $("details");
  section.replaceChildren();
  const heading = document.createElement("h2");
  heading.textContent = node.name || node.title || node.id;
  const list = document.createElement("dl");
  const rows = [["type", node.__typename]];
  for (const key of ["nameZh", "kind", "status", "homeCountry", "founded", "category", "riskLevel", "year", "proposedOn"]) {
    if (node[key] !== undefined && node[key] !== null) rows.push([key, node[key]]);
  }
  if (position) {
    rows.push(["partners", position.degree], ["PageRank", position.pagerank.toFixed(4)],
      ["betweenness", position.betweenness.toFixed(4)], ["community", position.community]);
  }
  for (const [key, value] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = key;
    const dd = document.createElement("dd");
    dd.textContent = String(value);
    list.append(dt, dd);
  }
  section.append(heading, list);
}

async function select(id) {
  const node = state.cy.getElementById(id).data();
  let position = null;
  if (ORGANISATIONS.has(node.__typename)) {
    try {
      const data = await gql(`query ($id: ID!) { node(id: $id) { ... on Organisation { network { degree pagerank betweenness community } } } }`, { id });
      position = data.node && data.node.network;
    } catch {
      position = null; // partners may not read network measures; the rest of the details stand
    }
  }
  showDetails(node, position);
  if (!state.expanded.has(id)) await expand(id, node.__typename);
}

async function search(text) {
  const data = await gql(
    `query ($text: String!) { search(text: $text, first: 10) { score node { ${SEARCH_FIELDS} } } }`,
    { text },
  );
  const list = $("results");
  list.replaceChildren();
  if (!data.search.length) {
    const li = document.createElement("li");
    li.textContent = "nothing found";
    list.append(li);
  }
  for (const hit of data.search) {
    const li = document.createElement("li");
    li.textContent = hit.node.name + (hit.node.nameZh ? ` · ${hit.node.nameZh}` : "");
    li.dataset.id = hit.node.id;
    li.addEventListener("click", () => start(hit.node).catch(showError));
    list.append(li);
  }
}

async function start(node) {
  state.cy.elements().remove();
  state.expanded.clear();
  addSubgraph({ nodes: [node], edges: [], truncated: false });
  await select(node.id);
}

function barChart(canvas, labels, datasets, title, extra = {}) {
  if (state.charts[canvas]) state.charts[canvas].destroy();
  state.charts[canvas] = new Chart($(canvas), {
    type: "bar",
    data: { labels, datasets },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { title: { display: true, text: title }, legend: { display: datasets.length > 1 } },
      ...extra,
    },
  });
}

async function loadCharts() {
  const data = await gql(`{
    byYear: aggregate(subject: PARTNERSHIPS, groupBy: [YEAR, KIND]) { keys count }
    providerDependence(first: 10) { provider { name } institutions }
    capabilityConcentration(first: 10) { capability { name } hhi }
  }`);
  const years = [...new Set(data.byYear.map((g) => g.keys[0]))].sort();
  const kinds = [...new Set(data.byYear.map((g) => g.keys[1]))].sort();
  const count = (year, kind) => (data.byYear.find((g) => g.keys[0] === year && g.keys[1] === kind) || { count: 0 }).count;
  barChart("chart-partnerships", years,
    kinds.map((kind, i) => ({ label: kind, data: years.map((y) => count(y, kind)), backgroundColor: i ? "#1f6fb4" : "#f28e2b" })),
    "Partnerships proposed per year", { scales: { x: { stacked: true }, y: { stacked: true } } });
  barChart("chart-providers", data.providerDependence.map((d) => d.provider.name),
    [{ label: "institutions", data: data.providerDependence.map((d) => d.institutions), backgroundColor: "#f28e2b" }],
    "Institutions in active cooperation with each provider", { indexAxis: "y" });
  barChart("chart-concentration", data.capabilityConcentration.map((c) => c.capability.name),
    [{ label: "HHI", data: data.capabilityConcentration.map((c) => c.hhi), backgroundColor: "#8c5fc7" }],
    "Provider concentration by capability (HHI)", { indexAxis: "y", scales: { x: { min: 0, max: 1 } } });
}

async function connect() {
  const data = await gql("{ viewer { role organisation { name } } }");
  const v = data.viewer;
  $("who").textContent = `connected as ${v.role.toLowerCase()}` + (v.organisation ? ` of ${v.organisation.name}` : "");
  for (const el of document.querySelectorAll("#search-form input, #search-form button")) el.disabled = false;
  try {
    await loadCharts();
  } catch (error) {
    $("who").textContent += " · charts need an analyst's, regulator's or admin's key";
  }
}

function legend() {
  const box = $("legend");
  const entries = { ...COLOURS, ...Object.fromEntries(Object.entries(STATUS_COLOURS).map(([k, v]) => [`partnership ${k.toLowerCase()}`, v])) };
  delete entries.Partnership;
  for (const [name, c] of Object.entries(entries)) {
    const span = document.createElement("span");
    span.style.setProperty("--c", c);
    span.textContent = name;
    box.append(span);
  }
}

function init() {
  state.cy = cytoscape({
    container: $("graph"),
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 9, "text-valign": "bottom", "text-margin-y": 3, width: 18, height: 18 } },
      { selector: "node[__typename = 'Partnership']", style: { shape: "diamond", width: 10, height: 10, label: "" } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#16324f" } },
      { selector: "edge", style: { width: 1, "line-color": "#c3ccd5", "curve-style": "haystack" } },
    ],
  });
  state.cy.on("tap", "node", (event) => select(event.target.id()).catch(showError));
  legend();
  const fragment = new URLSearchParams(location.hash.slice(1)).get("key");
  if (fragment) {
    state.credential = fragment;
    history.replaceState(null, "", location.pathname); // keep the key out of the address bar
  }
  $("api-key").value = state.credential;
  $("credentials").addEventListener("submit", (event) => {
    event.preventDefault();
    state.credential = $("api-key").value.trim();
    sessionStorage.setItem("hub-credential", state.credential);
    connect().catch(showError);
  });
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("search").value.trim();
    if (text) search(text).catch(showError);
  });
  if (state.credential) connect().catch(showError);
}

init();
