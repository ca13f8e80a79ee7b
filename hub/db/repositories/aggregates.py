"""Counts of organisations, partnerships and sandbox projects grouped by one or two dimensions.

The dimension names choose among fixed key expressions (CASE on `$d1`/`$d2`), so the statement
is a constant. Multi-valued dimensions (a capability, for an organisation that seeks several)
count a node once under each value.

Partnerships are counted by one of three statements, as the disclosure rule decides
(hub/security/policy.py, `aggregate_disclosure`): every partnership (regulators, admins); those
the caller may see (partners; analysts grouping by who or where); or, for analysts, the public
ones plus the private ones in crowds (one status, kind and month) with at least `$minCrowd`
distinct proposers and recipients, in the whole months `$monthsFrom`..`$monthsTo`. Each is kept
lean: Neo4j plans a statement on its first use, and a large one takes seconds to plan.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any, LiteralString

from hub.db.database import Runner
from hub.db.repositories.value_labels import counted_by_value, partnership_status
from hub.domain.enums import AggregateSubject, Dimension
from hub.domain.principal import AggregateDisclosure, PrivateRows
from hub.model.types import ValueLabels


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


@dataclass(frozen=True, slots=True)
class _Key:
    """How one dimension groups one subject's nodes `n`."""

    expr: LiteralString  # the group's key: one value, or a list of them when `many`
    # The property whose presence makes `expr` non-null, when `expr` reads it alone: then
    # `WHERE n.prop IS NOT NULL` lets a range index on it answer the grouping from its values
    # without reading the nodes (what the floor's `MATCH (p:Partnership) WHERE p.status IS NOT
    # NULL RETURN p.status, count(*)` does).
    present: LiteralString | None = None
    many: bool = False  # a node counts once under each of its values


_HOME_OF_PARTIES: LiteralString = "[(n)<-[:PARTY_TO]-(o:Institution) | o.homeCountry][..1]"
_ZONES: LiteralString = "[(n)-[:LOCATED_IN]->(z:Zone) | z.name] + [(n)<-[:PARTY_TO]-(:Institution)-[:LOCATED_IN]->(z:Zone) | z.name][..1]"
_CAPABILITIES: LiteralString = "[(n)-[:SEEKS|OFFERS|USES]->(c:Capability) | c.name]"


def _dated(date_field: LiteralString) -> dict[Dimension, _Key]:
    return {
        Dimension.YEAR: _Key("toString(" + date_field + ".year)"),
        Dimension.MONTH: _Key("substring(toString(" + date_field + "), 0, 7)"),
        Dimension.ZONE: _Key(_ZONES, many=True),
        Dimension.CAPABILITY: _Key(_CAPABILITIES, many=True),
    }


@dataclass(frozen=True, slots=True)
class _Subject:
    label: LiteralString
    date_field: LiteralString  # the property the from/to window applies to
    kind_field: LiteralString  # the property the kind filter applies to
    keys: dict[Dimension, _Key]
    # Dimensions whose values the model mirrors as labels (hub/model/types.py `ValueLabels`):
    # grouped by them alone, without a filter, each group is one count-store read.
    labelled: dict[Dimension, ValueLabels] = field(default_factory=dict)


