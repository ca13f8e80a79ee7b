"""The directory: capabilities, zones, awards and sandbox batches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, LiteralString, TypeVar

from hub.db.cypher import ordered, root_page, seek_after
from hub.db.database import Runner
from hub.db.mapping import from_props
from hub.db.pages import after_params, read_page
from hub.domain.models import Award, Capability, SandboxBatch, Zone
from hub.domain.paging import Page, PageRequest

T = TypeVar("T")


def _directory_page(match: LiteralString, key: LiteralString) -> LiteralString:
    return root_page(match, ordered(key), seek_after(key), "n {.*}")


CAPABILITIES_PAGE = _directory_page(
    "MATCH (n:Capability) WHERE ($category IS NULL OR n.category = $category)", "n.name"
)

ZONES_PAGE = _directory_page("MATCH (n:Zone) WHERE ($district IS NULL OR n.district = $district)", "n.name")

AWARDS_PAGE = _directory_page("MATCH (n:Award) WHERE ($year IS NULL OR n.year = $year)", "n.year")

SANDBOX_BATCHES_PAGE = _directory_page("MATCH (n:SandboxBatch) WHERE true", "n.number")


async def _page(
    db: Runner, query: LiteralString, page: PageRequest, build: Callable[[dict[str, Any]], T], **params: Any
) -> Page[T]:
    rows = await db.read(query, **after_params(page), descending=False, **params)
    return read_page(page, rows[0]["items"], rows[0]["total"], build)


async def capabilities_page(db: Runner, *, category: str | None, page: PageRequest) -> Page[Capability]:
    return await _page(db, CAPABILITIES_PAGE, page, lambda i: from_props(Capability, i), category=category)


async def zones_page(db: Runner, *, district: str | None, page: PageRequest) -> Page[Zone]:
    return await _page(db, ZONES_PAGE, page, lambda i: from_props(Zone, i), district=district)


async def awards_page(db: Runner, *, year: int | None, page: PageRequest) -> Page[Award]:
    return await _page(db, AWARDS_PAGE, page, lambda i: from_props(Award, i), year=year)


async def sandbox_batches_page(db: Runner, *, page: PageRequest) -> Page[SandboxBatch]:
    return await _page(db, SANDBOX_BATCHES_PAGE, page, lambda i: from_props(SandboxBatch, i))
