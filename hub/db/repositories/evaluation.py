"""What `hub eval --family` does to the database it is pointed at: replaces the whole graph."""

from __future__ import annotations

from typing import LiteralString

from hub.db.database import Runner

# Everything but API keys (the family's graphs are a few thousand organisations: one transaction).
WIPE_GRAPH: LiteralString = "MATCH (n) WHERE NOT n:ApiKey DETACH DELETE n"
COUNT_ORGANISATIONS: LiteralString = "MATCH (o:Organisation) RETURN count(o) AS n"


async def wipe_graph(db: Runner) -> None:
    await db.write(WIPE_GRAPH)


async def organisations(db: Runner) -> int:
    return int((await db.read(COUNT_ORGANISATIONS))[0]["n"])
