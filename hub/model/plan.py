"""The plan of one read: a small tree of typed nodes between a GraphQL operation and its Cypher.

The planner (hub/graphql/compiled/planner.py) builds it from the operation, the model and the caller's arguments;
the emitter (hub/db/repositories/compiled.py) turns it into one statement, and the shaper
(hub/graphql/compiled/shaper.py) turns the statement's answer into the response.
Values the caller gave sit in `Param`s, never in the tree's text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, LiteralString

from hub.model.keyset import SortKey
from hub.model.types import Dense, Filter, Prop, Relation, Root, Search, Start


@dataclass(frozen=True, slots=True, eq=False)
class Param:
    """A value the statement takes as a `$parameter`: read, at each request, from the coerced
    arguments of one field of the operation (`site`) at `path`, then converted."""

    site: int
    path: tuple[str, ...]
    convert: Callable[[Any], Any]

    def resolve(self, arguments: list[dict[str, Any]]) -> Any:
        value: Any = arguments[self.site] if self.site >= 0 else None
        for part in self.path:
            value = None if value is None else value.get(part)
        return self.convert(value)


@dataclass(frozen=True, slots=True)
class TypeName:
    name: str


@dataclass(frozen=True, slots=True)
class Scalar:
    prop: Prop
    type_name: str  # the node type it is read from (for global ids)
    on_relationship: bool = False


@dataclass(slots=True)
class Selection:
    """What to read of a node, for each concrete type it may have: (response key, item) in
    response order."""

    by_type: dict[str, list[tuple[str, Item]]]


@dataclass(frozen=True, slots=True)
class AppliedFilter:
    filter: Filter
    values: dict[str, Param]  # the template's hole name -> its value


@dataclass(frozen=True, slots=True)
class Page:
    """A keyset page of an ordered list and which parts of a connection were asked for."""

    sort: SortKey
    # The position of the cursor given as `after` (its key's value and its id); None for the
    # first page.
    after: tuple[Param, Param] | None
    limit: Param  # the page's size
    fetch: Param  # one more, which tells whether another page follows
    counted: bool  # totalCount asked for
    items: bool  # edges, nodes or pageInfo asked for
    parts: list[tuple[str, ConnectionPart]]
    # What is read of each item: one selection per `nodes` or `edges { node }` asked for.
    slots: list[Selection]


@dataclass(frozen=True, slots=True)
class ConnectionPart:
    """`what` is "totalCount", "pageInfo", "edges", "nodes" or "__typename"; `fields` the
    sub-keys of pageInfo and edges as (key, field name, item slot or -1); `slot` the item
    slot of `nodes`; `type_name` the type `__typename` names."""

    what: str
    fields: tuple[tuple[str, str, int], ...] = ()
    slot: int = -1
    type_name: str = ""


@dataclass(slots=True)
class Follow:
    """A relationship field: one item, a list or a connection of `target`."""

    relation: Relation
    target: Selection | None  # None for a connection: its page holds what is read
    filters: list[AppliedFilter] = field(default_factory=list)
    label: LiteralString | None = None  # a predicate chosen by the relation's label filter
    # Items that wrap the node (CapabilityOffer): their fields, a Selection standing for the node.
    wrapper: list[tuple[str, Scalar | TypeName | Selection]] | None = None
    page: Page | None = None


@dataclass(slots=True)
class RootPage:
    root: Root
    start: Start | None
    start_value: Param | None
    filters: list[AppliedFilter]
    order: list[tuple[LiteralString, bool]]  # (key template, descending)
    page: Page
    index: LiteralString | None = None  # a USING INDEX hint over {n} (Start.serves)
    hints: list[LiteralString] = field(default_factory=list)  # predicates over {n} the index needs
    dense: DenseRead | None = None  # the read the start falls to when its node is dense
    # The label whose count-store count is totalCount for a caller who sees every node (None:
    # the filters need a read).
    count_label: LiteralString | None = None


@dataclass(slots=True)
class DenseRead:
    """A dense start's other read (types.Dense): the ordering's one-property index on `prop`,
    with the filters the start stood for (`replaced`)."""

    dense: Dense
    prop: LiteralString
    replaced: list[AppliedFilter]


@dataclass(slots=True)
class Lookup:
    """`node(id)` (single) or `nodes(ids)`: keys grouped by the type their global id names."""

    keys: dict[str, Param]  # type -> list of keys
    positions: list[tuple[str, int] | None]  # for each id asked: (type, index in its list) or None
    target: Selection
    single: bool


@dataclass(slots=True)
class SearchHits:
    """Full-text hits, best first: the Lucene query, the labels allowed, how many; `parts` the
    hit's fields as (key, "score" | "node" | a type name for __typename)."""

    search: Search
    query: Param
    labels: Param
    limit: Param
    parts: list[tuple[str, str]]
    target: Selection


@dataclass(slots=True)
class Operation:
    """The root fields the statement answers; `deferred` the response keys of those left to the
    standard executor, `order` every response key as the executor answers them."""

    roots: list[tuple[str, RootItem]]
    deferred: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)


Item = Scalar | TypeName | Follow
RootItem = RootPage | Lookup | SearchHits | TypeName
