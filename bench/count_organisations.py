"""Prints how many organisations the graph HUB_HOME / NEO4J_URI points at holds (bench/run.sh)."""

import asyncio

from hub.db.connect import open_database
from hub.settings import Settings


async def count() -> int:
    db = open_database(Settings())
    try:
        return int((await db.read("MATCH (o:Organisation) RETURN count(o) AS n"))[0]["n"])
    finally:
        await db.close()


if __name__ == "__main__":
    print(asyncio.run(count()))
