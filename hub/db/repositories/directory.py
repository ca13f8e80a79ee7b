"""The directory: capabilities, zones, awards and sandbox batches."""

from __future__ import annotations

from typing import Any, LiteralString

from hub.db.cypher import ordered, root_page
from hub.db.database import Runner
from hub.db.mapping import from_props
from hub.domain.models import Award, Capability, SandboxBatch, Zone
from hub.domain.paging import Page, PageRequest

CAPABILITIES_PAGE = root_page(
    "MATCH (n:Capability) WHERE ($category IS NULL OR n.category = $category)",
    ordered("n.name"),
    "n {.*}",
)

ZONES_PAGE = root_page(
    "MATCH (n:Zone) WHERE ($district IS NULL OR n.district = $district)",
    ordered("n.name"),
    "n {.*}",
)

AWARDS_PAGE = root_page(
    "MATCH (n:Award) WHERE ($year IS NULL OR n.year = $year)",
    ordered("n.year"),
    "n {.*}",
)

SANDBOX_BATCHES_PAGE = root_page(
    "MATCH (n:SandboxBatch) WHERE true",
    ordered("n.number"),
    "n {.*}",
)


async def _page(db: Runner, query: LiteralString, page: PageRequest, **params: Any) -> tuple[list[Any], int]:
    rows = await db.read(
        query, skip=page.skip, limit=page.limit, counted=page.counted, descending=False, **params
    )
    return rows[0]["items"], rows[0]["total"]


async def capabilities_page(db: Runner, *, category: str | None, page: PageRequest) -> Page[Capability]:
    items, total = await _page(db, CAPABILITIES_PAGE, page, category=category)
    return Page([from_props(Capability, i) for i in items], total, page.skip)


async def zones_page(db: Runner, *, district: str | None, page: PageRequest) -> Page[Zone]:
    items, total = await _page(db, ZONES_PAGE, page, district=district)
    return Page([from_props(Zone, i) for i in items], total, page.skip)


async def awards_page(db: Runner, *, year: int | None, page: PageRequest) -> Page[Award]:
    items, total = await _page(db, AWARDS_PAGE, page, year=year)
    return Page([from_props(Award, i) for i in items], total, page.skip)


async def sandbox_batches_page(db: Runner, *, page: PageRequest) -> Page[SandboxBatch]:
    items, total = await _page(db, SANDBOX_BATCHES_PAGE, page)
    return Page([from_props(SandboxBatch, i) for i in items], total, page.skip)
