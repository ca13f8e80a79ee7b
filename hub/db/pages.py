"""A page from the rows a paged statement read: one item more than asked tells whether another
page follows, and each item's position (its ordering key's value and its id) is what its cursor
will hold."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from neo4j.time import Date, DateTime

from hub.domain.paging import Page, PageRequest, Position

T = TypeVar("T")


def key_value(value: Any) -> Any:
    """A property's value as a cursor holds it: a date as its ISO string, as Cypher's toString
    writes it (the compiled path reads it that way)."""
    if isinstance(value, Date | DateTime):
        return value.iso_format()
    return value


def read_page(
    request: PageRequest, items: list[dict[str, Any]], total: int, build: Callable[[dict[str, Any]], T]
) -> Page[T]:
    """The page of `items` (property maps, as many as `request.fetch` at most) for `request`."""
    kept = items[: request.limit]
    key = request.key
    return Page(
        items=[build(item) for item in kept],
        total=total,
        positions=[Position(key_value(item.get(key)) if key else None, item["id"]) for item in kept],
        has_next=len(items) > request.limit,
        has_previous=request.after is not None,
        order=request.order,
    )


def after_params(request: PageRequest) -> dict[str, Any]:
    """The statement's parameters for the page: the cursor's position and how many to read."""
    after = request.after
    return {
        "afterKey": None if after is None else after.key,
        "afterId": None if after is None else after.id,
        "limit": request.fetch,
        "counted": request.counted,
    }
