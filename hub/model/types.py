"""The vocabulary of the declarative graph model: node types, their fields and relationships,
the filters and orderings a caller may use, and who may see what.

Everything that ends up in Cypher is a `LiteralString` template with named holes:
`{n}` the node being read, `{src}` and `{dst}` the two ends of a relationship, `{rel}` the
relationship, `{mid}` an intermediate node, and `{value}` (or `{value_<arg>}`) the `$parameter`
that carries a caller's value. The compiler fills the holes with names it makes; values never
enter the text.

This module imports neither Strawberry nor Neo4j.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import LiteralString, cast


class Kind(Enum):
    """How a property's value reaches the response."""

    ID = "ID"  # the node's key, turned into a Relay global id
    STRING = "String"
    INT = "Int"
    FLOAT = "Float"
    DATE = "Date"  # an ISO date string
    ENUM = "Enum"  # stored as the enum value's name
    STRINGS = "[String]"


class Check(Enum):
    """How a value a caller writes is checked before anything is written (each is a method of
    hub/domain/validation.py's `Checks`); NONE when its GraphQL type says all (an enum)."""

    NONE = "none"
    NAME = "name"  # one line, not blank, at most 200 characters; stored without outer spaces
    NAMES = "names"  # a list of such names
    TEXT = "text"  # free text over several lines, at most 4,000 characters
    COUNTRY = "country"  # an ISO 3166-1 alpha-2 code, upper case
    PAST_DATE = "past_date"  # not after today
    POSITIVE = "positive"  # an integer of at least 1


@dataclass(frozen=True, slots=True)
class Write:
    """A property callers give through the API: in the input of registering its node type and,
    when `updated`, of changing it (updateOrganisation); checked by `check` first."""

    check: Check = Check.NONE
    updated: bool = True


@dataclass(frozen=True, slots=True)
class ValueLabels:
    """The values of an enum property mirrored as labels of its node, one label per value
    (`ACTIVE` -> `ActivePartnership`). Every write sets the label in the statement that sets the
    property, so Neo4j's count store says in O(1) how many nodes hold a value (`MATCH
    (n:ActivePartnership) RETURN count(n)` plans as NodeCountFromCountStore, where a property
    index is read entry by entry): the standard modelling of a small closed set of states.

    The names come from the enum's values (made here, once, from the domain's enum), never from
    a caller; a value that would not make a plain label is refused when the model is built.
    """

    of: dict[LiteralString, LiteralString]  # value -> its label

    @classmethod
    def of_values(cls, values: Iterable[str], label: LiteralString) -> ValueLabels:
        """`IN_REVIEW` of `Partnership` -> `InReviewPartnership`."""
        of: dict[LiteralString, LiteralString] = {}
        for member in values:
            value = str(member)  # a StrEnum's member as its plain value
            if not re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", value):
                raise ValueError(f"{value!r} cannot name a label (upper-case words joined by _)")
            name = "".join(word.capitalize() for word in value.split("_")) + label
            # Both are checked identifiers made from the model's own enum: as trusted as a literal.
            of[cast(LiteralString, value)] = cast(LiteralString, name)  # type: ignore[redundant-cast,unused-ignore]
        return cls(of)

    @property
    def labels(self) -> tuple[LiteralString, ...]:
        return tuple(self.of.values())


@dataclass(frozen=True, slots=True)
class Prop:
    """A field read from a property of the node (or of the relationship, for edge fields)."""

    name: str  # the GraphQL field
    prop: LiteralString  # the property
    kind: Kind
    default: LiteralString | None = None  # Cypher literal used when the property is absent
    # A predicate over {n} and the viewer's parameters ($viewerOrg, $seesAll): when false the
    # field reads null. The rule itself lives in the policy module; this is its Cypher form.
    visible_when: LiteralString | None = None
    required: bool = False  # non-null in the GraphQL schema (`String!`)
    enum: str | None = None  # the GraphQL enum type of a Kind.ENUM field
    description: str | None = None  # the field's description in the GraphQL schema
    # Whether the organisations' export (/export/nodes.csv, GraphML) has a column for it.
    exported: bool = True
    # Whether callers write it through the API, and how it is checked (None: only the hub does).
    write: Write | None = None
    # Its values mirrored as labels of the node (an enum property only), which every write keeps
    # equal to it and counts by value read from the count store.
    labels: ValueLabels | None = None