# Each subject's dimensions. Partnerships and sandbox projects always carry their status, kind
# (service type) and date, as the hub writes them; organisations have no status ('n/a').
_SUBJECTS: dict[AggregateSubject, _Subject] = {
    AggregateSubject.ORGANISATIONS: _Subject(
        "Organisation",
        "founded",
        "kind",
        {
            Dimension.KIND: _Key("coalesce(n.kind, 'TECH_ENTERPRISE')"),
            Dimension.STATUS: _Key("'n/a'"),
            Dimension.HOME_COUNTRY: _Key("n.homeCountry", "homeCountry"),
            **_dated("n.founded"),
        },
    ),
    AggregateSubject.PARTNERSHIPS: _Subject(
        "Partnership",
        "proposedOn",
        "kind",
        {
            Dimension.KIND: _Key("n.kind", "kind"),
            Dimension.STATUS: _Key("n.status", "status"),
            Dimension.HOME_COUNTRY: _Key(_HOME_OF_PARTIES, many=True),
            **_dated("n.proposedOn"),
        },
        {Dimension.STATUS: partnership_status()},
    ),
    AggregateSubject.SANDBOX_PROJECTS: _Subject(
        "SandboxProject",
        "appliedOn",
        "serviceType",
        {
            Dimension.KIND: _Key("n.serviceType", "serviceType"),
            Dimension.STATUS: _Key("n.status", "status"),
            Dimension.HOME_COUNTRY: _Key("[n.homeCountry]", many=True),
            **_dated("n.appliedOn"),
        },
    ),
}
_ALL = _Key("'all'")


@functools.cache
def counts_statement(
    subject: AggregateSubject, first: Dimension, second: Dimension | None, given: frozenset[str]
) -> LiteralString:
    """The grouping of `subject` by one or two dimensions, with the filters `given` (of
    status, kind, from, to): a statement per shape of the request, so it holds only what
    this request needs. The generic form (each dimension a CASE on a parameter, every filter
    `$x IS NULL OR ...`, every key a list to UNWIND and every node counted DISTINCT) took
    4x the floor's time on 400,000 partnerships, reading every node's properties even for a
    grouping an index answers (bench/profiling.md)."""
    about = _SUBJECTS[subject]
    if second is None and not given and first in about.labelled:
        return _from_count_store(about.labelled[first])
    keys = (about.keys[first], _ALL if second is None else about.keys[second])
    where: list[LiteralString] = ["n." + k.present + " IS NOT NULL" for k in keys if k.present]
    if "status" in given:
        where.append("n.status = $status")
    if "kind" in given:
        where.append("n." + about.kind_field + " = $kind")
    if "from" in given:
        where.append("n." + about.date_field + " >= $from")
    if "to" in given:
        where.append("n." + about.date_field + " <= $to")
    text: LiteralString = "MATCH (n:" + about.label + ")"
    if where:
        text += " WHERE " + " AND ".join(where)
    if any(k.many for k in keys):
        for name, key in zip(("k1", "k2"), keys, strict=True):
            text += " UNWIND " + (key.expr if key.many else "[" + key.expr + "]") + " AS " + name
        text += " WITH k1, k2, count(DISTINCT n) AS count"
    else:
        text += " WITH " + keys[0].expr + " AS k1, " + keys[1].expr + " AS k2, count(*) AS count"
    return text + " WHERE k1 IS NOT NULL AND k2 IS NOT NULL RETURN k1, k2, count ORDER BY k1, k2"


def _from_count_store(labels: ValueLabels) -> LiteralString:
    """Each value's number of nodes, read from the count store by its label (4 reads where the
    status index was read entry by entry: 300,000 for 300,000 partnerships); values no node
    holds are left out, as a grouping leaves them out."""
    return (
        counted_by_value(labels) + " WITH value AS k1, 'all' AS k2, count WHERE count > 0 "
        "RETURN k1, k2, count ORDER BY k1, k2"
    )


# Partnerships of these statuses are visible to everyone, the others only to their parties
# (hub/db/cypher.py, visible_partnership).
PUBLIC: LiteralString = "['ACTIVE', 'ENDED']"
PRIVATE: LiteralString = "['PROPOSED', 'DECLINED']"

# What a caller may see: the public partnerships and its own private ones (read from its
# organisation, rather than a party test per partnership), grouped by one key expression.
PARTNERSHIPS_SEEN: LiteralString = (
    "CALL () { "
    "MATCH (n:Partnership) WHERE n.status IN " + PUBLIC + " RETURN n "
    "UNION ALL "
    "MATCH (:Organisation {id: $viewerOrg})-[:PARTY_TO]->(n:Partnership) WHERE n.status IN "
    + PRIVATE
    + " RETURN n "
    "} "
    "WITH n WHERE " + _filtered("n", "n.proposedOn", "kind") + " " + _grouped("n.proposedOn")
)


