"""Institutions and tech enterprises: pages, lookups, registration and capability declarations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from hub.db.cypher import choose_start, ordered, organisation_map, root_page, seek_after
from hub.db.database import AUDIT_IN_CHANGE, Database, Row, Runner
from hub.db.mapping import ORGANISATION_TYPES, from_props, organisation
from hub.db.pages import after_params, read_page
from hub.db.repositories.events import APPEND_IN_CHANGE
from hub.domain.enums import InstitutionKind, Maturity
from hub.domain.events import NewEvent
from hub.domain.models import CapabilityOffer, Institution, Organisation, TechEnterprise
from hub.domain.paging import Page, PageRequest

_ORDER_KEY: LiteralString = "CASE $orderBy WHEN 'FOUNDED' THEN n.founded ELSE n.name END"

_INSTITUTION_FILTERS: LiteralString = (
    "($kind IS NULL OR n.kind = $kind) "
    "AND ($homeCountry IS NULL OR n.homeCountry = $homeCountry) "
    "AND ($zoneId IS NULL OR EXISTS { (n)-[:LOCATED_IN]->(:Zone {id: $zoneId}) }) "
    "AND ($foundedFrom IS NULL OR n.founded >= $foundedFrom) "
    "AND ($foundedTo IS NULL OR n.founded <= $foundedTo)"
)
_SEEKS: LiteralString = (
    " AND ($capabilityId IS NULL OR EXISTS { (n)-[:SEEKS]->(:Capability {id: $capabilityId}) })"
)

_TECH_ENTERPRISE_FILTERS: LiteralString = (
    "($homeCountry IS NULL OR n.homeCountry = $homeCountry) "
    "AND ($zoneId IS NULL OR EXISTS { (n)-[:LOCATED_IN]->(:Zone {id: $zoneId}) }) "
    "AND ($foundedFrom IS NULL OR n.founded >= $foundedFrom) "
    "AND ($foundedTo IS NULL OR n.founded <= $foundedTo)"
)
_OFFERS: LiteralString = (
    " AND ($capabilityId IS NULL OR EXISTS { (n)-[o:OFFERS]->(:Capability {id: $capabilityId}) "
    "    WHERE $maturity IS NULL OR o.maturity = $maturity })"
)


def _page(match: LiteralString, where: LiteralString) -> LiteralString:
    return root_page(match + " WHERE " + where, ordered(_ORDER_KEY), seek_after(_ORDER_KEY), "n {.*}")


# Where a page starts reading, by the most selective filter given. A start the planner can seek
# (a capability's or zone's relationships, an indexed property) reads a few thousand
# organisations of 100,000, not all; the capability start also makes its filter unnecessary.
INSTITUTIONS_PAGE: dict[str, LiteralString] = {
    "capability": _page(
        "MATCH (:Capability {id: $capabilityId})<-[:SEEKS]-(n:Institution)", _INSTITUTION_FILTERS
    ),
    "zone": _page(
        "MATCH (:Zone {id: $zoneId})<-[:LOCATED_IN]-(n:Institution)", _INSTITUTION_FILTERS + _SEEKS
    ),
    "country": _page("MATCH (n:Institution {homeCountry: $homeCountry})", _INSTITUTION_FILTERS + _SEEKS),
    "kind": _page("MATCH (n:Institution {kind: $kind})", _INSTITUTION_FILTERS + _SEEKS),
    "all": _page("MATCH (n:Institution)", _INSTITUTION_FILTERS + _SEEKS),
}

TECH_ENTERPRISES_PAGE: dict[str, LiteralString] = {
    "capability": _page(
        "MATCH (:Capability {id: $capabilityId})<-[o:OFFERS]-(n:TechEnterprise)",
        "($maturity IS NULL OR o.maturity = $maturity) AND " + _TECH_ENTERPRISE_FILTERS,
    ),
    "zone": _page(
        "MATCH (:Zone {id: $zoneId})<-[:LOCATED_IN]-(n:TechEnterprise)", _TECH_ENTERPRISE_FILTERS + _OFFERS
    ),
    "country": _page(
        "MATCH (n:TechEnterprise {homeCountry: $homeCountry})", _TECH_ENTERPRISE_FILTERS + _OFFERS
    ),
    "all": _page("MATCH (n:TechEnterprise)", _TECH_ENTERPRISE_FILTERS + _OFFERS),
}


ORGANISATIONS_BY_ID = (
    "UNWIND $ids AS id MATCH (n:Organisation {id: id}) RETURN " + organisation_map("n") + " AS item"
)

# The same, with the write lock of the first of them by id: two transactions about the same pair
# of organisations (either way round) take the same lock, so a check that follows in the
# transaction (no open partnership between them yet) holds until it commits.
LOCK_PAIR_BY_ID = (
    "UNWIND $ids AS id MATCH (n:Organisation {id: id}) WITH n ORDER BY n.id "
    "WITH collect(n) AS found "
    "CALL (found) { WITH found[0] AS first WHERE first IS NOT NULL SET first._lock = true REMOVE first._lock } "
    "UNWIND found AS n RETURN " + organisation_map("n") + " AS item"
)

CREATE_INSTITUTION = """
CREATE (n:Organisation:Institution)
SET n = $props, n.createdAt = datetime()
RETURN n {.*} AS item
"""

CREATE_TECH_ENTERPRISE = """
CREATE (n:Organisation:TechEnterprise)
SET n = $props, n.createdAt = datetime()
RETURN n {.*} AS item
"""

# The whole update in one statement (Database.change): the checks that need the graph (the zone
# exists, the organisation exists, the change applies to its type), then, only if none refuses,
# the change, the new zone, the audit entry and the event. A refusal changes nothing. It ends
# with the read-back (UPDATE_READ_BACK, or a compiled payload's projection: update_returning).
_UPDATE: LiteralString = (
    """