@dataclass(frozen=True, slots=True)
class Filter:
    """A predicate a caller switches on by giving an argument (or an input field).

    `args` are paths into the field's coerced arguments; the filter applies when each of
    `when` is given (not null) and each of `unless` is null. Its template names each value as
    `{value_<last path part>}`, or `{value}` when it takes one.
    """

    args: tuple[tuple[str, ...], ...]
    template: LiteralString
    when: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    id_of: tuple[str, ...] = ()  # the (first) value is a global id of one of these types
    # The property the filter tests for equality with its one value, if that is all it does.
    equals: LiteralString | None = None


@dataclass(frozen=True, slots=True)
class LabelFilter:
    """A filter on which concrete type an item is, by an enum argument naming the type."""

    arg: str
    labels: dict[str, LiteralString]  # enum value -> predicate over {dst}


@dataclass(frozen=True, slots=True)
class Start:
    """Where a root page starts reading when `arg` is given: a pattern the planner can seek
    (an index or a related node), most selective first. `replaces` names the filters it makes
    redundant.

    A start on an equality of `lead` (a property) may also serve orderings from a composite
    index on (`lead`, the ordering's key): `serves` maps each such ordering to the index, as a
    `USING INDEX` hint over {n} (only for keys every node has: the index needs them not null). The
    statement then orders by `lead` first, the same order under the equality, so Neo4j reads the
    page in index order and stops after it instead of sorting every match. The hint makes the
    choice certain: left to statistics, Neo4j may take the one-property index on a small graph.
    """

    arg: str
    match: LiteralString
    replaces: tuple[str, ...] = ()
    lead: LiteralString | None = None
    serves: dict[str, LiteralString] = field(default_factory=dict)
    dense: Dense | None = None


@dataclass(frozen=True, slots=True)
class Dense:
    """A start on a related node that may have very many relationships (a capability thousands
    of enterprises offer, a zone): starting from it reads and sorts all of them for a page of 20.
    When the ordering is one an index serves on every node (`Ordering.indexed`), the statement
    measures the node's degree first (O(1) in Neo4j's degree store) and, when the node is dense,
    reads the ordering's index instead, keeping the nodes the start's filter selects, as the
    floor does; otherwise it starts from the node. `anchor` binds the related node to {s} (with
    the start's {value}); `degree` is the pattern over {s} whose count is that degree."""

    anchor: LiteralString
    degree: LiteralString


@dataclass(frozen=True, slots=True)
class Ordering:
    """Orders a caller may ask for, each a literal key over {n}; the id breaks ties."""

    keys: dict[str, LiteralString]
    default_field: str
    default_descending: bool = False
    argument: str | None = "orderBy"  # an input {field, direction}; None: fixed order
    # Orderings a one-property index serves on the label of every root using this ordering, on a
    # key every node has (the index leaves out nodes without it): field -> the property.
    indexed: dict[str, LiteralString] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Wrapper:
    """Items that wrap the related node with properties of the relationship, such as
    `CapabilityOffer { capability maturity }`."""

    type_name: str
    node_field: str
    props: tuple[Prop, ...]


@dataclass(frozen=True, slots=True)
class Relation:
    """A field that follows relationships from a node.

    `pattern` binds {src} (the node the field is on) to {dst} (each item), maybe through {rel}
    and {mid}. `many`: a list or connection; else one item or null. `order`: the literal
    ORDER BY of the items (ties broken by the id of {dst}).
    """

    name: str
    pattern: LiteralString
    target: str  # a node type or interface of the model
    many: bool = False
    connection: bool = False
    order: LiteralString | None = None
    where: LiteralString | None = None  # a fixed predicate, such as the visibility rule
    filters: dict[str, Filter] = field(default_factory=dict)
    label_filter: LabelFilter | None = None
    distinct: bool = False
    wrapper: Wrapper | None = None


