"""A page of a longer list: what every connection in the API is built from.

Pages are keyset pages: a page starts after the position (the ordering key's value and the id)
of the last item the caller saw, not after a count of items, so rows inserted or removed before
that position neither repeat nor skip an item of the next page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# What a cursor may hold as the ordering key's value: a string, a number, a date as its ISO
# string, or None (an item whose key is missing).
KeyValue = str | int | float | None


@dataclass(frozen=True, slots=True)
class Position:
    """Where an item stands in its list's order: its ordering key's value, then its id."""

    key: object  # a KeyValue; a date is a `datetime.date` once decoded for a statement
    id: str


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int  # 0 when no items were asked for (only totalCount)
    order: str  # the ordering's name, as cursors carry it ("name", "-proposedOn", "id")
    key: str | None  # the property the items are ordered by (None: by id alone)
    after: Position | None = None
    counted: bool = True  # False when nobody asked for totalCount

    @property
    def fetch(self) -> int:
        """How many items to read: one more than the page, to know whether another follows."""
        return self.limit + 1 if self.limit else 0


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    positions: list[Position]  # each item's place in the order: what its cursor holds
    has_next: bool
    has_previous: bool  # the page was asked for after a cursor
    order: str