OPTIONAL MATCH (n:Organisation {id: $id})
OPTIONAL MATCH (z:Zone {id: $zoneId})
WITH n, z, CASE
    WHEN $zoneId IS NOT NULL AND z IS NULL THEN 'zoneId'
    WHEN n IS NULL OR ($type IS NOT NULL AND NOT $type IN labels(n)) THEN 'id'
    ELSE [k IN keys($changes)
          WHERE NOT k IN $applicable[CASE WHEN n:Institution THEN 'Institution' ELSE 'TechEnterprise' END]][0]
END AS refused
CALL (n, z, refused) {
    WITH n, z WHERE refused IS NULL
    SET n += $changes, n.updatedAt = datetime()
    """
    + AUDIT_IN_CHANGE
    + """
    WITH n, z
    CALL (n, z) {
        WITH n, z WHERE z IS NOT NULL
        OPTIONAL MATCH (n)-[old:LOCATED_IN]->(:Zone)
        DELETE old
        WITH DISTINCT n, z
        MERGE (n)-[:LOCATED_IN]->(z)
    }
    WITH [n.id] AS organisations,
         CASE WHEN n:Institution THEN 'Institution' ELSE 'TechEnterprise' END AS subjectType
    """
    + APPEND_IN_CHANGE
    + """
}
"""
)
UPDATE_READ_BACK: LiteralString = (
    "n {.*, __type: CASE WHEN n:Institution THEN 'Institution' ELSE 'TechEnterprise' END}"
)


def update_returning(projection: LiteralString) -> LiteralString:
    """The update statement reading back `projection`, an expression over the changed node `n`
    (null when refused: a refused change is answered without the organisation)."""
    return _UPDATE + "RETURN CASE WHEN refused IS NULL THEN " + projection + " END AS item, refused"


UPDATE_ORGANISATION: LiteralString = update_returning(UPDATE_READ_BACK)

SET_ZONE = """
MATCH (n:Organisation {id: $id})
OPTIONAL MATCH (n)-[old:LOCATED_IN]->(:Zone)
DELETE old
WITH DISTINCT n
MATCH (z:Zone {id: $zoneId})
MERGE (n)-[:LOCATED_IN]->(z)
"""

SET_SOUGHT_CAPABILITIES = """
MATCH (n:Institution {id: $id})
OPTIONAL MATCH (n)-[old:SEEKS]->(:Capability)
DELETE old
WITH DISTINCT n
UNWIND $capabilityIds AS capabilityId
MATCH (c:Capability {id: capabilityId})
MERGE (n)-[:SEEKS]->(c)
"""

SET_OFFERED_CAPABILITIES = """
MATCH (n:TechEnterprise {id: $id})
OPTIONAL MATCH (n)-[old:OFFERS]->(:Capability)
DELETE old
WITH DISTINCT n
UNWIND $offers AS offer
MATCH (c:Capability {id: offer.capabilityId})
MERGE (n)-[r:OFFERS]->(c)
SET r.maturity = offer.maturity
"""


@dataclass(frozen=True, slots=True)
class InstitutionFilter:
    kind: InstitutionKind | None = None
    home_country: str | None = None
    zone_id: str | None = None
    capability_id: str | None = None
    founded_from: date | None = None
    founded_to: date | None = None


@dataclass(frozen=True, slots=True)
class TechEnterpriseFilter:
    home_country: str | None = None
    zone_id: str | None = None
    capability_id: str | None = None
    maturity: Maturity | None = None
    founded_from: date | None = None
    founded_to: date | None = None


@dataclass(frozen=True, slots=True)
class Ordering:
    by: str = "NAME"
    descending: bool = False


def _page_params(page: PageRequest, ordering: Ordering) -> dict[str, Any]:
    return {**after_params(page), "orderBy": ordering.by, "descending": ordering.descending}


async def institutions_page(
    db: Runner, *, where: InstitutionFilter, page: PageRequest, ordering: Ordering
) -> Page[Institution]:
    query = choose_start(
        INSTITUTIONS_PAGE,
        capability=where.capability_id,
        zone=where.zone_id,
        country=where.home_country,
        kind=where.kind,
    )
    rows = await db.read(
        query,
        kind=where.kind,
        homeCountry=where.home_country,
        zoneId=where.zone_id,
        capabilityId=where.capability_id,
        foundedFrom=where.founded_from,
        foundedTo=where.founded_to,
        **_page_params(page, ordering),
    )
    row = rows[0]
    return read_page(page, row["items"], row["total"], lambda i: from_props(Institution, i))


async def tech_enterprises_page(
    db: Runner, *, where: TechEnterpriseFilter, page: PageRequest, ordering: Ordering
) -> Page[TechEnterprise]:
    query = choose_start(
        TECH_ENTERPRISES_PAGE, capability=where.capability_id, zone=where.zone_id, country=where.home_country
    )
    rows = await db.read(
        query,
        homeCountry=where.home_country,
        zoneId=where.zone_id,
        capabilityId=where.capability_id,
        maturity=where.maturity,
        foundedFrom=where.founded_from,
        foundedTo=where.founded_to,
        **_page_params(page, ordering),
    )
    row = rows[0]
    return read_page(page, row["items"], row["total"], lambda i: from_props(TechEnterprise, i))


async def organisations_by_id(db: Runner, *, ids: list[str]) -> dict[str, Organisation]:
    rows = await db.read(ORGANISATIONS_BY_ID, ids=ids)
    found = (organisation(row["item"]) for row in rows)
    return {org.id: org for org in found}


async def lock_pair_by_id(db: Runner, *, ids: list[str]) -> dict[str, Organisation]:
    """The organisations of `ids`, the pair's lock taken (LOCK_PAIR_BY_ID)."""
    rows = await db.write(LOCK_PAIR_BY_ID, ids=sorted(set(ids)))
    found = (organisation(row["item"]) for row in rows)
    return {org.id: org for org in found}


