"""Checks that referenced nodes exist, run inside the transaction that relies on them."""

from __future__ import annotations

import re

from hub.db.database import Runner
from hub.db.repositories import lookups
from hub.errors import NotFoundError


def _words(label: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r" \1", label).lower()


async def require(db: Runner, label: str, field: str, ids: list[str]) -> None:
    """Refuses the request when any of `ids` names no `label` node."""
    missing = await lookups.missing_ids(db, label=label, ids=ids)
    if missing:
        raise NotFoundError(field, _words(label), missing[0])


async def require_zone(db: Runner, zone_id: str | None) -> None:
    if zone_id is not None:
        await require(db, "Zone", "zoneId", [zone_id])
