"""What `hub eval --family` does to the database it is pointed at: replaces the whole graph."""

from __future__ import annotations

from typing import LiteralString

from hub.db.database import Runner

# Everything but API keys, 2,000 nodes per transaction so none runs into the server's time limit.
WIPE_SOME: LiteralString = (
    "MATCH (n) WHERE NOT n:ApiKey WITH n LIMIT 2000 DETACH DELETE n RETURN count(*) AS deleted"
)
COUNT_ORGANISATIONS: LiteralString = "MATCH (o:Organisation) RETURN count(o) AS n"


async def wipe_graph(db: Runner) -> None:
    while (await db.write(WIPE_SOME))[0]["deleted"]:
        pass


async def organisations(db: Runner) -> int:
    return int((await db.read(COUNT_ORGANISATIONS))[0]["n"])
