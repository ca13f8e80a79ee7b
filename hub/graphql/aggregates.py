"""Aggregates for analysts: counts grouped by one or two dimensions, and time series."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import strawberry

from hub.db.repositories.aggregates import aggregate
from hub.graphql.context import Info
from hub.graphql.relay import bad_argument


@strawberry.enum
class AggregateSubject(StrEnum):
    ORGANISATIONS = "ORGANISATIONS"
    PARTNERSHIPS = "PARTNERSHIPS"
    SANDBOX_PROJECTS = "SANDBOX_PROJECTS"


@strawberry.enum(
    description="YEAR and MONTH group by the founding, proposal or application date; a time series."
)
class Dimension(StrEnum):
    KIND = "KIND"
    STATUS = "STATUS"
    HOME_COUNTRY = "HOME_COUNTRY"
    ZONE = "ZONE"
    CAPABILITY = "CAPABILITY"
    YEAR = "YEAR"
    MONTH = "MONTH"


@strawberry.input
class AggregateFilter:
    status: str | None = None
    kind: str | None = None
    from_: date | None = strawberry.field(default=None, name="from")
    to: date | None = None


@strawberry.type
class Group:
    keys: list[str] = strawberry.field(description="One value per dimension asked for.")
    count: int


@strawberry.type
class AggregateQueries:
    @strawberry.field(
        description="Counts grouped by one or two dimensions. Counts include every partnership, "
        "private ones too: an aggregate shows no details."
    )
    async def aggregate(
        self,
        info: Info,
        subject: AggregateSubject,
        group_by: list[Dimension],
        filter: AggregateFilter | None = None,
    ) -> list[Group]:
        if not 1 <= len(group_by) <= 2:
            raise bad_argument("groupBy", f"takes one or two dimensions (got {len(group_by)})")
        f = filter or AggregateFilter()
        dims = (group_by[0].value, group_by[1].value if len(group_by) == 2 else "NONE")
        rows = await aggregate(
            info.context.services.catalogue.db,
            subject=subject.value,
            dimensions=dims,
            filters={"status": f.status, "kind": f.kind, "from": f.from_, "to": f.to},
        )
        return [
            Group(keys=[r["k1"]] + ([r["k2"]] if len(group_by) == 2 else []), count=r["count"]) for r in rows
        ]
