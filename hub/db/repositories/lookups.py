"""Batched lookups by id for every label: which ids exist, and their property maps."""

from __future__ import annotations

from typing import Any, LiteralString

from hub.db.database import Runner
from hub.domain.principal import EVERYTHING, Visibility
from hub.model.graph import MODEL
from hub.model.types import NodeType


def _by_id(node_type: NodeType) -> LiteralString:
    where: LiteralString = ""
    if node_type.visible_when is not None:
        where = " WHERE " + node_type.visible_when.replace("{n}", "n")
    return (
        "UNWIND $ids AS id MATCH (n:"
        + node_type.label
        + " {id: id})"
        + where
        + " RETURN n.id AS id, n {.*} AS item"
    )


# One lookup per node type of the model, with the type's visibility rule.
BY_ID: dict[str, LiteralString] = {node_type.name: _by_id(node_type) for node_type in MODEL.nodes}

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
