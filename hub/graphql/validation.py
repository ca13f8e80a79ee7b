"""A literal of the wrong type is refused with the location of the value that is wrong.

graphql-core reports the error a scalar raises while parsing a literal (`proposedFrom:
"2025-02-30"` for a Date, `from: "not-a-time"` for a DateTime) as the scalar raised it, without
any node, so the client would not learn where the bad value is. `LocatedLiterals` is graphql-core's
ValuesOfCorrectTypeRule with such an error placed at the value it is about (the field of an input
object, the item of a list); `LocatedLiteralErrors` puts it in the place of the standard rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    SKIP,
    GraphQLError,
    GraphQLInputType,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    ValuesOfCorrectTypeRule,
    VisitorAction,
)
from graphql.utilities.validate_input_value import validate_input_literal
from strawberry.extensions import SchemaExtension


def _value_at(node: ValueNode, path: list[str | int]) -> ValueNode:
    """The value `path` (field names and list indices) leads to inside `node`, or the deepest one
    it can follow."""
    for key in path:
        if isinstance(node, ObjectValueNode) and isinstance(key, str):
            found = next((f.value for f in node.fields if f.name.value == key), None)
        elif isinstance(node, ListValueNode) and isinstance(key, int) and 0 <= key < len(node.values):
            found = node.values[key]
        else:
            found = None
        if found is None:
            break
        node = found
    return node


class LocatedLiterals(ValuesOfCorrectTypeRule):
    def is_valid_value_node(self, node: ValueNode, input_type: GraphQLInputType | None) -> VisitorAction:
        if input_type:

            def on_error(error: GraphQLError, path: list[str | int]) -> None:
                if not error.nodes:
                    error = GraphQLError(
                        error.message,
                        _value_at(node, path),
                        original_error=error.original_error,
                        extensions=error.extensions,
                    )
                self.report_error(error)

            validate_input_literal(node, input_type, on_error, None, None, self.context.hide_suggestions)
        return SKIP


class LocatedLiteralErrors(SchemaExtension):
    """The standard executor validates with `LocatedLiterals` instead of graphql-core's rule."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = tuple(
            LocatedLiterals if rule is ValuesOfCorrectTypeRule else rule for rule in context.validation_rules
        )
        yield
