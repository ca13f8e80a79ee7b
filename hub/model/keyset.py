"""How each connection of the model is ordered, as its keyset cursors need it: the property the
items are ordered by (or none: by id alone), its kind, its direction and whether it may be null.

Ties are broken by the id, ascending, whatever the direction. Nulls sort where Neo4j's ORDER BY
puts them: last when ascending, first when descending (only `founded` may be null today).

This module imports neither Strawberry nor Neo4j.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import LiteralString

from hub.model.types import Kind, Model, Relation, Root


@dataclass(frozen=True, slots=True)
class SortKey:
    prop: LiteralString | None  # the property over the item; None: the id alone
    kind: Kind | None = None
    descending: bool = False
    nullable: bool = False

    @property
    def name(self) -> str:
        """The ordering's name as a cursor carries it: `name`, `-proposedOn` (descending), `id`."""
        return ("-" if self.descending else "") + (self.prop or "id")

    def describe(self) -> str:
        return f"{self.prop or 'id'} {'descending' if self.descending else 'ascending'}"


BY_ID = SortKey(None)


def _sort_key(model: Model, type_name: str, prop: LiteralString, descending: bool) -> SortKey:
    found = next((p for p in model.shared_props(type_name) if p.prop == prop), None)
    if found is None:
        raise ValueError(f"{type_name} is ordered by {prop}, which the model does not declare")
    return SortKey(prop, found.kind, descending, nullable=not found.required)


def _prop_of(template: LiteralString, var: LiteralString) -> LiteralString:
    """`name` from `{n}.name`: an ordering on anything else has no keyset cursor."""
    prefix = "{" + var + "}."
    prop = template.removeprefix(prefix)
    if prop == template or not prop.isidentifier():
        raise ValueError(f"{template!r}: a connection is ordered by one property of its items")
    return prop


def root_sort(model: Model, root: Root, field: str, descending: bool) -> SortKey:
    """The order of a root connection for the `orderBy` field and direction asked for."""
    return _sort_key(model, root.type_name, _prop_of(root.ordering.keys[field], "n"), descending)


def relation_sort(model: Model, relation: Relation) -> SortKey:
    """The fixed order of a relationship connection (`order`: one key over {dst}, maybe DESC)."""
    if relation.order is None:
        return BY_ID
    descending = relation.order.endswith(" DESC")
    key = relation.order.removesuffix(" DESC")
    return _sort_key(model, relation.target, _prop_of(key, "dst"), descending)


def connection_sorts(model: Model) -> dict[str, SortKey]:
    """The order of every relationship connection, keyed `<type>.<field>` as the executor's
    loaders name them (`organisation.partnerships`, `capability.providers`)."""
    sorts: dict[str, SortKey] = {}
    for type_name in (*(i.name for i in model.interfaces if i.label), *(n.name for n in model.nodes)):
        for relation in model.shared_relations(type_name):
            if relation.connection:
                key = type_name[0].lower() + type_name[1:] + "." + relation.name
                sorts.setdefault(key, relation_sort(model, relation))
    return sorts
