"""Everything that talks to Neo4j: the managed server, the driver wrapper, migrations, repositories."""
