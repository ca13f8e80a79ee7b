// Copies the browser builds of the explorer's libraries (pinned by package-lock.json) into
// static/vendor/, with a manifest of their versions. Run by the setup script: `npm ci && npm run build`.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "static", "vendor");
mkdirSync(vendor, { recursive: true });

const builds = [
  ["cytoscape", "dist/cytoscape.min.js", "cytoscape.min.js"],
  ["chart.js", "dist/chart.umd.min.js", "chart.umd.min.js"],
  // The GraphiQL page the hub serves at /graphql (hub/explorer/static/graphiql.html): no CDN.
  ["react", "umd/react.production.min.js", "react.production.min.js"],
  ["react-dom", "umd/react-dom.production.min.js", "react-dom.production.min.js"],
  ["graphiql", "graphiql.min.js", "graphiql.min.js"],
  ["graphiql", "graphiql.min.css", "graphiql.min.css"],
];
const manifest = {};
for (const [pkg, file, target] of builds) {
  const root = join(here, "node_modules", pkg);
  copyFileSync(join(root, file), join(vendor, target));
  manifest[pkg] = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  console.log(`explorer: ${pkg} ${manifest[pkg]} -> static/vendor/${target}`);
}
writeFileSync(join(vendor, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
