"""Aggregates: counts grouped by one or two dimensions, within what the caller may be told."""

from __future__ import annotations

from dataclasses import dataclass

from hub.db.database import Database
from hub.db.repositories import aggregates as repo
from hub.domain.enums import AggregateSubject, Dimension
from hub.domain.principal import Principal
from hub.security.policy import aggregate_disclosure


@dataclass(frozen=True, slots=True)
class Group:
    keys: tuple[str, ...]  # one per dimension asked for
    count: int


class Aggregates:
    def __init__(self, db: Database, min_crowd: int) -> None:
        self.db = db
        self.min_crowd = min_crowd  # HUB_AGGREGATE_MIN_CROWD

    async def count(
        self,
        principal: Principal,
        subject: AggregateSubject,
        dimensions: tuple[Dimension, ...],
        where: repo.AggregateFilter,
    ) -> list[Group]:
        """Counts by `dimensions` (one or two, distinct), as the disclosure rule lets `principal` see."""
        disclosure = aggregate_disclosure(principal, dimensions, (where.from_, where.to), self.min_crowd)
        second = dimensions[1] if len(dimensions) == 2 else None
        rows = await repo.aggregate(
            self.db, subject=subject, dimensions=(dimensions[0], second), where=where, disclosure=disclosure
        )
        return [Group((k1,) if second is None else (k1, k2), count) for k1, k2, count in rows]
