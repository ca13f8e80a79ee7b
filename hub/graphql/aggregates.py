"""Aggregates for analysts: counts grouped by one or two dimensions, and time series."""

from __future__ import annotations

from collections import Counter
from datetime import date

import strawberry

from hub.db.repositories.aggregates import AggregateFilter as Where
from hub.domain.enums import (
    AggregateSubject,
    Dimension,
    InstitutionKind,
    PartnershipKind,
    PartnershipStatus,
    SandboxStatus,
    ServiceType,
)
from hub.graphql import enums as _registered  # noqa: F401  (registers the domain's enums)
from hub.graphql.context import Info
from hub.graphql.relay import bad_argument

strawberry.enum(AggregateSubject)
strawberry.enum(
    Dimension,
    description="YEAR and MONTH group by the founding, proposal or application date; a time series.",
)

DISCLOSURE = (
    "Regulators and admins count every partnership. A partner counts only the partnerships it may "
    "see: ACTIVE and ENDED ones, and PROPOSED and DECLINED ones it is a party to. An analyst counts "
    "the partnerships anyone may see, plus private (PROPOSED or DECLINED) ones only when grouped by "
    "STATUS, KIND, YEAR or MONTH alone, only for calendar months wholly inside the window, and only "
    "in crowds - the private partnerships of one status, kind and month - with at least "
    "HUB_AGGREGATE_MIN_CROWD (5 by default) distinct proposers and as many distinct recipients; smaller crowds "
    "are left out whole. So no combination of aggregates singles out who proposed to whom "
    "(docs/security.md)."
)


@strawberry.input(
    description="Each field but `from` and `to` applies to the subject it names; another subject refuses it."
)
class AggregateFilter:
    from_: date | None = strawberry.field(
        default=None,
        name="from",
        description="On or after this founding (organisations), proposal (partnerships) or application (sandbox projects) date.",
    )
    to: date | None = strawberry.field(default=None, description="On or before this date.")
    institution_kind: InstitutionKind | None = strawberry.field(
        default=None, description="ORGANISATIONS: only institutions of this kind."
    )
    partnership_status: PartnershipStatus | None = strawberry.field(default=None, description="PARTNERSHIPS.")
    partnership_kind: PartnershipKind | None = strawberry.field(default=None, description="PARTNERSHIPS.")
    sandbox_status: SandboxStatus | None = strawberry.field(default=None, description="SANDBOX_PROJECTS.")
    service_type: ServiceType | None = strawberry.field(default=None, description="SANDBOX_PROJECTS.")


# For each subject, its filter fields (as the schema names them): (status, kind).
_SUBJECT_FILTERS: dict[AggregateSubject, tuple[str | None, str | None]] = {
    AggregateSubject.ORGANISATIONS: (None, "institutionKind"),
    AggregateSubject.PARTNERSHIPS: ("partnershipStatus", "partnershipKind"),
    AggregateSubject.SANDBOX_PROJECTS: ("sandboxStatus", "serviceType"),
}


def _where(subject: AggregateSubject, f: AggregateFilter) -> Where:
    """The filter for `subject`, or BAD_USER_INPUT naming a field that belongs to another subject."""
    given = {
        "institutionKind": f.institution_kind,
        "partnershipStatus": f.partnership_status,
        "partnershipKind": f.partnership_kind,
        "sandboxStatus": f.sandbox_status,
        "serviceType": f.service_type,
    }
    status_field, kind_field = _SUBJECT_FILTERS[subject]
    for name, value in given.items():
        if value is not None and name not in (status_field, kind_field):
            own = ", ".join(n for n in (status_field, kind_field) if n) or "none"
            raise bad_argument(
                f"filter.{name}",
                f"does not apply to {subject.value}; its fields are from, to, {own}",
            )
    if f.from_ is not None and f.to is not None and f.from_ > f.to:
        raise bad_argument("filter.to", f"{f.to} is before `from` ({f.from_})")
    status = given[status_field] if status_field else None
    kind = given[kind_field] if kind_field else None
    return Where(
        status=None if status is None else status.value,
        kind=None if kind is None else kind.value,
        from_=f.from_,
        to=f.to,
    )


def _dimensions(group_by: list[Dimension]) -> tuple[Dimension, ...]:
    if not 1 <= len(group_by) <= 2:
        raise bad_argument("groupBy", f"takes one or two dimensions (got {len(group_by)})")
    twice = [d.value for d, n in Counter(group_by).items() if n > 1]
    if twice:
        raise bad_argument("groupBy", f"names {twice[0]} twice; give two different dimensions or one")
    return tuple(group_by)


@strawberry.type
class Group:
    keys: list[str] = strawberry.field(description="One value per dimension asked for.")
    count: int


@strawberry.type
class AggregateQueries:
    @strawberry.field(description="Counts grouped by one or two different dimensions. " + DISCLOSURE)
    async def aggregate(
        self,
        info: Info,
        subject: AggregateSubject,
        group_by: list[Dimension],
        filter: AggregateFilter | None = None,
    ) -> list[Group]:
        dimensions = _dimensions(group_by)
        where = _where(subject, filter or AggregateFilter())
        principal = info.context.principal
        assert principal is not None  # the view refuses unauthenticated operations
        groups = await info.context.services.aggregates.count(principal, subject, dimensions, where)
        return [Group(keys=list(g.keys), count=g.count) for g in groups]
