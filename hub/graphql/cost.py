"""What an operation may cost, computed from its text and variables before anything runs.

A connection (or any field taking `first`, or `maxNodes` for a subgraph) costs `first` items times the items of every
connection around it, as GitHub's API counts; `nodes(ids)` costs one per id. The sum is the
number of objects the operation could ask the database for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
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


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    variables = variables or {}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if not chosen:
        return 0
    operation = chosen[0]
    root = {"query": schema.query_type, "mutation": schema.mutation_type}.get(operation.operation.value)
    if root is None:
        return 0

    def walk(
        selection_set: SelectionSetNode | None, parent: Any, multiplier: int, seen: frozenset[str]
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += field_cost(selection, parent, multiplier, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = schema.get_type(condition.name.value) if condition else parent
                total += walk(selection.selection_set, target or parent, multiplier, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in seen:  # cycles are refused by validation anyway
                    continue
                target = schema.get_type(fragment.type_condition.name.value)
                total += walk(fragment.selection_set, target or parent, multiplier, seen | {name})
        return total

    def field_cost(field: FieldNode, parent: Any, multiplier: int, seen: frozenset[str]) -> int:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(field.name.value)
        if definition is None:
            return 0
        count = 1
        sized = next((a for a in SIZE_ARGUMENTS if a in definition.args), None)
        if sized is not None:
            given = _argument(field, sized, variables)
            default = definition.args[sized].default_value
            count = (
                given if isinstance(given, int) else default if isinstance(default, int) else DEFAULT_FIRST
            )
        elif "ids" in definition.args:
            ids = _argument(field, "ids", variables)
            count = len(ids) if isinstance(ids, list) else 1
        count = max(count, 0)
        own = multiplier * count if count != 1 or sized is not None or "ids" in definition.args else 0
        child = get_named_type(definition.type)
        return own + walk(field.selection_set, child, multiplier * max(count, 1), seen)

    return 1 + walk(operation.selection_set, root, 1, frozenset())
