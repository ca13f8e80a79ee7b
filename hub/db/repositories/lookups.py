"""Batched lookups by id for every label: which ids exist, and their property maps."""

from __future__ import annotations

from typing import Any, LiteralString

from hub.db.cypher import visible_partnership
from hub.db.database import Runner
from hub.domain.principal import EVERYTHING, Visibility

BY_ID: dict[str, LiteralString] = {
    "Institution": "UNWIND $ids AS id MATCH (n:Institution {id: id}) RETURN n.id AS id, n {.*} AS item",
    "TechEnterprise": (
        "UNWIND $ids AS id MATCH (n:TechEnterprise {id: id}) RETURN n.id AS id, n {.*} AS item"
    ),
    "Capability": "UNWIND $ids AS id MATCH (n:Capability {id: id}) RETURN n.id AS id, n {.*} AS item",
    "Partnership": (
        "UNWIND $ids AS id MATCH (n:Partnership {id: id}) WHERE " + visible_partnership("n") + " "
        "RETURN n.id AS id, n {.*} AS item"
    ),
    "SandboxBatch": ("UNWIND $ids AS id MATCH (n:SandboxBatch {id: id}) RETURN n.id AS id, n {.*} AS item"),
    "SandboxProject": (
        "UNWIND $ids AS id MATCH (n:SandboxProject {id: id}) RETURN n.id AS id, n {.*} AS item"
    ),
    "Zone": "UNWIND $ids AS id MATCH (n:Zone {id: id}) RETURN n.id AS id, n {.*} AS item",
    "Award": "UNWIND $ids AS id MATCH (n:Award {id: id}) RETURN n.id AS id, n {.*} AS item",
}

LABELS = tuple(BY_ID)


async def props_by_id(
    db: Runner, *, label: str, ids: list[str], visibility: Visibility = EVERYTHING
) -> dict[str, dict[str, Any]]:
    """The property maps of the nodes with `label` among `ids` that the caller may see; others
    are simply absent, exactly like ids that name nothing."""
    rows = await db.read(BY_ID[label], ids=ids, **visibility.params())
    return {row["id"]: row["item"] for row in rows}


async def missing_ids(db: Runner, *, label: str, ids: list[str]) -> list[str]:
    """The ids among `ids` that name no node with `label`, in the order given."""
    if not ids:
        return []
    found = await props_by_id(db, label=label, ids=ids)
    return [i for i in ids if i not in found]
