"""Counts of organisations, partnerships and sandbox projects grouped by one or two dimensions.

The dimension names choose among fixed key expressions (CASE on `$d1`/`$d2`), so the statement
is a constant. Multi-valued dimensions (a capability, for an organisation that seeks several)
count a node once under each value.

Partnerships are counted by one of two statements, as the disclosure rule decides
(hub/security/policy.py, `aggregate_disclosure`): every partnership, or those the caller may see
plus, when `$countCrowds`, the private ones in crowds (one status, kind and month) with at least
`$minCrowd` distinct proposers and recipients, in the whole months `$monthsFrom`..`$monthsTo`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from hub.db.cypher import visible_partnership
from hub.db.database import Runner
from hub.domain.enums import AggregateSubject, Dimension
from hub.domain.principal import AggregateDisclosure, PrivateRows


@dataclass(frozen=True, slots=True)
class AggregateFilter:
    status: str | None = None  # the subject's own status
    kind: str | None = None  # institution kind, partnership kind or sandbox service type
    from_: date | None = None
    to: date | None = None


def _keys(n: LiteralString, d: LiteralString, date_field: LiteralString) -> LiteralString:
    home: LiteralString = (
        "CASE WHEN "
        + n
        + ":Partnership THEN [("
        + n
        + ")<-[:PARTY_TO]-(o:Institution) | o.homeCountry][..1] "
        "ELSE [" + n + ".homeCountry] END"
    )
    zone: LiteralString = (
        "[(" + n + ")-[:LOCATED_IN]->(z:Zone) | z.name] "
        "+ [(" + n + ")<-[:PARTY_TO]-(:Institution)-[:LOCATED_IN]->(z:Zone) | z.name][..1]"
    )
    return (
        "CASE " + d + " "
        "WHEN 'NONE' THEN ['all'] "
        "WHEN 'KIND' THEN [coalesce(" + n + ".kind, " + n + ".serviceType, 'TECH_ENTERPRISE')] "
        "WHEN 'STATUS' THEN [coalesce(" + n + ".status, 'n/a')] "
        "WHEN 'HOME_COUNTRY' THEN " + home + " "
        "WHEN 'ZONE' THEN " + zone + " "
        "WHEN 'CAPABILITY' THEN [(" + n + ")-[:SEEKS|OFFERS|USES]->(c:Capability) | c.name] "
        "WHEN 'YEAR' THEN [toString(" + date_field + ".year)] "
        "WHEN 'MONTH' THEN [substring(toString(" + date_field + "), 0, 7)] "
        "END"
    )


def _filtered(n: LiteralString, date_field: LiteralString, kind_field: LiteralString) -> LiteralString:
    return (
        "($from IS NULL OR " + date_field + " >= $from) AND ($to IS NULL OR " + date_field + " <= $to) "
        "AND ($status IS NULL OR " + n + ".status = $status) "
        "AND ($kind IS NULL OR " + n + "." + kind_field + " = $kind)"
    )


def _grouped(date_field: LiteralString) -> LiteralString:
    return (
        "UNWIND " + _keys("n", "$d1", date_field) + " AS k1 "
        "UNWIND " + _keys("n", "$d2", date_field) + " AS k2 "
        "WITH k1, k2, count(DISTINCT n) AS count "
        "WHERE k1 IS NOT NULL AND k2 IS NOT NULL "
        "RETURN k1, k2, count ORDER BY k1, k2"
    )


def _aggregate(label: LiteralString, date_field: LiteralString, kind_field: LiteralString) -> LiteralString:
    return (
        "MATCH (n:" + label + ") WHERE " + _filtered("n", date_field, kind_field) + " " + _grouped(date_field)
    )


AGGREGATES: dict[AggregateSubject, LiteralString] = {
    AggregateSubject.ORGANISATIONS: _aggregate("Organisation", "n.founded", "kind"),
    AggregateSubject.PARTNERSHIPS: _aggregate("Partnership", "n.proposedOn", "kind"),
    AggregateSubject.SANDBOX_PROJECTS: _aggregate("SandboxProject", "n.appliedOn", "serviceType"),
}

_IN_WHOLE_MONTHS: LiteralString = "($monthsFrom IS NULL OR p.proposedOn >= $monthsFrom) AND ($monthsTo IS NULL OR p.proposedOn <= $monthsTo)"
_CROWD: LiteralString = "[p.status, p.kind, substring(toString(p.proposedOn), 0, 7)]"

PARTNERSHIPS_DISCLOSED: LiteralString = (
    # The crowds large enough to count: the same for any window, grouping or caller, since a crowd
    # is a whole month of one status and kind (the window admits whole months only).
    "CALL () { "
    "WITH $countCrowds AS counted WHERE counted "
    "MATCH (a:Organisation)-[:PARTY_TO {role: 'PROPOSER'}]->(p:Partnership)"
    "<-[:PARTY_TO {role: 'RECIPIENT'}]-(b:Organisation) "
    "WHERE NOT " + visible_partnership("p") + " AND " + _IN_WHOLE_MONTHS + " "
    "AND ($status IS NULL OR p.status = $status) AND ($kind IS NULL OR p.kind = $kind) "
    "WITH " + _CROWD + " AS crowd, count(DISTINCT a) AS proposers, count(DISTINCT b) AS recipients "
    "WHERE proposers >= $minCrowd AND recipients >= $minCrowd "
    "RETURN collect(crowd) AS crowds "
    "} "
    "MATCH (p:Partnership) WHERE " + _filtered("p", "p.proposedOn", "kind") + " "
    "AND (" + visible_partnership("p") + " OR (" + _IN_WHOLE_MONTHS + " AND " + _CROWD + " IN crowds)) "
    "WITH p AS n " + _grouped("n.proposedOn")
)


async def aggregate(
    db: Runner,
    *,
    subject: AggregateSubject,
    dimensions: tuple[Dimension, Dimension | None],
    where: AggregateFilter,
    disclosure: AggregateDisclosure,
) -> list[tuple[str, str, int]]:
    """(first key, second key or 'all', count) per group."""
    params: dict[str, Any] = {
        "d1": dimensions[0].value,
        "d2": "NONE" if dimensions[1] is None else dimensions[1].value,
        "status": where.status,
        "kind": where.kind,
        "from": where.from_,
        "to": where.to,
    }
    if subject is AggregateSubject.PARTNERSHIPS and disclosure.private_rows is not PrivateRows.COUNTED:
        rows = await db.read(
            PARTNERSHIPS_DISCLOSED,
            **params,
            **disclosure.visibility.params(),
            countCrowds=disclosure.private_rows is PrivateRows.IN_CROWDS,
            minCrowd=disclosure.min_crowd,
            monthsFrom=disclosure.months_from,
            monthsTo=disclosure.months_to,
        )
    else:
        rows = await db.read(AGGREGATES[subject], **params)
    return [(r["k1"], r["k2"], r["count"]) for r in rows]
