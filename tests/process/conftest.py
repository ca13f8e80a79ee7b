"""A partnership network that is slow to measure, written with the hub's own batched writer: the
synthetic ecosystem's organisations, with every partnership ACTIVE between two organisations
drawn at random. Unlike the synthetic graph (clustered by sector and zone, measured in well
under a second), a random network of this size takes igraph's Louvain several seconds
(about 6 s for 20,000 organisations and 60,000 ties on this machine)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest

from hub.db.database import Database
from hub.resources import seed_dir
from hub.seeds.files import read_seed_dir
from hub.seeds.synthetic import generate
from hub.seeds.writer import write_in_batches

SLOW_NETWORK_ORGANISATIONS = 20_000
KEPT_TABLES = ("zones", "capabilities", "institutions", "tech_enterprises", "located_in", "partnerships")
# The per-test wipe deletes everything in one transaction, beyond the test server's transaction
# memory for a graph this size: this one deletes it a few thousand nodes at a time.
WIPE_SOME = "MATCH (n) WHERE NOT n:ApiKey WITH n LIMIT 2000 DETACH DELETE n RETURN count(*) AS deleted"


async def _wipe_in_batches(db: Database) -> None:
    while (await db.write(WIPE_SOME))[0]["deleted"]:
        pass


@pytest.fixture(scope="module")
async def slow_network(db: Database) -> AsyncIterator[Database]:
    await _wipe_in_batches(db)
    rows = generate(SLOW_NETWORK_ORGANISATIONS, 11, read_seed_dir(seed_dir()))
    for table, kept in rows.tables.items():
        if table not in KEPT_TABLES:
            kept.clear()
    ids = [r["id"] for r in rows.tables["institutions"]] + [r["id"] for r in rows.tables["tech_enterprises"]]
    draw = random.Random(11)
    for partnership in rows.tables["partnerships"]:
        partnership["proposer"], partnership["recipient"] = draw.sample(ids, 2)
        props = partnership["props"]
        props.pop("endedOn", None)
        props.update(status="ACTIVE", decidedOn=props["proposedOn"], startedOn=props["proposedOn"])
    await write_in_batches(db, rows)
    yield db
    await _wipe_in_batches(db)
