"""What an operation may cost, computed from its text and variables before anything runs.

A connection (or any field taking `first`, or `maxNodes` for a subgraph) costs `first` items times the items of every
connection around it, as GitHub's API counts; `nodes(ids)` costs one per id. The sum is the
number of objects the operation could ask the database for.

A selection set's cost is proportional to the number of items around it, so each fragment's cost
is computed once, for one item, after the fragments it spreads (`DocumentAnalysis.fragment_order`),
and a spread multiplies it: linear in the document's size however often fragments are spread.

The same walk finds a page size out of range (`first` outside 1..HUB_MAX_PAGE_SIZE), refused as
BAD_USER_INPUT naming the argument before the cost is weighed: such a `first` asks for nothing,
so it adds nothing to the cost. A size past GraphQL's Int (32 bits) is left to graphql-core, which
refuses it as a validation or variable error, and counts as the field's default meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)

from hub.graphql.analysis import DocumentAnalysis, saturated
from hub.graphql.relay import page_size_refusal

DEFAULT_FIRST = 20
SIZE_ARGUMENTS = ("first", "maxNodes")  # arguments that bound how many objects a field returns
PAGE_ARGUMENT = "first"  # the size bounded by HUB_MAX_PAGE_SIZE
INT_RANGE = range(-(2**31), 2**31)  # GraphQL's Int


def _argument_node(field: FieldNode, name: str) -> ValueNode | None:
    return next((a.value for a in field.arguments or () if a.name.value == name), None)


def _value(node: ValueNode | None, variables: Mapping[str, Any]) -> Any:
    """An argument's value: an Int (within GraphQL's range), a list's items, or None."""
    value: Any = None
    if isinstance(node, VariableNode):
        value = variables.get(node.name.value)
    elif isinstance(node, IntValueNode):
        value = int(node.value)
    elif isinstance(node, ListValueNode):
        return list(node.values)
    if isinstance(value, int) and not isinstance(value, bool) and value in INT_RANGE:
        return value
    return value if isinstance(value, list) else None


class Costing(NamedTuple):
    cost: int
    refusal: GraphQLError | None  # the first page size out of range, where it is written


class _Costs:
    def __init__(self, schema: GraphQLSchema, variables: Mapping[str, Any], max_page: int | None) -> None:
        self.schema = schema
        self.variables = variables
        self.max_page = max_page
        self.fragments: dict[str, int] = {}  # a fragment's cost for one item around it
        self.refusal: GraphQLError | None = None

    def selection_set(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(selection.selection_set, target or parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragments.get(selection.name.value, 0)  # unknown: validation says so
        return saturated(total)

    def field(self, field: FieldNode, parent: GraphQLNamedType | None) -> int:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(field.name.value)
        if definition is None:
            return 0
        count, counted = 1, False
        sized = next((a for a in SIZE_ARGUMENTS if a in definition.args), None)
        if sized is not None:
            node = _argument_node(field, sized)
            given = _value(node, self.variables)
            default = definition.args[sized].default_value
            count = (
                given if isinstance(given, int) else default if isinstance(default, int) else DEFAULT_FIRST
            )
            counted = True
            if sized == PAGE_ARGUMENT and node is not None and (refusal := self._page(count, node)):
                self.refusal = self.refusal or refusal
                count = 0
        elif "ids" in definition.args:
            ids = _value(_argument_node(field, "ids"), self.variables)
            count = len(ids) if isinstance(ids, list) else 1
            counted = True
        count = saturated(max(count, 0))
        own = count if counted else 0
        inner = self.selection_set(field.selection_set, get_named_type(definition.type))
        return saturated(own + max(count, 1) * inner)

    def _page(self, first: int, node: ValueNode) -> GraphQLError | None:
        if self.max_page is None or (refused := page_size_refusal(first, self.max_page)) is None:
            return None
        return GraphQLError(refused.message, node, extensions=refused.extensions)


def _with_defaults(operation: OperationDefinitionNode, variables: Mapping[str, Any]) -> dict[str, Any]:
    """The variables given, and the default of each one not given."""
    defaults = {
        definition.variable.name.value: value_from_ast_untyped(definition.default_value)
        for definition in operation.variable_definitions or ()
        if definition.default_value is not None
    }
    return {**defaults, **variables}


def costing(
    schema: GraphQLSchema,
    analysis: DocumentAnalysis,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
    max_page: int | None,
) -> Costing:
    """The operation's cost: 1, plus every object it could ask for; and, with `max_page`, the
    refusal of a page size out of range. `analysis` must hold no error."""
    root = {"query": schema.query_type, "mutation": schema.mutation_type}.get(operation.operation.value)
    if root is None:
        return Costing(0, None)
    costs = _Costs(schema, _with_defaults(operation, variables or {}), max_page)
    for name in analysis.fragment_order:
        fragment = analysis.fragments[name]
        costs.fragments[name] = costs.selection_set(
            fragment.selection_set, schema.get_type(fragment.type_condition.name.value)
        )
    return Costing(saturated(1 + costs.selection_set(operation.selection_set, root)), costs.refusal)


def operation_cost(
    schema: GraphQLSchema,
    analysis: DocumentAnalysis,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
) -> int:
    """The operation's cost, whatever its page sizes."""
    return costing(schema, analysis, operation, variables, None).cost