def _time_or_kind(
    d: LiteralString, status: LiteralString, kind: LiteralString, year: LiteralString, month: LiteralString
) -> LiteralString:
    """A group key by a crowd dimension (STATUS, KIND, YEAR, MONTH; NONE for a single group)."""
    return (
        "CASE "
        + d
        + " WHEN 'NONE' THEN 'all' WHEN 'KIND' THEN "
        + kind
        + " WHEN 'STATUS' THEN "
        + status
        + " "
        "WHEN 'YEAR' THEN " + year + " WHEN 'MONTH' THEN " + month + " END"
    )


_YEAR: LiteralString = "toString(p.proposedOn.year)"
_MONTH: LiteralString = "substring(toString(p.proposedOn), 0, 7)"

# For analysts: the public partnerships, plus the private crowds (one status, kind and month)
# with at least $minCrowd distinct proposers and recipients, each counted whole from its size.
# A crowd falls in one group, since crowds are counted only by STATUS, KIND, YEAR and MONTH, and
# it is the same crowd whatever the window, since the window admits whole months only
# ($monthsFrom..$monthsTo): no two answers differ by part of a crowd.
PARTNERSHIPS_WITH_CROWDS: LiteralString = (
    "CALL () { "
    "MATCH (p:Partnership) WHERE p.status IN "
    + PUBLIC
    + " AND "
    + _filtered("p", "p.proposedOn", "kind")
    + " RETURN "
    + _time_or_kind("$d1", "p.status", "p.kind", _YEAR, _MONTH)
    + " AS k1, "
    + _time_or_kind("$d2", "p.status", "p.kind", _YEAR, _MONTH)
    + " AS k2, count(p) AS count "
    "UNION ALL "
    "MATCH (p:Partnership) WHERE p.status IN " + PRIVATE + " "
    "AND ($monthsFrom IS NULL OR p.proposedOn >= $monthsFrom) AND ($monthsTo IS NULL OR p.proposedOn <= $monthsTo) "
    "AND ($status IS NULL OR p.status = $status) AND ($kind IS NULL OR p.kind = $kind) "
    "MATCH (a)-[:PARTY_TO {role: 'PROPOSER'}]->(p)<-[:PARTY_TO {role: 'RECIPIENT'}]-(b) "
    "WITH p.status AS status, p.kind AS kind, " + _YEAR + " AS year, " + _MONTH + " AS month, "
    "count(DISTINCT p) AS size, count(DISTINCT a) AS proposers, count(DISTINCT b) AS recipients "
    "WHERE proposers >= $minCrowd AND recipients >= $minCrowd "
    "RETURN "
    + _time_or_kind("$d1", "status", "kind", "year", "month")
    + " AS k1, "
    + _time_or_kind("$d2", "status", "kind", "year", "month")
    + " AS k2, size AS count "
    "} "
    "WITH k1, k2, sum(count) AS count WHERE k1 IS NOT NULL AND k2 IS NOT NULL "
    "RETURN k1, k2, count ORDER BY k1, k2"
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
    if subject is not AggregateSubject.PARTNERSHIPS or disclosure.private_rows is PrivateRows.COUNTED:
        given = frozenset(k for k in ("status", "kind", "from", "to") if params[k] is not None)
        rows = await db.read(counts_statement(subject, dimensions[0], dimensions[1], given), **params)
    elif disclosure.private_rows is PrivateRows.IN_CROWDS:
        rows = await db.read(
            PARTNERSHIPS_WITH_CROWDS,
            **params,
            minCrowd=disclosure.min_crowd,
            monthsFrom=disclosure.months_from,
            monthsTo=disclosure.months_to,
        )
    else:
        rows = await db.read(PARTNERSHIPS_SEEN, **params, viewerOrg=disclosure.visibility.organisation_id)
    return [(r["k1"], r["k2"], r["count"]) for r in rows]