_CREATE: dict[str, LiteralString] = {
    "Institution": CREATE_INSTITUTION,
    "TechEnterprise": CREATE_TECH_ENTERPRISE,
}


async def create_organisation(db: Runner, *, type_name: str, props: dict[str, Any]) -> Organisation:
    """A new institution or tech enterprise (`type_name`) with the node properties `props`."""
    rows = await db.write(_CREATE[type_name], props=props)
    return from_props(ORGANISATION_TYPES[type_name], rows[0]["item"])


@dataclass(frozen=True, slots=True)
class ReadBack:
    """What an update reads back of the changed node `n`: a statement made with update_returning
    and the parameters its projection takes (a compiled payload's)."""

    statement: LiteralString
    params: dict[str, Any]


async def update_organisation(
    db: Database,
    *,
    org_id: str,
    org_type: str | None = None,
    changes: dict[str, Any],
    applicable: dict[str, list[str]],
    zone_id: str | None,
    event: NewEvent,
    refusal: Callable[[str], Exception],
    read_back: ReadBack | None = None,
) -> Any:
    """The organisation as changed (a domain record, or `read_back`'s projection of it), in one
    statement; `refusal(field)` is raised (nothing changed) when `field` refuses: zoneId or id not
    found (nor an organisation of `org_type`, the type the caller's id named, when given), or the property key of a change that is not in `applicable` for the organisation's
    type (type name -> property keys)."""

    def outcome(rows: list[Row]) -> Any:
        refused = rows[0]["refused"]
        if refused is not None:
            raise refusal(refused)
        return rows[0]["item"] if read_back is not None else organisation(rows[0]["item"])

    return await db.change(
        UPDATE_ORGANISATION if read_back is None else read_back.statement,
        outcome,
        appends_event=True,
        **(read_back.params if read_back is not None else {}),
        id=org_id,
        type=org_type,
        changes=changes,
        applicable=applicable,
        zoneId=zone_id,
        event=event.row(),
    )


async def set_zone(db: Runner, *, org_id: str, zone_id: str) -> None:
    await db.write(SET_ZONE, id=org_id, zoneId=zone_id)


async def set_sought_capabilities(db: Runner, *, institution_id: str, capability_ids: list[str]) -> None:
    await db.write(SET_SOUGHT_CAPABILITIES, id=institution_id, capabilityIds=capability_ids)


async def set_offered_capabilities(db: Runner, *, enterprise_id: str, offers: list[CapabilityOffer]) -> None:
    rows = [{"capabilityId": o.capability_id, "maturity": o.maturity.value} for o in offers]
    await db.write(SET_OFFERED_CAPABILITIES, id=enterprise_id, offers=rows)
