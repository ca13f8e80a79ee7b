"""A page of a longer list: what every connection in the API is built from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageRequest:
    skip: int
    limit: int
    counted: bool = True  # False when nobody asked for the total (nor for pageInfo, which needs it)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    skip: int

    @property
    def has_next(self) -> bool:
        return self.skip + len(self.items) < self.total
