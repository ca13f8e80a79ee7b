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

from hub.db.cypher import organisation_map, related_page, seek
from hub.db.database import Runner
from hub.db.mapping import NODE_MODELS, from_props, organisation
from hub.db.pages import after_params, read_page
from hub.db.repositories.sandbox import invitation
from hub.domain import models
from hub.domain.paging import Page, PageRequest
from hub.model.graph import MODEL
from hub.model.keyset import relation_sort
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
    predicates: list[LiteralString] = [
        _optional(slot, f.template) for slot, f in zip(_SLOTS, relation.filters.values(), strict=False)
    ]
    if relation.where is not None:
        predicates.append(_fill(relation.where))
    targets = MODEL.members(relation.target)
    if len(targets) == 1 and (visible := MODEL.node(targets[0]).visible_when) is not None:
        predicates.append(visible.replace("{n}", "n"))
    order: LiteralString = (_fill(relation.order) + ", " if relation.order else "") + "n.id"
    after: LiteralString = (
        "($afterId IS NULL OR " + seek(relation_sort(MODEL, relation), "n", "$afterKey", "$afterId") + ")"
    )
    projection = organisation_map("n") if len(targets) > 1 else "n {.*}"
    build = _record(NODE_MODELS[targets[0]]) if len(targets) == 1 else organisation
    labels: dict[str | None, LiteralString | None] = {None: None}
    if relation.label_filter is not None:
        labels |= {value: _fill(p) for value, p in relation.label_filter.labels.items()}
    queries: dict[str | None, LiteralString] = {}
    for value, by_label in labels.items():
        where: list[LiteralString] = [*predicates, *([by_label] if by_label else [])]
        body = "MATCH " + _fill(relation.pattern) + (" WHERE " + " AND ".join(where) if where else "")
        body = body + (" WITH DISTINCT n" if relation.distinct else " WITH n")
        queries[value] = related_page("MATCH (a:" + label + " {id: id})", body, after, order, projection)
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
    rows = await db.read(query, ids=ids, **after_params(page), **slots, **viewer)
    pages = {row["id"]: read_page(page, row["items"], row["total"], spec.build) for row in rows}
    empty: Page[Any] = read_page(page, [], 0, spec.build)
    return {i: pages.get(i, empty) for i in ids}


# -- bounded lists: a handful of items per anchor ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Wrapped:
    """An item of a relationship that carries properties of its own (a model `Wrapper`, such as
    a party's role): the related node's record and those properties by name."""

    node: Any
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Listed:
    """A bounded relationship of the model: its statement, whether it is a list (else one item
    or None), and how an item is built."""

    query: LiteralString
    many: bool
    build: Callable[[dict[str, Any]], Any]


def _listed(label: LiteralString, relation: ModelRelation) -> Listed:
    """The loader's statement for `relation` from nodes labelled `label`: every item of each
    anchor in the model's order (ties by id), with the relationship's wrapper properties."""
    predicates: list[LiteralString] = [_fill(relation.where)] if relation.where is not None else []
    targets = MODEL.members(relation.target)
    if len(targets) == 1 and (visible := MODEL.node(targets[0]).visible_when) is not None:
        predicates.append(visible.replace("{n}", "n"))
    order: LiteralString = (_fill(relation.order) + ", " if relation.order else "") + "n.id"
    node: LiteralString = organisation_map("n") if len(targets) > 1 else "n {.*}"
    build_node = _record(NODE_MODELS[targets[0]]) if len(targets) == 1 else organisation
    wrapper = relation.wrapper
    item, carried = node, "n"
    build: Callable[[dict[str, Any]], Any] = build_node
    if wrapper is not None:
        item = "{node: " + node + "".join(", " + p.prop + ": r." + p.prop for p in wrapper.props) + "}"
        carried = "n, r"

        def wrapped(row: dict[str, Any]) -> Wrapped:
            return Wrapped(build_node(row["node"]), {p.prop: row[p.prop] for p in wrapper.props})

        build = wrapped

    query = (
        "UNWIND $ids AS id MATCH (a:"
        + label
        + " {id: id}) MATCH "
        + _fill(relation.pattern)
        + (" WHERE " + " AND ".join(predicates) if predicates else "")
        + " WITH id, "
        + carried
        + " ORDER BY "
        + order
        + " RETURN id, collect("
        + item
        + ") AS items"
    )
    return Listed(query, relation.many, build)


def _listed_registry() -> dict[str, Listed]:
    """Every relationship of the model that is not a connection, keyed like PAGED."""
    listed: dict[str, Listed] = {}
    shared: set[tuple[str, str]] = set()
    for interface in MODEL.interfaces:
        if interface.label is None:
            continue
        for relation in MODEL.shared_relations(interface.name):
            shared |= {(member, relation.name) for member in interface.members}
            if not relation.connection:
                listed[_key(interface.name, relation)] = _listed(interface.label, relation)
    for node_type in MODEL.nodes:
        for relation in node_type.relations:
            if not relation.connection and (node_type.name, relation.name) not in shared:
                listed[_key(node_type.name, relation)] = _listed(node_type.label, relation)
    return listed


LISTED: dict[str, Listed] = _listed_registry()


async def listed_items(db: Runner, *, relation: str, ids: list[str]) -> dict[str, Any]:
    """For each anchor id, the items of `relation` (a list), or its one item or None."""
    spec = LISTED[relation]
    rows = await db.read(spec.query, ids=ids)
    found = {row["id"]: [spec.build(item) for item in row["items"]] for row in rows}
    if spec.many:
        return {i: found.get(i, []) for i in ids}
    return {i: (found[i][0] if found.get(i) else None) for i in ids}


INVITATIONS_OF = """
UNWIND $ids AS id
MATCH (o:Organisation)-[i:INVITED_TO]->(:SandboxProject {id: id})
WITH id, o, i ORDER BY i.role, o.name
RETURN id, collect({invitation: i {.*}, organisation: o {.*, __type: CASE WHEN o:Institution
    THEN 'Institution' ELSE 'TechEnterprise' END}}) AS items
"""


@dataclass(frozen=True, slots=True)
class InvitationOf:
    invitation: models.SandboxInvitation
    organisation: models.Organisation


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
