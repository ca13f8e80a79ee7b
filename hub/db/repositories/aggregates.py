"""Counts of organisations, partnerships and sandbox projects grouped by one or two dimensions.

The dimension names choose among fixed key expressions (CASE on `$d1`/`$d2`), so the statement
is a constant. Multi-valued dimensions (a capability, for an organisation that seeks several)
count a node once under each value.
"""

from __future__ import annotations

from typing import Any, LiteralString

from hub.db.database import Runner


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


def _aggregate(match: LiteralString, date_field: LiteralString) -> LiteralString:
    return (
        match + " "
        "WHERE ($from IS NULL OR " + date_field + " >= $from) AND ($to IS NULL OR " + date_field + " <= $to) "
        "AND ($status IS NULL OR n.status = $status) AND ($kind IS NULL OR n.kind = $kind) "
        "UNWIND " + _keys("n", "$d1", date_field) + " AS k1 "
        "UNWIND " + _keys("n", "$d2", date_field) + " AS k2 "
        "WITH k1, k2, count(DISTINCT n) AS count "
        "WHERE k1 IS NOT NULL AND k2 IS NOT NULL "
        "RETURN k1, k2, count ORDER BY k1, k2"
    )


AGGREGATES: dict[str, LiteralString] = {
    "ORGANISATIONS": _aggregate("MATCH (n:Organisation)", "n.founded"),
    "PARTNERSHIPS": _aggregate("MATCH (n:Partnership)", "n.proposedOn"),
    "SANDBOX_PROJECTS": _aggregate("MATCH (n:SandboxProject)", "n.appliedOn"),
}


async def aggregate(
    db: Runner, *, subject: str, dimensions: tuple[str, str], filters: dict[str, Any]
) -> list[dict[str, Any]]:
    return await db.read(AGGREGATES[subject], d1=dimensions[0], d2=dimensions[1], **filters)
