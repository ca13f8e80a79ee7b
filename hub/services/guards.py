"""Checks that referenced nodes exist, run inside the transaction that relies on them."""

from __future__ import annotations

import re

from hub.db.database import Runner
from hub.db.repositories import lookups
from hub.errors import NotFoundError


def _words(label: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r" \1", label).lower()


async def require(db: Runner, label: str, field: str, ids: list[str]) -> None:
    """Refuses the request when any of `ids` (one field's value or values) names no `label` node."""
    missing = await lookups.missing_ids(db, label=label, ids=ids)
    if missing:
        raise NotFoundError(field, _words(label), missing[0])


async def require_each(db: Runner, label: str, field: str, ids: list[str], suffix: str = "") -> None:
    """As `require` for a list: the first missing id is told at its index (`capabilityIds.2`,
    or `offers.2.capabilityId` with `suffix`)."""
    missing = await lookups.missing_ids(db, label=label, ids=ids)
    if missing:
        index = ids.index(missing[0])
        raise NotFoundError(f"{field}.{index}{suffix}", _words(label), missing[0])


async def require_zone(db: Runner, zone_id: str | None) -> None:
    if zone_id is not None:
        await require(db, "Zone", "zoneId", [zone_id])
