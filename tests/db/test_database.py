from __future__ import annotations

import pytest

from hub.db.database import Database
from hub.db.server import Connection
from hub.errors import OperationTimeout

SLOW = "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n"


async def test_transactions_are_bounded_by_the_timeout(neo4j: Connection) -> None:
    # Long enough that `RETURN 1` (and the driver's connection waits, a share of it) fit even on a
    # loaded machine; far too short for SLOW.
    db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, neo4j.database, timeout=5.0)
    try:
        with pytest.raises(OperationTimeout):
            await db.read(SLOW)
        assert (await db.read("RETURN 1 AS one")) == [{"one": 1}]
    finally:
        await db.close()
