"""The seeding use cases: the seed files in one transaction, or a synthetic graph in batches.
Both then refresh what is derived from the graph: matchmaking leaders and network measures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hub.db.database import Database
from hub.db.repositories.matchmaking import refresh_leaders
from hub.db.repositories.value_labels import mirrored
from hub.resources import seed_dir
from hub.seeds.files import read_seed_dir
from hub.seeds.synthetic import generate
from hub.seeds.writer import rows_from_seeds, write_in_batches, write_in_one_transaction
from hub.services.matchmaking.learned import Learning
from hub.services.matchmaking.ranker import Model
from hub.services.network.service import NetworkMeasures

DEFAULT_SEED_DIR = seed_dir()

# Keys, the audit and event logs and derived data (network measures) are not part of the seeded
# graph (each seeding refreshes the network measures, which is an event); nor are the labels that
# mirror a property's values (ActivePartnership, ...): nodes are counted by their type's labels.
COUNT_NODES = (
    "MATCH (n) WHERE NOT (n:ApiKey OR n:AuditEntry OR n:Event OR n:EventLog OR n:NetworkSnapshot "
    "OR n:NetworkCommunity) "
    "RETURN [l IN labels(n) WHERE NOT l IN $valueLabels] AS labels, count(*) AS count"
)
COUNT_RELATIONSHIPS = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count"


async def load_seed_dir(db: Database, root: Path = DEFAULT_SEED_DIR) -> int:
    """Validates every seed file, then writes them all in one transaction. Returns rows written."""
    rows = rows_from_seeds(read_seed_dir(root))
    await write_in_one_transaction(db, rows)
    await refresh_leaders(db)
    await NetworkMeasures(db).refresh()
    return rows.count()


async def load_synthetic(
    db: Database,
    n: int,
    seed: int,
    taxonomy_root: Path = DEFAULT_SEED_DIR,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    rows = generate(n, seed, read_seed_dir(taxonomy_root))
    await write_in_batches(db, rows, progress=progress)
    await refresh_leaders(db)
    if progress:
        progress("network measures", 0, 1)
    await NetworkMeasures(db).refresh()
    if progress:
        progress("network measures", 1, 1)
    return rows.count()


async def refit_matchmaking(db: Database) -> list[Model]:
    """After seeding: the matchmaking models fitted on the new graph's history, stored in Neo4j (the
    API's own refit then starts from the same graph). The test fixtures seed without it: the API
    fits when it first needs a model."""
    state = await Learning(db).refit()
    return list(state.models.values())


async def graph_counts(db: Database) -> dict[str, int]:
    """Nodes per label set and relationships per type: what a second seeding must leave unchanged."""
    counts: dict[str, int] = {}
    value_labels = [label for m in mirrored() for label in m.labels.labels]
    for row in await db.read(COUNT_NODES, valueLabels=value_labels):
        key = ":".join(sorted(row["labels"]))
        counts[key] = counts.get(key, 0) + row["count"]
    for row in await db.read(COUNT_RELATIONSHIPS):
        counts[f"-[{row['type']}]-"] = row["count"]
    return counts
