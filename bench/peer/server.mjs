// The benchmark's peer: @neo4j/graphql 7 under Apollo Server 5, serving the hub's Neo4j database.
// NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE say where; PORT where to listen.
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { printSchema } from "graphql";
import neo4j from "neo4j-driver";

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

const server = new ApolloServer({ schema, introspection: false });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT || 4000), host: "127.0.0.1" },
  context: async () => ({ sessionConfig: { database } }),
});
console.log(`peer ready at ${url}`);
