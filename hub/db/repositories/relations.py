"""Batched navigation of relationships: for many anchors at once, one statement each.

The API's data loaders call these with every parent id of one level of a response, so a nested
query costs one round trip per relationship field, however many items it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, LiteralString

from hub.db.cypher import organisation_map, related_page, visible_partnership
from hub.db.database import Runner
from hub.db.mapping import from_props, organisation
from hub.db.repositories.sandbox import invitation
from hub.domain import models
from hub.domain.enums import Maturity, PartyRole, SandboxRole
from hub.domain.paging import Page, PageRequest

_ORGANISATION: LiteralString = "MATCH (a:Organisation {id: id})"


@dataclass(frozen=True, slots=True)
class Relation:
    """A paged relationship: its statement, the filter parameters it takes, and its item type."""

    query: LiteralString
    params: tuple[str, ...]
    build: Callable[[dict[str, Any]], Any]


def _record(cls: type[Any]) -> Callable[[dict[str, Any]], Any]:
    return lambda props: from_props(cls, props)


PAGED: dict[str, Relation] = {
    "organisation.partnerships": Relation(
        related_page(
            _ORGANISATION,
            "MATCH (a)-[:PARTY_TO]->(n:Partnership) "
            "WHERE ($status IS NULL OR n.status = $status) AND ($kind IS NULL OR n.kind = $kind) "
            "AND " + visible_partnership("n"),
            "n.proposedOn DESC, n.id",
            "n {.*}",
        ),
        ("status", "kind", "viewerOrg", "seesAll"),
        _record(models.Partnership),
    ),
    "organisation.partners": Relation(
        related_page(
            _ORGANISATION,
            "MATCH (a)-[:PARTY_TO]->(p:Partnership)<-[:PARTY_TO]-(n:Organisation) "
            "WHERE n <> a AND ($status IS NULL OR p.status = $status) AND " + visible_partnership("p") + " "
            "WITH DISTINCT n",
            "n.name, n.id",
            organisation_map("n"),
        ),
        ("status", "viewerOrg", "seesAll"),
        organisation,
    ),
    "organisation.sandboxProjects": Relation(
        related_page(
            _ORGANISATION,
            "MATCH (a)-[:PARTICIPATES_IN]->(n:SandboxProject) WHERE ($status IS NULL OR n.status = $status)",
            "n.appliedOn DESC, n.id",
            "n {.*}",
        ),
        ("status",),
        _record(models.SandboxProject),
    ),
    "capability.providers": Relation(
        related_page(
            "MATCH (a:Capability {id: id})",
            "MATCH (n:TechEnterprise)-[o:OFFERS]->(a) WHERE ($maturity IS NULL OR o.maturity = $maturity)",
            "n.name, n.id",
            "n {.*}",
        ),
        ("maturity",),
        _record(models.TechEnterprise),
    ),
    "capability.seekers": Relation(
        related_page(
            "MATCH (a:Capability {id: id})",
            "MATCH (n:Institution)-[:SEEKS]->(a) WHERE ($kind IS NULL OR n.kind = $kind)",
            "n.name, n.id",
            "n {.*}",
        ),
        ("kind",),
        _record(models.Institution),
    ),
    "capability.sandboxProjects": Relation(
        related_page(
            "MATCH (a:Capability {id: id})",
            "MATCH (n:SandboxProject)-[:USES]->(a) WHERE ($status IS NULL OR n.status = $status)",
            "n.appliedOn DESC, n.id",
            "n {.*}",
        ),
        ("status",),
        _record(models.SandboxProject),
    ),
    "zone.organisations": Relation(
        related_page(
            "MATCH (a:Zone {id: id})",
            "MATCH (n:Organisation)-[:LOCATED_IN]->(a) WHERE ($type IS NULL OR $type IN labels(n))",
            "n.name, n.id",
            organisation_map("n"),
        ),
        ("type",),
        organisation,
    ),
    "sandboxBatch.projects": Relation(
        related_page(
            "MATCH (a:SandboxBatch {id: id})",
            "MATCH (n:SandboxProject)-[:IN_BATCH]->(a) WHERE ($status IS NULL OR n.status = $status)",
            "n.id",
            "n {.*}",
        ),
        ("status",),
        _record(models.SandboxProject),
    ),
}


async def related_pages(
    db: Runner, *, relation: str, ids: list[str], page: PageRequest, filters: dict[str, Any]
) -> dict[str, Page[Any]]:
    """One page of `relation` for each anchor id; an unknown anchor gets an empty page."""
    spec = PAGED[relation]
    params = {name: filters.get(name) for name in spec.params}
    rows = await db.read(spec.query, ids=ids, skip=page.skip, limit=page.limit, **params)
    pages = {
        row["id"]: Page([spec.build(item) for item in row["items"]], row["total"], page.skip) for row in rows
    }
    empty: Page[Any] = Page([], 0, page.skip)
    return {i: pages.get(i, empty) for i in ids}


# -- bounded lists: a handful of items per anchor ----------------------------------------------

ZONES_OF = """
UNWIND $ids AS id
MATCH (:Organisation {id: id})-[:LOCATED_IN]->(z:Zone)
RETURN id, z {.*} AS item
"""

SOUGHT_CAPABILITIES_OF = """
UNWIND $ids AS id
MATCH (:Institution {id: id})-[:SEEKS]->(c:Capability)
WITH id, c ORDER BY c.name
RETURN id, collect(c {.*}) AS items
"""

OFFERED_CAPABILITIES_OF = """
UNWIND $ids AS id
MATCH (:TechEnterprise {id: id})-[o:OFFERS]->(c:Capability)
WITH id, c, o ORDER BY c.name
RETURN id, collect({capability: c {.*}, maturity: o.maturity}) AS items
"""

PARTIES_OF = """
UNWIND $ids AS id
MATCH (o:Organisation)-[r:PARTY_TO]->(:Partnership {id: id})
WITH id, o, r ORDER BY r.role DESC
RETURN id, collect({role: r.role, organisation: o {.*, __type: CASE WHEN o:Institution
    THEN 'Institution' ELSE 'TechEnterprise' END}}) AS items
