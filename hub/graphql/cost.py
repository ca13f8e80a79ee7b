"""What an operation may cost, computed from its text and variables before anything runs.

A connection (or any field taking `first`, or `maxNodes` for a subgraph) costs `first` items times the items of every
connection around it, as GitHub's API counts; `nodes(ids)` costs one per id. The sum is the
number of objects the operation could ask the database for.

A selection set's cost is proportional to the number of items around it, so each fragment's cost
is computed once, for one item, after the fragments it spreads (`DocumentAnalysis.fragment_order`),
and a spread multiplies it: linear in the document's size however often fragments are spread.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

from hub.graphql.analysis import DocumentAnalysis, saturated

DEFAULT_FIRST = 20
SIZE_ARGUMENTS = ("first", "maxNodes")  # arguments that bound how many objects a field returns


def _argument(field: FieldNode, name: str, variables: Mapping[str, Any]) -> Any:
    for argument in field.arguments or ():
        if argument.name.value != name:
            continue
        value = argument.value
        if isinstance(value, VariableNode):
            return variables.get(value.name.value)
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, ListValueNode):
            return list(value.values)
        return None
    return None


class _Costs:
    def __init__(self, schema: GraphQLSchema, variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments: dict[str, int] = {}  # a fragment's cost for one item around it

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
            given = _argument(field, sized, self.variables)
            default = definition.args[sized].default_value
            count = (
                given if isinstance(given, int) else default if isinstance(default, int) else DEFAULT_FIRST
            )
            counted = True
        elif "ids" in definition.args:
            ids = _argument(field, "ids", self.variables)
            count = len(ids) if isinstance(ids, list) else 1
            counted = True
        count = saturated(max(count, 0))
        own = count if counted else 0
        inner = self.selection_set(field.selection_set, get_named_type(definition.type))
        return saturated(own + max(count, 1) * inner)


def operation_cost(
    schema: GraphQLSchema,
    analysis: DocumentAnalysis,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
) -> int:
    """The operation's cost: 1, plus every object it could ask for. `analysis` must hold no error."""
    root = {"query": schema.query_type, "mutation": schema.mutation_type}.get(operation.operation.value)
    if root is None:
        return 0
    costs = _Costs(schema, variables or {})
    for name in analysis.fragment_order:
        fragment = analysis.fragments[name]
        costs.fragments[name] = costs.selection_set(
            fragment.selection_set, schema.get_type(fragment.type_condition.name.value)
        )
    return saturated(1 + costs.selection_set(operation.selection_set, root))
