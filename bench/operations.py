"""The benchmark's operations, each written three ways: for the hub, for the peer
(@neo4j/graphql 7) and as the hand-written Cypher that is the floor. Each way has a function that
reduces its answer to the same canonical form, so the three can be proven to return the same data.

The floor stands for the database's limit: for each operation the statement a person who knows
the graph would write, with the schema of schema/constraints.cypher. A page reads an index in the
order asked for (`WHERE n.name IS NOT NULL` lets the planner scan the name index in order and stop
after the page, where `MATCH (n {kind: ...}) ... ORDER BY n.name` reads and sorts every match), a
deep page seeks from its cursor's key instead of skipping, counts by status read the count store
(the status is mirrored as a label, hub/model/graph.py), other counts read only index entries. The caller is an ADMIN, who sees every partnership, so no visibility predicate applies.
`bench/profiling.md` has the PROFILE of each against 100,000 organisations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from hub.db.repositories.search import lucene_query
from hub.graphql.relay import from_global_id, to_global_id

Canon = Callable[[Any], Any]


@dataclass(frozen=True)
class Target:
    """What the operations are asked about, picked from the graph before the run."""

    institution: str  # the institution with the most partnerships
    capability: str  # the capability offered by most tech enterprises
    text: str = "bank"
    country: str = "CN"
    # The deep page: its size, the page each side's cursor opens, and the cursors, found before the
    # run by walking the pages before it (bench/cursors.py); None opens the first page. The hub's
    # and the peer's cursors are their own opaque strings; the floor's is the key of the last item
    # before the page: (name, id).
    deep_page_size: int = 20
    deep_page: int = 1
    hub_after: str | None = None
    peer_after: str | None = None
    floor_after: tuple[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Target:
        after = data.get("floor_after")
        return cls(**{**data, "floor_after": None if after is None else (after[0], after[1])})


@dataclass(frozen=True)
class Operation:
    name: str
    description: str
    hub: str
    peer: str
    cypher: str
    hub_vars: Callable[[Target], dict[str, Any]]
    peer_vars: Callable[[Target], dict[str, Any]]
    cypher_params: Callable[[Target], dict[str, Any]]
    hub_canon: Canon
    peer_canon: Canon
    cypher_canon: Canon
    mutation: bool = False
    # A variable the load gives a new value in every request (the same in hub, peer and floor),
    # so that a mutation changes what it writes: a SET of the value a property already holds
    # leaves its indexes alone, and the full-text index's update is most of what a real change
    # of a description costs (bench/profiling.md). The equality check uses the plain values.
    unique: str | None = None

    def load_vars(self, variables: dict[str, Any]) -> dict[str, Any]:
        """The variables of the load: `unique`'s value replaced by UNIQUE, which the load
        generator (bench/wrk.lua, bench/floor_load.py) makes new in every request."""
        return variables if self.unique is None else {**variables, self.unique: UNIQUE}


def _key(global_id: str) -> str:
    parsed = from_global_id(global_id)
    assert parsed is not None
    return parsed[1]


def _date(value: Any) -> str | None:
    return None if value is None else str(value)


def _orgs(items: list[dict[str, Any]], id_of: Callable[[str], str] = lambda i: i) -> list[tuple[Any, ...]]:
    return [(id_of(o["id"]), o["name"], o["homeCountry"], _date(o.get("founded"))) for o in items]


# The placeholder of a value new in every request of the load (Operation.unique).
UNIQUE = "__unique__"

# How deep the deep page is: the 50th (of Target.deep_page_size, 20).
DEEP_PAGE = 50


def _deep_page_params(t: Target) -> dict[str, Any]:
    name, after_id = t.floor_after or ("", "")  # every name sorts after ""
    return {"n": t.deep_page_size, "kind": "BANK", "name": name, "id": after_id}


OPERATIONS: list[Operation] = [
    Operation(
        "page of 20 institutions",
        "banks, by name, first 20",
        "query($n: Int!) { institutions(first: $n, filter: {kind: BANK}, orderBy: {field: NAME}) "
        "{ nodes { id name homeCountry founded } } }",
        'query($n: Int!) { institutions(where: {kind: {eq: "BANK"}}, sort: [{name: ASC}, {id: ASC}], '
        "limit: $n) { id name homeCountry founded } }",
        "MATCH (n:Institution) USING INDEX n:Institution(kind, name) WHERE n.name IS NOT NULL AND n.kind = 'BANK' "
        "WITH n ORDER BY n.kind, n.name, n.id LIMIT $n "
        "RETURN n.id AS id, n.name AS name, n.homeCountry AS homeCountry, n.founded AS founded",
        lambda t: {"n": 20},
        lambda t: {"n": 20},
        lambda t: {"n": 20},
        lambda d: _orgs(d["institutions"]["nodes"], _key),
        lambda d: _orgs(d["institutions"]),
        lambda rows: _orgs(rows),
    ),
    Operation(
        "page of 100 tech enterprises",
        "tech enterprises of one country, by name, first 100",
        "query($n: Int!, $c: String!) { techEnterprises(first: $n, filter: {homeCountry: $c}, "
        "orderBy: {field: NAME}) { nodes { id name homeCountry founded } } }",
        "query($n: Int!, $c: String!) { techEnterprises(where: {homeCountry: {eq: $c}}, "
        "sort: [{name: ASC}, {id: ASC}], limit: $n) { id name homeCountry founded } }",
        "MATCH (n:TechEnterprise) USING INDEX n:TechEnterprise(homeCountry, name) "
        "WHERE n.name IS NOT NULL AND n.homeCountry = $c "
        "WITH n ORDER BY n.homeCountry, n.name, n.id LIMIT $n "
        "RETURN n.id AS id, n.name AS name, n.homeCountry AS homeCountry, n.founded AS founded",
        lambda t: {"n": 100, "c": t.country},
        lambda t: {"n": 100, "c": t.country},
        lambda t: {"n": 100, "c": t.country},
        lambda d: _orgs(d["techEnterprises"]["nodes"], _key),
        lambda d: _orgs(d["techEnterprises"]),
        lambda rows: _orgs(rows),
    ),
    Operation(
        "deep page",
        f"banks, by name, page {DEEP_PAGE} of 20, with pageInfo (each side opens it with its own cursor, "
        "found by walking the pages before it; on a graph with fewer pages, the last page)",
        "query($n: Int!, $after: String) { institutions(first: $n, after: $after, filter: {kind: BANK}, "
        "orderBy: {field: NAME}) { pageInfo { hasNextPage endCursor } nodes { id name homeCountry founded } } }",
        "query($n: Int!, $after: String) { institutionsConnection(first: $n, after: $after, "
        'where: {kind: {eq: "BANK"}}, sort: [{name: ASC}, {id: ASC}]) { pageInfo { hasNextPage endCursor } '
        "edges { node { id name homeCountry founded } } } }",
        # A keyset seek: the name index is read from the cursor's key on, in order; one item more
        # than the page says whether a page follows.
        "MATCH (n:Institution) USING INDEX n:Institution(kind, name) "
        "WHERE n.kind = $kind AND (n.name > $name OR (n.name = $name AND n.id > $id)) "
        "WITH n ORDER BY n.kind, n.name, n.id LIMIT $n + 1 "
        "WITH collect(n {.id, .name, .homeCountry, .founded}) AS items "
        "RETURN items[..$n] AS items, size(items) > $n AS more",
        lambda t: {"n": t.deep_page_size, "after": t.hub_after},
        lambda t: {"n": t.deep_page_size, "after": t.peer_after},
        _deep_page_params,
        lambda d: (_orgs(d["institutions"]["nodes"], _key), d["institutions"]["pageInfo"]["hasNextPage"]),
        lambda d: (
            _orgs([e["node"] for e in d["institutionsConnection"]["edges"]]),
            d["institutionsConnection"]["pageInfo"]["hasNextPage"],
        ),
        lambda rows: (_orgs(rows[0]["items"]), rows[0]["more"]),
    ),
    Operation(
        "nested read",
        "an institution -> its 10 newest partnerships -> their parties -> the capabilities they offer",
        "query($id: ID!) { node(id: $id) { ... on Institution { name partnerships(first: 10) { nodes { "
        "title parties { organisation { name ... on TechEnterprise { offeredCapabilities { capability "
        "{ name } } } } } } } } } }",
        "query($id: ID!) { institutions(where: {id: {eq: $id}}) { name partnerships(sort: "
        "[{proposedOn: DESC}, {id: ASC}], limit: 10) { title parties { ... on Institution { name } "
        "... on TechEnterprise { name offeredCapabilities { name } } } } } }",
        "MATCH (i:Institution {id: $id}) "
        "CALL (i) { MATCH (i)-[:PARTY_TO]->(p:Partnership) WITH p ORDER BY p.proposedOn DESC, p.id LIMIT 10 "
        "CALL (p) { MATCH (o:Organisation)-[:PARTY_TO]->(p) "
        "RETURN collect({name: o.name, capabilities: COLLECT { MATCH (o)-[:OFFERS]->(c:Capability) "
        "RETURN c.name }}) AS parties } "
        "RETURN collect({title: p.title, parties: parties}) AS partnerships } "
        "RETURN i.name AS name, partnerships",
        lambda t: {"id": to_global_id("Institution", t.institution)},
        lambda t: {"id": t.institution},
        lambda t: {"id": t.institution},
        lambda d: _nested(
            d["node"]["name"],
            [
                (
                    p["title"],
                    [
                        (
                            x["organisation"]["name"],
                            [
                                c["capability"]["name"]
                                for c in x["organisation"].get("offeredCapabilities", [])
                            ],
                        )
                        for x in p["parties"]
                    ],
                )
                for p in d["node"]["partnerships"]["nodes"]
            ],
        ),
        lambda d: _nested(
            d["institutions"][0]["name"],
            [
                (
                    p["title"],
                    [
                        (x["name"], [c["name"] for c in x.get("offeredCapabilities", [])])
                        for x in p["parties"]
                    ],
                )
                for p in d["institutions"][0]["partnerships"]
            ],
        ),
        lambda rows: _nested(
            rows[0]["name"],
            [
                (p["title"], [(x["name"], x["capabilities"]) for x in p["parties"]])
                for p in rows[0]["partnerships"]
            ],
        ),
    ),
    Operation(
        "nested connection",
        "banks by name, first 10, with their number; for each, its ACTIVE partnerships, newest "
        "first, first 5, with their number (a filter at both levels)",
        "query($n: Int!, $m: Int!) { institutions(first: $n, filter: {kind: BANK}, orderBy: {field: NAME}) "
        "{ totalCount nodes { id name partnerships(first: $m, status: ACTIVE) "
        "{ totalCount nodes { id title proposedOn } } } } }",
        'query($n: Int!, $m: Int!) { institutionsConnection(first: $n, where: {kind: {eq: "BANK"}}, '
        "sort: [{name: ASC}, {id: ASC}]) { totalCount edges { node { id name "
        'partnershipsConnection(first: $m, where: {node: {status: {eq: "ACTIVE"}}}, '
        "sort: [{node: {proposedOn: DESC}}, {node: {id: ASC}}]) "
        "{ totalCount edges { node { id title proposedOn } } } } } } }",
        "CALL () { MATCH (i:Institution {kind: $kind}) RETURN count(*) AS total } "
        "CALL () { MATCH (i:Institution) USING INDEX i:Institution(kind, name) "
        "WHERE i.name IS NOT NULL AND i.kind = $kind "
        "WITH i ORDER BY i.kind, i.name, i.id LIMIT $n "
        "CALL (i) { MATCH (i)-[:PARTY_TO]->(p:Partnership {status: $status}) RETURN count(*) AS count } "
        "CALL (i) { MATCH (i)-[:PARTY_TO]->(p:Partnership {status: $status}) "
        "WITH p ORDER BY p.proposedOn DESC, p.id LIMIT $m RETURN collect(p {.id, .title, .proposedOn}) AS items } "
        "RETURN collect(i {.id, .name, partnerships: {total: count, items: items}}) AS institutions } "
        "RETURN total, institutions",
        lambda t: {"n": 10, "m": 5},
        lambda t: {"n": 10, "m": 5},
        lambda t: {"n": 10, "m": 5, "kind": "BANK", "status": "ACTIVE"},
        lambda d: _two_levels(
            d["institutions"]["totalCount"],
            [
                (i["id"], i["name"], i["partnerships"]["totalCount"], i["partnerships"]["nodes"])
                for i in d["institutions"]["nodes"]
            ],
            _key,
        ),
        lambda d: _two_levels(
            d["institutionsConnection"]["totalCount"],
            [
                (
                    i["node"]["id"],
                    i["node"]["name"],
                    i["node"]["partnershipsConnection"]["totalCount"],
                    [e["node"] for e in i["node"]["partnershipsConnection"]["edges"]],
                )
                for i in d["institutionsConnection"]["edges"]
            ],
        ),
        lambda rows: _two_levels(
            rows[0]["total"],
            [
                (i["id"], i["name"], i["partnerships"]["total"], i["partnerships"]["items"])
                for i in rows[0]["institutions"]
            ],
        ),
    ),
    Operation(
        "count (totalCount)",
        "how many partnerships are ACTIVE",
        "{ partnerships(filter: {status: ACTIVE}) { totalCount } }",
        '{ partnershipsConnection(where: {status: {eq: "ACTIVE"}}) { totalCount } }',
        # One read of the count store: the status is mirrored as a label (hub/model/graph.py).
        "MATCH (p:ActivePartnership) RETURN count(p) AS total",
        lambda t: {},
        lambda t: {},
        lambda t: {},
        lambda d: d["partnerships"]["totalCount"],
        lambda d: d["partnershipsConnection"]["totalCount"],
        lambda rows: rows[0]["total"],
    ),
    Operation(
        "full-text search",
        "the 10 institutions best matching a word (the hub's Lucene query, given to both)",
        "query($q: String!) { search(text: $q, first: 10, types: [INSTITUTION]) { score node "
        "{ ... on Institution { name } } } }",
        "query($q: String!) { searchInstitutions(phrase: $q, first: 10) { edges { score node { name } } } }",
        "CALL db.index.fulltext.queryNodes('search_text', $q) YIELD node, score "
        "WITH node, score WHERE node:Institution RETURN node.name AS name, score LIMIT 10",
        lambda t: {"q": t.text},
        lambda t: {"q": lucene_query(t.text)},
        lambda t: {"q": lucene_query(t.text)},
        lambda d: _hits((h["node"]["name"], h["score"]) for h in d["search"]),
        lambda d: _hits((e["node"]["name"], e["score"]) for e in d["searchInstitutions"]["edges"]),
        lambda rows: _hits((r["name"], r["score"]) for r in rows),
    ),
    Operation(
        "filter on related nodes",
        "tech enterprises offering a capability, by name, first 20",
        "query($cap: ID!) { techEnterprises(first: 20, filter: {capabilityId: $cap}, orderBy: {field: NAME}) "
        "{ nodes { id name homeCountry founded } } }",
        "query($cap: ID!) { techEnterprises(where: {offeredCapabilities: {some: {id: {eq: $cap}}}}, "
        "sort: [{name: ASC}, {id: ASC}], limit: 20) { id name homeCountry founded } }",
        "MATCH (n:TechEnterprise) WHERE n.name IS NOT NULL AND EXISTS { (n)-[:OFFERS]->(:Capability {id: $cap}) } "
        "WITH n ORDER BY n.name, n.id LIMIT 20 "
        "RETURN n.id AS id, n.name AS name, n.homeCountry AS homeCountry, n.founded AS founded",
        lambda t: {"cap": to_global_id("Capability", t.capability)},
        lambda t: {"cap": t.capability},
        lambda t: {"cap": t.capability},
        lambda d: _orgs(d["techEnterprises"]["nodes"], _key),
        lambda d: _orgs(d["techEnterprises"]),
        lambda rows: _orgs(rows),
    ),
    Operation(
        "aggregate",
        "partnerships counted by status",
        "{ aggregate(subject: PARTNERSHIPS, groupBy: [STATUS]) { keys count } }",
        "{ "
        + " ".join(
            f'{s.lower()}: partnershipsConnection(where: {{status: {{eq: "{s}"}}}}) {{ aggregate {{ count {{ nodes }} }} }}'
            for s in ("PROPOSED", "ACTIVE", "DECLINED", "ENDED")
        )
        + " }",
        # Four reads of the count store, one per status label (a count alone: a grouping key
        # beside it would make Neo4j scan the label).
        " UNION ALL ".join(
            f"CALL () {{ MATCH (p:{s.capitalize()}Partnership) RETURN count(p) AS count }} "
            f"RETURN '{s}' AS status, count"
            for s in ("PROPOSED", "ACTIVE", "DECLINED", "ENDED")
        ),
        lambda t: {},
        lambda t: {},
        lambda t: {},
        lambda d: {g["keys"][0]: g["count"] for g in d["aggregate"] if g["count"]},
        lambda d: {
            k.upper(): v["aggregate"]["count"]["nodes"]
            for k, v in d.items()
            if v["aggregate"]["count"]["nodes"]
        },
        lambda rows: {r["status"]: r["count"] for r in rows if r["count"]},
    ),
    Operation(
        "mutation",
        "give an institution a new description (another in every request), read it back",
        "mutation($id: ID!, $d: String!) { updateOrganisation(input: {id: $id, description: $d}) "
        "{ organisation { ... on Institution { name description } } userErrors { code } } }",
        "mutation($id: ID!, $d: String!) { updateInstitutions(where: {id: {eq: $id}}, "
        "update: {description: {set: $d}}) { institutions { name description } } }",
        "MATCH (n:Institution {id: $id}) SET n.description = $d RETURN n.name AS name, n.description AS description",
        lambda t: {"id": to_global_id("Institution", t.institution), "d": "benchmark"},
        lambda t: {"id": t.institution, "d": "benchmark"},
        lambda t: {"id": t.institution, "d": "benchmark"},
        lambda d: (
            d["updateOrganisation"]["organisation"]["name"],
            d["updateOrganisation"]["organisation"]["description"],
        ),
        lambda d: (
            d["updateInstitutions"]["institutions"][0]["name"],
            d["updateInstitutions"]["institutions"][0]["description"],
        ),
        lambda rows: (rows[0]["name"], rows[0]["description"]),
        mutation=True,
        unique="d",
    ),
]


def _two_levels(
    total: int,
    institutions: list[tuple[str, str, int, list[dict[str, Any]]]],
    id_of: Callable[[str], str] = lambda i: i,
) -> Any:
    return (
        total,
        [
            (id_of(i), name, count, [(id_of(p["id"]), p["title"], _date(p["proposedOn"])) for p in items])
            for i, name, count, items in institutions
        ],
    )


def _hits(pairs: Any) -> Any:
    """The scores of the best hits, and the names of those strictly above the last score: which of
    several equally scored hits fill the last places is the index's choice, not the server's."""
    found = [(name, round(score, 4)) for name, score in pairs]
    if not found:
        return ([], [])
    last = min(score for _, score in found)
    return (sorted(score for _, score in found), sorted(name for name, score in found if score > last))


def _nested(name: str, partnerships: list[tuple[str, list[tuple[str, list[str]]]]]) -> Any:
    """Order within a partnership's parties and a party's capabilities carries no meaning."""
    return (name, [(title, sorted((n, sorted(c)) for n, c in parties)) for title, parties in partnerships])