"""

PARTICIPANTS_OF = """
UNWIND $ids AS id
MATCH (o:Organisation)-[r:PARTICIPATES_IN]->(:SandboxProject {id: id})
WITH id, o, r ORDER BY r.role, o.name
RETURN id, collect({role: r.role, organisation: o {.*, __type: CASE WHEN o:Institution
    THEN 'Institution' ELSE 'TechEnterprise' END}}) AS items
"""

INVITATIONS_OF = """
UNWIND $ids AS id
MATCH (o:Organisation)-[i:INVITED_TO]->(:SandboxProject {id: id})
WITH id, o, i ORDER BY i.role, o.name
RETURN id, collect({invitation: i {.*}, organisation: o {.*, __type: CASE WHEN o:Institution
    THEN 'Institution' ELSE 'TechEnterprise' END}}) AS items
"""

BATCH_OF = """
UNWIND $ids AS id
MATCH (:SandboxProject {id: id})-[:IN_BATCH]->(b:SandboxBatch)
RETURN id, b {.*} AS item
"""

TECHNOLOGIES_OF = """
UNWIND $ids AS id
MATCH (:SandboxProject {id: id})-[:USES]->(c:Capability)
WITH id, c ORDER BY c.name
RETURN id, collect(c {.*}) AS items
"""

AWARDS_OF = """
UNWIND $ids AS id
MATCH (:SandboxProject {id: id})-[:WON]->(w:Award)
WITH id, w ORDER BY w.year
RETURN id, collect(w {.*}) AS items
"""

PROJECT_OF_AWARD = """
UNWIND $ids AS id
MATCH (p:SandboxProject)-[:WON]->(:Award {id: id})
RETURN id, p {.*} AS item
"""


@dataclass(frozen=True, slots=True)
class OfferedCapability:
    capability: models.Capability
    maturity: Maturity


@dataclass(frozen=True, slots=True)
class PartyOf:
    role: PartyRole
    organisation: models.Organisation


@dataclass(frozen=True, slots=True)
class ParticipantOf:
    role: SandboxRole
    organisation: models.Organisation


@dataclass(frozen=True, slots=True)
class InvitationOf:
    invitation: models.SandboxInvitation
    organisation: models.Organisation


async def _one_each(db: Runner, query: LiteralString, ids: list[str], cls: type[Any]) -> dict[str, Any]:
    rows = await db.read(query, ids=ids)
    return {row["id"]: from_props(cls, row["item"]) for row in rows}


async def _many_each(
    db: Runner, query: LiteralString, ids: list[str], build: Callable[[dict[str, Any]], Any]
) -> dict[str, list[Any]]:
    rows = await db.read(query, ids=ids)
    found = {row["id"]: [build(item) for item in row["items"]] for row in rows}
    return {i: found.get(i, []) for i in ids}


async def zones_of(db: Runner, *, ids: list[str]) -> dict[str, models.Zone]:
    return await _one_each(db, ZONES_OF, ids, models.Zone)


async def batches_of(db: Runner, *, ids: list[str]) -> dict[str, models.SandboxBatch]:
    return await _one_each(db, BATCH_OF, ids, models.SandboxBatch)


async def projects_of_awards(db: Runner, *, ids: list[str]) -> dict[str, models.SandboxProject]:
    return await _one_each(db, PROJECT_OF_AWARD, ids, models.SandboxProject)


async def sought_capabilities_of(db: Runner, *, ids: list[str]) -> dict[str, list[models.Capability]]:
    return await _many_each(db, SOUGHT_CAPABILITIES_OF, ids, _record(models.Capability))


async def technologies_of(db: Runner, *, ids: list[str]) -> dict[str, list[models.Capability]]:
    return await _many_each(db, TECHNOLOGIES_OF, ids, _record(models.Capability))


async def awards_of(db: Runner, *, ids: list[str]) -> dict[str, list[models.Award]]:
    return await _many_each(db, AWARDS_OF, ids, _record(models.Award))


async def offered_capabilities_of(db: Runner, *, ids: list[str]) -> dict[str, list[OfferedCapability]]:
    def build(item: dict[str, Any]) -> OfferedCapability:
        return OfferedCapability(
            from_props(models.Capability, item["capability"]), Maturity(item["maturity"])
        )

    return await _many_each(db, OFFERED_CAPABILITIES_OF, ids, build)


async def parties_of(db: Runner, *, ids: list[str]) -> dict[str, list[PartyOf]]:
    def build(item: dict[str, Any]) -> PartyOf:
        return PartyOf(PartyRole(item["role"]), organisation(item["organisation"]))

    return await _many_each(db, PARTIES_OF, ids, build)


async def participants_of(db: Runner, *, ids: list[str]) -> dict[str, list[ParticipantOf]]:
    def build(item: dict[str, Any]) -> ParticipantOf:
        return ParticipantOf(SandboxRole(item["role"]), organisation(item["organisation"]))

    return await _many_each(db, PARTICIPANTS_OF, ids, build)


async def invitations_of(db: Runner, *, ids: list[str]) -> dict[str, list[InvitationOf]]:
    rows = await db.read(INVITATIONS_OF, ids=ids)
    found = {
        row["id"]: [
            InvitationOf(
                invitation(row["id"], item["organisation"]["id"], item["invitation"]),
                organisation(item["organisation"]),
            )
            for item in row["items"]
        ]
        for row in rows
    }
    return {i: found.get(i, []) for i in ids}
