"""From a validated GraphQL read to its plan (hub/model/plan.py), driven by the model alone.

A root field is compilable when it is a root connection, `node`, `nodes`, a search or
`__typename`, and every field below it is a property or a relationship of the model. Anything
else (recommendations, risk views, fields behind a permission, directives other than @skip and
@include) raises `NotCompilable` and the standard executor answers that root field, as it does
for arguments the executor would refuse (so both paths give the same errors); when the root
fields cannot be told apart (a fragment at the root), the executor answers the whole operation.

Fields are collected as the executor collects them (response keys in order, fragments whose
type condition applies, @skip/@include), so the answer has the executor's shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, LiteralString

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableNode,
    Visitor,
    get_named_type,
    visit,
)

from hub.db.repositories.search import lucene_query
from hub.graphql import cursors
from hub.graphql.compiled.split import splittable
from hub.graphql.relay import bounded_first, from_global_id, max_page
from hub.graphql.search import check_search_text
from hub.model.keyset import SortKey, relation_sort, root_sort
from hub.model.plan import (
    AppliedFilter,
    ConnectionPart,
    DenseRead,
    Follow,
    Lookup,
    Operation,
    Page,
    Param,
    RootItem,
    RootPage,
    Scalar,
    SearchHits,
    Selection,
    TypeName,
)
from hub.model.types import Filter, Model, Relation, Root, Search


class NotCompilable(Exception):
    """This operation, or these arguments, are for the standard executor."""


LOOKUPS = ("node", "nodes")
CONNECTION_FIELDS = {"totalCount", "pageInfo", "edges", "nodes", "__typename"}


@dataclass(frozen=True, slots=True)
class Analysis:
    """What is known of an operation from its text alone: its fields that take arguments (the
    "sites" whose values each request supplies) and the variables that steer @skip/@include."""

    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    sites: tuple[tuple[GraphQLField, FieldNode], ...]
    site_of: dict[int, int]  # id(field node) -> its index in `sites`
    booleans: tuple[str, ...]


def analyse(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    kind: OperationType = OperationType.QUERY,
) -> Analysis | None:
    """The analysis of an operation of `kind` (a query unless said) whose root fields could all
    be compiled, else None."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        chosen = operations if len(operations) == 1 else []
    else:
        chosen = [o for o in operations if o.name is not None and o.name.value == operation_name]
    if len(chosen) != 1 or chosen[0].operation is not kind:
        return None
    operation = chosen[0]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    sites: list[tuple[GraphQLField, FieldNode]] = []
    type_info = TypeInfo(schema)

    class Sites(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            definition = type_info.get_field_def()
            if node.arguments and definition is not None:
                sites.append((definition, node))

    for definition in (operation, *fragments.values()):
        visit(definition, TypeInfoVisitor(type_info, Sites()))
    booleans = tuple(
        v.variable.name.value
        for v in operation.variable_definitions or ()
        if get_named_type_name(v.type) == "Boolean"
    )
    return Analysis(
        document,
        operation,
        fragments,
        tuple(sites),
        {id(node): i for i, (_, node) in enumerate(sites)},
        booleans,
    )


def get_named_type_name(type_node: Any) -> str:
    while not isinstance(type_node, NamedTypeNode):
        type_node = type_node.type
    return type_node.name.value


def shape(analysis: Analysis, arguments: list[dict[str, Any]], variables: Mapping[str, Any]) -> Any:
    """What of the arguments changes the statement: which values are given, enum values (they
    choose orderings and labels), @skip/@include conditions and the types global ids name."""
    per_site = tuple(
        _id_types(value) if node.name.value in LOOKUPS else _shape(value)
        for (_, node), value in zip(analysis.sites, arguments, strict=True)
    )
    return per_site, tuple(variables.get(name) for name in analysis.booleans)


def _shape(value: Any) -> Any:
    if value is None or isinstance(value, bool | Enum):
        return value
    if isinstance(value, dict):
        return tuple((k, _shape(v)) for k, v in value.items())
    return True


def _id_types(arguments: dict[str, Any]) -> Any:
    ids = arguments.get("ids") if "ids" in arguments else [arguments.get("id")]
    if not isinstance(ids, list):
        return None
    return tuple((from_global_id(i) or ("", ""))[0] if isinstance(i, str) else None for i in ids)


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _global_id_key(types: tuple[str, ...]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        parsed = from_global_id(value) if isinstance(value, str) else None
        if parsed is None or parsed[0] not in types:
            raise NotCompilable("not an id of the expected type: the executor reports it")
        return parsed[1]

    return convert


def _after(sort: SortKey, part: int) -> Callable[[Any], Any]:
    """Reads the cursor's key (`part` 0) or id (1) for the order `sort`; a cursor the executor
    would refuse leaves the field to it."""

    def convert(after: Any) -> Any:
        try:
            position = cursors.decode(after, sort)
        except GraphQLError as refused:
            raise NotCompilable(str(refused)) from refused
        return position.id if part else position.key

    return convert


def _lucene(text: Any) -> str:
    try:
        check_search_text(text)
    except GraphQLError as refused:
        raise NotCompilable(str(refused)) from refused
    return lucene_query(text)


def _limit(first: Any) -> int:
    try:
        return bounded_first(20 if first is None else first)
    except GraphQLError as refused:
        raise NotCompilable(str(refused)) from refused


def _fetch(first: Any) -> int:
    return _limit(first) + 1


class Planner:
    """Plans one operation for one set of argument values (their shape, really: see `shape`)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        model: Model,
        analysis: Analysis,
        arguments: list[dict[str, Any]],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.model = model
        self.analysis = analysis
        self.arguments = arguments
        self.variables = variables
        self._parents: dict[int, GraphQLObjectType] = {}  # id(field node) -> the type it is on

    # -- the operation ----------------------------------------------------------------------

    def plan(self) -> Operation:
        query = self.schema.query_type
        assert query is not None
        roots: list[tuple[str, RootItem]] = []
        deferred: list[str] = []
        fields = self.collect(query, [self.analysis.operation.selection_set])
        for key, nodes in fields.items():
            try:
                roots.append((key, self.root(query, nodes)))
            except NotCompilable:
                if not splittable(self.analysis.operation):
                    raise
                deferred.append(key)  # the executor answers it (or reports what is wrong)
        if deferred and all(isinstance(item, TypeName) for _, item in roots):
            raise NotCompilable("nothing for a statement to answer")
        return Operation(roots, deferred, list(fields))

    def root(self, query: GraphQLObjectType, nodes: list[FieldNode]) -> RootItem:
        name = nodes[0].name.value
        root = self.model.root(name)
        if name == "__typename":
            return TypeName(query.name)
        if root is not None:
            return self.root_page(root, nodes)
        if name in LOOKUPS:
            return self.lookup(nodes, single=name == "node")
        if (search := self.model.search(name)) is not None:
            return self.search(search, nodes)
        raise NotCompilable(f"{name} is not in the model")

    def root_page(self, root: Root, nodes: list[FieldNode]) -> RootPage:
        site = self.analysis.site_of.get(id(nodes[0]), -1)
        args = self.arguments[site] if site >= 0 else {}
        applied = {name: f for name, f in root.filters.items() if self.applies(f, args)}
        count_label = self.count_label(root, applied, args)
        start = next(
            (s for s in root.starts if _at(args, root.filters[s.arg].args[0]) is not None),
            None,
        )
        start_value = None
        replaced: list[AppliedFilter] = []
        if start is not None:
            source = root.filters[start.arg]
            start_value = Param(site, source.args[0], _converter(source))
            for name in start.replaces:
                if (f := applied.pop(name, None)) is not None:
                    replaced.append(self.applied(f, site))
        ordering = root.ordering
        field_name, descending = ordering.default_field, ordering.default_descending
        if ordering.argument is not None and args.get(ordering.argument) is not None:
            chosen = args[ordering.argument]
            field_name, descending = _enum_value(chosen["field"]), _enum_value(chosen["direction"]) == "DESC"
        key = ordering.keys[field_name]
        order = [(key, descending)]
        index, hints = None, []
        if start is not None and start.lead is not None and field_name in start.serves:
            order.insert(0, (start.lead, descending))  # one value under the start's equality
            index, hints = start.serves[field_name], [key + " IS NOT NULL"]
        dense = None
        if start is not None and start.dense is not None and field_name in ordering.indexed:
            dense = DenseRead(start.dense, ordering.indexed[field_name], replaced)
        field = self.field_type(nodes[0])
        sort = root_sort(self.model, root, field_name, descending)
        return RootPage(
            root=root,
            start=start,
            start_value=start_value,
            filters=[self.applied(f, site) for f in applied.values()],
            order=order,
            page=self.page(field, nodes, site, root.type_name, sort),
            index=index,
            hints=hints,
            dense=dense,
            count_label=count_label,
        )

    def count_label(
        self, root: Root, applied: dict[str, Filter], args: dict[str, Any]
    ) -> LiteralString | None:
        """The label whose number in Neo4j's count store is the root's totalCount for a caller who
        sees every node: the type's own without a filter, a value label (`ActivePartnership`)
        when the one filter is an equality on a property the model mirrors as labels. The value
        is part of the plan's shape (an enum), so each value has its own plan and statement."""
        node_type = self.model.node(root.type_name)
        if not applied:
            return node_type.label
        if len(applied) != 1:
            return None
        (only,) = applied.values()
        labels = None if only.equals is None else node_type.value_labels(only.equals)
        if labels is None:
            return None
        return labels.of.get(_enum_value(_at(args, only.args[0])))

    def lookup(self, nodes: list[FieldNode], single: bool) -> Lookup:
        site = self.site(nodes[0])
        args = self.arguments[site]
        ids = [args["id"]] if single else args["ids"]
        if len(ids) > max_page():
            raise NotCompilable("too many ids: the executor reports it")
        positions: list[tuple[str, int] | None] = []
        counts: dict[str, int] = {}
        for global_id in ids:
            parsed = from_global_id(global_id)
            if parsed is None or not self.model.is_node(parsed[0]):
                positions.append(None)
                continue
            positions.append((parsed[0], counts.get(parsed[0], 0)))
            counts[parsed[0]] = counts.get(parsed[0], 0) + 1
        path = ("id",) if single else ("ids",)
        keys = {t: Param(site, path, _keys_of(t, single)) for t in counts}
        target = self.selection(tuple(counts), nodes)
        return Lookup(keys=keys, positions=positions, target=target, single=single)

    def search(self, search: Search, nodes: list[FieldNode]) -> SearchHits:
        site = self.site(nodes[0])
        parts: list[tuple[str, str]] = []
        targets: list[FieldNode] = []
        for key, fields in self.collect(self.object_type(search.hit_type), _sets(nodes)).items():
            name = fields[0].name.value
            parts.append((key, search.hit_type if name == "__typename" else name))
            if name == "node":
                if targets:
                    raise NotCompilable("two selections of a hit's node")
                targets = fields
            elif name not in {"score", "__typename"}:
                raise NotCompilable(f"{search.hit_type}.{name} is not in the model")
        members = search.members

        def labels(types: Any) -> list[str]:
            if types is None:
                return list(members)
            if not types:
                raise NotCompilable("no types: the executor reports it")
            return [_enum_value(t) for t in types]

        return SearchHits(
            search=search,
            query=Param(site, ("text",), _lucene),
            labels=Param(site, ("types",), labels),
            limit=Param(site, ("first",), _limit),
            parts=parts,
            target=self.selection(members, targets),
        )

    # -- below the root ---------------------------------------------------------------------

    def selection(self, type_names: Iterable[str], nodes: list[FieldNode]) -> Selection:
        """What to read of a node of any of `type_names`, from the sub-selections of `nodes`."""
        selection = Selection({})
        for type_name in type_names:
            node_type = self.model.node(type_name)
            gql_type = self.object_type(type_name)
            items: list[tuple[str, Any]] = []
            for key, fields in self.collect(gql_type, _sets(nodes)).items():
                name = fields[0].name.value
                prop = node_type.prop(name)
                relation = node_type.relation(name)
                if name == "__typename":
                    items.append((key, TypeName(type_name)))
                elif prop is not None:
                    items.append((key, Scalar(prop, type_name)))
                elif relation is not None:
                    items.append((key, self.follow(relation, fields)))
                else:
                    raise NotCompilable(f"{type_name}.{name} is not in the model")
            selection.by_type[type_name] = items
        return selection

    def follow(self, relation: Relation, nodes: list[FieldNode]) -> Follow:
        site = self.analysis.site_of.get(id(nodes[0]))
        args = self.arguments[site] if site is not None else {}
        targets = self.model.members(relation.target)
        follow = Follow(relation, None)
        if site is not None:
            follow.filters = [
                self.applied(f, site) for f in relation.filters.values() if self.applies(f, args)
            ]
            if relation.label_filter is not None:
                value = _enum_value(args.get(relation.label_filter.arg))
                follow.label = None if value is None else relation.label_filter.labels[value]
        if relation.connection:
            sort = relation_sort(self.model, relation)
            follow.page = self.page(self.field_type(nodes[0]), nodes, site, relation.target, sort)
        elif relation.wrapper is not None:
            follow.wrapper = self.wrapped(relation, nodes, targets)
        else:
            follow.target = self.selection(targets, nodes)
        return follow

    def wrapped(
        self, relation: Relation, nodes: list[FieldNode], targets: tuple[str, ...]
    ) -> list[tuple[str, Scalar | TypeName | Selection]]:
        wrapper = relation.wrapper
        assert wrapper is not None
        items: list[tuple[str, Scalar | TypeName | Selection]] = []
        for key, fields in self.collect(self.object_type(wrapper.type_name), _sets(nodes)).items():
            name = fields[0].name.value
            prop = next((p for p in wrapper.props if p.name == name), None)
            if name == "__typename":
                items.append((key, TypeName(wrapper.type_name)))
            elif prop is not None:
                items.append((key, Scalar(prop, wrapper.type_name, on_relationship=True)))
            elif name == wrapper.node_field:
                items.append((key, self.selection(targets, fields)))
            else:
                raise NotCompilable(f"{wrapper.type_name}.{name} is not in the model")
        return items

    def page(
        self,
        connection: GraphQLObjectType,
        nodes: list[FieldNode],
        site: int | None,
        target: str,
        sort: SortKey,
    ) -> Page:
        targets = self.model.members(target)
        parts: list[tuple[str, ConnectionPart]] = []
        slots: list[Selection] = []
        for key, fields in self.collect(connection, _sets(nodes)).items():
            name = fields[0].name.value
            if name not in CONNECTION_FIELDS:
                raise NotCompilable(f"{connection.name}.{name} is not a connection field")
            if name == "__typename":
                parts.append((key, ConnectionPart(name, type_name=connection.name)))
            elif name == "totalCount":
                parts.append((key, ConnectionPart(name)))
            elif name == "nodes":
                slots.append(self.selection(targets, fields))
                parts.append((key, ConnectionPart(name, slot=len(slots) - 1)))
            else:  # pageInfo or edges
                sub_type = self.field_type(fields[0])
                sub: list[tuple[str, str, int]] = []
                for sub_key, sub_fields in self.collect(sub_type, _sets(fields)).items():
                    sub_name = sub_fields[0].name.value
                    slot = -1
                    if sub_name == "node":
                        slots.append(self.selection(targets, sub_fields))
                        slot = len(slots) - 1
                    sub.append((sub_key, sub_name if sub_name != "__typename" else sub_type.name, slot))
                parts.append((key, ConnectionPart(name, fields=tuple(sub))))
        names = {part.what for _, part in parts}
        site_index = -1 if site is None else site
        after = None
        if site_index >= 0 and self.arguments[site_index].get("after") is not None:
            after = (
                Param(site_index, ("after",), _after(sort, 0)),
                Param(site_index, ("after",), _after(sort, 1)),
            )
        return Page(
            sort=sort,
            after=after,
            limit=Param(site_index, ("first",), _limit),
            fetch=Param(site_index, ("first",), _fetch),
            counted="totalCount" in names,
            items=bool(names & {"edges", "nodes", "pageInfo"}),
            parts=parts,
            slots=slots,
        )

    # -- filters ----------------------------------------------------------------------------

    def applies(self, f: Filter, args: dict[str, Any]) -> bool:
        parent = f.args[0][:-1]
        return (
            all(_at(args, path) is not None for path in f.args)
            and all(_at(args, (*parent, name)) is not None for name in f.when)
            and all(_at(args, (*parent, name)) is None for name in f.unless)
        )

    def applied(self, f: Filter, site: int) -> AppliedFilter:
        convert = _converter(f)
        if len(f.args) == 1:
            return AppliedFilter(f, {"value": Param(site, f.args[0], convert)})
        # Only the first argument is the id `id_of` names (a capability's, beside its maturity).
        return AppliedFilter(
            f,
            {
                "value_" + path[-1]: Param(site, path, convert if i == 0 else _enum_value)
                for i, path in enumerate(f.args)
            },
        )

    # -- GraphQL plumbing -------------------------------------------------------------------

    def site(self, node: FieldNode) -> int:
        index = self.analysis.site_of.get(id(node))
        if index is None:
            raise NotCompilable("a field without arguments where some were expected")
        return index

    def object_type(self, name: str) -> GraphQLObjectType:
        found = self.schema.get_type(name)
        if not isinstance(found, GraphQLObjectType):
            raise NotCompilable(f"{name} is not an object type")
        return found

    def field_type(self, node: FieldNode) -> GraphQLObjectType:
        """The object type a field of a connection or page returns (found by its name in the
        schema's types, which are unique)."""
        parent = self._parents.get(id(node))
        if parent is None:
            raise NotCompilable("field outside a known type")
        definition = parent.fields[node.name.value]
        named = get_named_type(definition.type)
        if not isinstance(named, GraphQLObjectType):
            raise NotCompilable(f"{named} is not an object type")
        return named

    def collect(
        self, parent: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        """The fields of `selection_sets` on an object of type `parent`, by response key, in the
        order the executor answers them."""
        fields: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()

        def walk(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if not self.included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    fields.setdefault(key, []).append(selection)
                    self._parents[id(selection)] = parent
                elif isinstance(selection, InlineFragmentNode):
                    if self.matches(selection.type_condition, parent):
                        walk(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name in visited:
                        continue
                    visited.add(name)
                    fragment = self.analysis.fragments.get(name)
                    if fragment is not None and self.matches(fragment.type_condition, parent):
                        walk(fragment.selection_set)

        for selection_set in selection_sets:
            walk(selection_set)
        return fields

    def matches(self, condition: NamedTypeNode | None, parent: GraphQLObjectType) -> bool:
        if condition is None or condition.name.value == parent.name:
            return True
        abstract = self.schema.get_type(condition.name.value)
        return abstract is not None and self.schema.is_sub_type(abstract, parent)  # type: ignore[arg-type]

    def included(self, selection: Any) -> bool:
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in {"skip", "include"}:
                raise NotCompilable(f"@{name} is for the executor")
            condition = directive.arguments[0].value if directive.arguments else None
            if isinstance(condition, BooleanValueNode):
                value = condition.value
            elif isinstance(condition, VariableNode):
                value = bool(self.variables.get(condition.name.value))
            else:
                raise NotCompilable("a directive condition the planner does not read")
            if value == (name == "skip"):
                return False
        return True


def _sets(nodes: list[FieldNode]) -> list[SelectionSetNode]:
    return [n.selection_set for n in nodes if n.selection_set is not None]


def _at(args: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = args
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _converter(f: Filter) -> Callable[[Any], Any]:
    return _global_id_key(f.id_of) if f.id_of else _enum_value


def _keys_of(type_name: str, single: bool) -> Callable[[Any], Any]:
    def keys(value: Any) -> list[str]:
        ids = [value] if single else value
        found = []
        for global_id in ids:
            parsed = from_global_id(global_id)
            if parsed is not None and parsed[0] == type_name:
                found.append(parsed[1])
        return found

    return keys
