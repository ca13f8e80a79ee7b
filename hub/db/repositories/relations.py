"""Batched navigation of relationships: for many anchors at once, one statement each.

The API's data loaders call these with every parent id of one level of a response, so a nested
query costs one round trip per relationship field, however many items it returns. The paged ones
(connections) are made from the model's relations (hub/model/graph.py), so a connection declared
there needs no statement here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, LiteralString

from hub.db.cypher import organisation_map, related_page
from hub.db.database import Runner
from hub.db.mapping import NODE_MODELS, from_props, organisation
from hub.db.repositories.sandbox import invitation
from hub.domain import models
from hub.domain.enums import Maturity, PartyRole, SandboxRole
from hub.domain.paging import Page, PageRequest
from hub.model.graph import MODEL
from hub.model.types import Relation as ModelRelation

# Filter values travel as $f0, $f1, ... in the order of the relation's filters.
_SLOTS: tuple[LiteralString, ...] = ("f0", "f1", "f2", "f3", "f4", "f5")
_HOLES: dict[LiteralString, LiteralString] = {"{src}": "a", "{dst}": "n", "{rel}": "r", "{mid}": "m"}


@dataclass(frozen=True, slots=True)
class Relation:
    """A paged relationship of the model: its statements (by the value of its label filter, None
    when not given), the arguments of its filters (one $f slot each), and its item type."""

    queries: dict[str | None, LiteralString]
    arguments: tuple[str, ...]
    label_argument: str | None
    build: Callable[[dict[str, Any]], Any]


def _record(cls: type[Any]) -> Callable[[dict[str, Any]], Any]:
    return lambda props: from_props(cls, props)


def _fill(template: LiteralString) -> LiteralString:
    for hole, name in _HOLES.items():
        template = template.replace(hole, name)
    return template


def _optional(slot: LiteralString, template: LiteralString) -> LiteralString:
    """The filter's predicate when its argument is given ($slot not null)."""
    return "($" + slot + " IS NULL OR " + _fill(template).replace("{value}", "$" + slot) + ")"


def _arguments(relation: ModelRelation) -> tuple[str, ...]:
    for name, f in relation.filters.items():
        if len(f.args) != 1 or f.when or f.unless or f.id_of:
            raise ValueError(f"{relation.name}.{name}: a relationship's filter takes one plain argument")
    return tuple(f.args[0][-1] for f in relation.filters.values())


def _paged(label: LiteralString, relation: ModelRelation) -> Relation:
    """The loader's statements for `relation` from nodes labelled `label`: the model's pattern,
    its fixed predicate, the target's visibility rule, filters, order (ties by id)."""
    predicates = [
        _optional(slot, f.template) for slot, f in zip(_SLOTS, relation.filters.values(), strict=False)
    ]
    if relation.where is not None:
        predicates.append(_fill(relation.where))
    targets = MODEL.members(relation.target)
    if len(targets) == 1 and (visible := MODEL.node(targets[0]).visible_when) is not None:
        predicates.append(visible.replace("{n}", "n"))
    order: LiteralString = (_fill(relation.order) + ", " if relation.order else "") + "n.id"
    projection = organisation_map("n") if len(targets) > 1 else "n {.*}"
    build = organisation if len(targets) > 1 else _record(NODE_MODELS[targets[0]])
    labels: dict[str | None, LiteralString | None] = {None: None}
    if relation.label_filter is not None:
        labels |= {value: _fill(p) for value, p in relation.label_filter.labels.items()}
    queries: dict[str | None, LiteralString] = {}
    for value, by_label in labels.items():
        where = [*predicates, *([by_label] if by_label else [])]
        body = "MATCH " + _fill(relation.pattern) + (" WHERE " + " AND ".join(where) if where else "")
        if relation.distinct:
            body = body + " WITH DISTINCT n"
        queries[value] = related_page("MATCH (a:" + label + " {id: id})", body, order, projection)
    label_argument = relation.label_filter.arg if relation.label_filter else None
    return Relation(queries, _arguments(relation), label_argument, build)


def _key(type_name: str, relation: ModelRelation) -> str:
    return type_name[0].lower() + type_name[1:] + "." + relation.name


def _registry() -> dict[str, Relation]:
    """Every connection of the model, keyed `<type>.<field>` (`organisation.partners`): those
    every member of a labelled interface has alike once, on the interface's label."""
    paged: dict[str, Relation] = {}
    shared: set[tuple[str, str]] = set()  # (node type, relation) read through an interface
    for interface in MODEL.interfaces:
        if interface.label is None:
            continue
        for relation in MODEL.shared_relations(interface.name):
            shared |= {(member, relation.name) for member in interface.members}
            if relation.connection:
                paged[_key(interface.name, relation)] = _paged(interface.label, relation)
    for node_type in MODEL.nodes:
        for relation in node_type.relations:
            if relation.connection and (node_type.name, relation.name) not in shared:
                paged[_key(node_type.name, relation)] = _paged(node_type.label, relation)
    return paged


PAGED: dict[str, Relation] = _registry()


async def related_pages(
    db: Runner, *, relation: str, ids: list[str], page: PageRequest, filters: dict[str, Any]
) -> dict[str, Page[Any]]:
    """One page of `relation` for each anchor id; an unknown anchor gets an empty page.
    `filters` holds the field's arguments and the viewer's parameters."""
    spec = PAGED[relation]
    query = spec.queries[filters.get(spec.label_argument) if spec.label_argument else None]
    slots = {slot: filters.get(name) for slot, name in zip(_SLOTS, spec.arguments, strict=False)}
    viewer = {k: filters.get(k) for k in ("viewerOrg", "seesAll")}
    rows = await db.read(query, ids=ids, skip=page.skip, limit=page.limit, **slots, **viewer)
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
