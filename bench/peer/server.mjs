// The benchmark's peer: @neo4j/graphql 7 under Apollo Server 5, serving the hub's Neo4j database.
// NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE say where; PORT where to listen.
// PEER_WORKERS (default 1) is how many Node processes serve: with more than one, a primary forks
// that many workers with Node's `cluster` module, all listening on PORT, and hands them incoming
// connections in turn, as uvicorn's `--workers` does for the hub, so neither side gets more cores.
// Every answer names the process that served it (`x-peer-pid`), so the spread can be checked.
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { printSchema } from "graphql";
import neo4j from "neo4j-driver";

const workers = Number(process.env.PEER_WORKERS || 1);
if (!Number.isInteger(workers) || workers < 1) {
  console.error(`PEER_WORKERS must be a whole number of at least 1, not ${process.env.PEER_WORKERS}`);
  process.exit(2);
}

if (workers > 1 && cluster.isPrimary && !process.argv.includes("--print-schema")) {
  superviseWorkers(workers);
} else {
  await serve();
}

function superviseWorkers(count) {
  let stopping = false;
  for (let i = 0; i < count; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    // A worker that dies while the benchmark runs would silently halve the peer: stop everything.
    if (!stopping) {
      console.error(`peer worker ${worker.process.pid} exited (${signal || code}); stopping the peer`);
      stopping = true;
      for (const w of Object.values(cluster.workers)) w.kill();
      process.exitCode = 1;
    }
  });
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => {
      stopping = true;
      for (const w of Object.values(cluster.workers)) w.kill();
    });
  }
}

async function serve() {
  const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf8");
  const driver = neo4j.driver(
    process.env.NEO4J_URI || "bolt://127.0.0.1:7687",
    neo4j.auth.basic(process.env.NEO4J_USER || "neo4j", process.env.NEO4J_PASSWORD || ""),
    { maxConnectionPoolSize: 50 },
  );
  const database = process.env.NEO4J_DATABASE || "neo4j";
  const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();

  if (process.argv.includes("--print-schema")) {
    console.log(printSchema(schema));
    await driver.close();
    process.exit(0);
  }

  const pid = String(process.pid);
  const namesProcess = {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set("x-peer-pid", pid);
        },
      };
    },
  };
  const server = new ApolloServer({ schema, introspection: false, plugins: [namesProcess] });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT || 4000), host: "127.0.0.1" },
    context: async () => ({ sessionConfig: { database } }),
  });
  console.log(`peer ready at ${url} (process ${pid})`);
}