@dataclass(frozen=True, slots=True)
class NodeType:
    name: str  # the GraphQL type
    label: LiteralString
    props: tuple[Prop, ...]
    relations: tuple[Relation, ...] = ()
    # Who may read the node at all besides the callers who see everything (`$seesAll`), as a
    # predicate over {n} and `$viewerOrg` (None: everyone). Kept apart from `$seesAll` so a
    # statement can leave it out for those callers: Neo4j plans a statement once for every value
    # of its parameters, so `$seesAll OR ...` is evaluated on each row even when it is true.
    restricted_to: LiteralString | None = None

    @property
    def visible_when(self) -> LiteralString | None:
        """Who may read the node at all, as one predicate (None: everyone)."""
        if self.restricted_to is None:
            return None
        return "($seesAll OR " + self.restricted_to + ")"

    def prop(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)

    def value_labels(self, prop: str) -> ValueLabels | None:
        """The labels mirroring the values of the property `prop` (by its stored name), if any."""
        return next((p.labels for p in self.props if p.prop == prop and p.labels is not None), None)

    def written(self, *, updating: bool = False) -> tuple[Prop, ...]:
        """The properties callers give when registering a node of this type (or, `updating`,
        when changing one)."""
        return tuple(p for p in self.props if p.write is not None and (p.write.updated or not updating))

    def relation(self, name: str) -> Relation | None:
        return next((r for r in self.relations if r.name == name), None)


@dataclass(frozen=True, slots=True)
class Root:
    """A root connection: a page of one node type, filtered, ordered."""

    name: str
    type_name: str
    filters: dict[str, Filter]
    ordering: Ordering
    starts: tuple[Start, ...] = ()


@dataclass(frozen=True, slots=True)
class Search:
    """A full-text root field: hits of `index`, best first, each with its score and node."""

    name: str
    index: LiteralString
    hit_type: str  # the GraphQL type of a hit (score and node)
    members: tuple[str, ...]  # the node types a hit may be


@dataclass(frozen=True, slots=True)
class Interface:
    """A GraphQL interface over node types (`Organisation`, `Node`)."""

    name: str
    members: tuple[str, ...]
    label: LiteralString | None  # a label all members carry, if any


@dataclass(frozen=True, slots=True)
class Model:
    nodes: tuple[NodeType, ...]
    interfaces: tuple[Interface, ...]
    roots: tuple[Root, ...]
    searches: tuple[Search, ...] = ()

    def search(self, name: str) -> Search | None:
        return next((s for s in self.searches if s.name == name), None)

    def node(self, name: str) -> NodeType:
        return next(n for n in self.nodes if n.name == name)

    def is_node(self, name: str) -> bool:
        return any(n.name == name for n in self.nodes)

    def members(self, type_name: str) -> tuple[str, ...]:
        """The concrete node types a type name stands for."""
        if self.is_node(type_name):
            return (type_name,)
        return next((i.members for i in self.interfaces if i.name == type_name), ())

    def root(self, name: str) -> Root | None:
        return next((r for r in self.roots if r.name == name), None)

    def shared_props(self, type_name: str) -> tuple[Prop, ...]:
        """The props every node type `type_name` stands for has alike: an interface's fields."""
        first, *others = (self.node(t) for t in self.members(type_name))
        return tuple(p for p in first.props if all(o.prop(p.name) == p for o in others))

    def shared_relations(self, type_name: str) -> tuple[Relation, ...]:
        """The relations every node type `type_name` stands for has alike."""
        first, *others = (self.node(t) for t in self.members(type_name))
        return tuple(r for r in first.relations if all(o.relation(r.name) == r for o in others))
