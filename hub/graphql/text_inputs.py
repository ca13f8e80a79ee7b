"""Text inputs are checked once, before an operation runs, wherever they appear.

Every string an operation hands a resolver is either a literal in the document or part of a
variable, so both are walked here, before execution: the arguments of every field (nested ones
and those in fragments too) and every variable value. A string holding a character
hub/domain/text.py refuses (control characters, unpaired surrogates, bidirectional overrides)
refuses the whole operation with `BAD_USER_INPUT`, one error per value, naming where it is
(`input.name`, `text`, `input.licences.1`). Tabs and line breaks pass here, since any field may
be free text; the domain refuses them in single-line fields (names, titles).

Nothing is resolved, so nothing is read or written; a refused mutation is still recorded in the
audit log (REFUSED), as every mutation is. The walk visits each definition once, without
expanding fragment spreads, and uses an explicit stack, so its cost is linear in the size of the
document and the variables.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_operation_ast,
    value_from_ast_untyped,
)
from graphql.pyutils import Undefined
from strawberry.extensions import SchemaExtension

from hub.domain.text import refused_character
from hub.graphql.auditing import record_unexecuted

log = logging.getLogger("hub.audit")


@dataclass(frozen=True, slots=True)
class Refusal:
    field: str  # dotted path from the argument: input.name, input.licences.1
    problem: str
    node: Node  # where in the document the value is (the literal, or the variable using it)

    def error(self) -> GraphQLError:
        return GraphQLError(
            f"{self.field}: {self.problem}",
            self.node,
            extensions={"code": "BAD_USER_INPUT", "fields": [self.field]},
        )


def _fields(selection_set: SelectionSetNode | None) -> Iterator[FieldNode]:
    """Every field under a selection set, inline fragments included, spreads not followed."""
    stack = [selection_set] if selection_set else []
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                yield selection
            if getattr(selection, "selection_set", None) is not None:
                stack.append(selection.selection_set)  # type: ignore[attr-defined]


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(path, string) for every string inside a variable's value (and every key of its objects)."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, list):
            stack.extend((v, f"{where}.{i}") for i, v in enumerate(item))
        elif isinstance(item, dict):
            for key, v in item.items():
                yield where, str(key)
                stack.append((v, f"{where}.{key}"))


def _literal_strings(
    value: ValueNode, path: str, variables: dict[str, Any], defaults: Mapping[str, ValueNode]
) -> Iterator[tuple[str, str, Node]]:
    """(path, string, node) for every string an argument's value holds, variables included."""
    stack: list[tuple[ValueNode, str]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, StringValueNode):
            yield where, node.value, node
        elif isinstance(node, ListValueNode):
            stack.extend((v, f"{where}.{i}") for i, v in enumerate(node.values))
        elif isinstance(node, ObjectValueNode):
            stack.extend((f.value, f"{where}.{f.name.value}") for f in node.fields)
        elif isinstance(node, VariableNode):
            name = node.name.value
            if name in variables:
                yield from ((p, s, node) for p, s in _strings(variables[name], where))
            elif name in defaults:
                stack.append((defaults[name], where))


def refusals(document: DocumentNode, operation: OperationDefinitionNode, variables: Any) -> list[Refusal]:
    """Each string of the operation's arguments and variables that holds a refused character."""
    given = variables if isinstance(variables, dict) else {}
    defaults = {
        d.variable.name.value: d.default_value
        for d in operation.variable_definitions or ()
        if d.default_value
    }
    roots: list[OperationDefinitionNode | FragmentDefinitionNode] = [operation]
    roots += [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    found: dict[str, Refusal] = {}
    for root in roots:
        for field in _fields(root.selection_set):
            for argument in field.arguments or ():
                strings = _literal_strings(argument.value, argument.name.value, given, defaults)
                for path, text, node in strings:
                    problem = refused_character(text)
                    if problem is not None and path not in found:
                        found[path] = Refusal(path, problem, node)
    return list(found.values())


def _root_fields(operation: OperationDefinitionNode, variables: Any) -> list[tuple[str, dict[str, Any]]]:
    """(name, arguments as sent) of each root field of the operation, for the audit log."""
    given = variables if isinstance(variables, dict) else {}
    out = []
    for field in operation.selection_set.selections:
        if isinstance(field, FieldNode) and not field.name.value.startswith("__"):
            arguments = {a.name.value: value_from_ast_untyped(a.value, given) for a in field.arguments or ()}
            out.append((field.name.value, {k: v for k, v in arguments.items() if v is not Undefined}))
    return out


class TextInputs(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        found = refusals(document, operation, context.variables) if document and operation else []
        if operation is not None and found:
            if operation.operation is OperationType.MUTATION:
                try:
                    await record_unexecuted(
                        context.context,
                        _root_fields(operation, context.variables),
                        [f"{r.field}: {r.problem}" for r in found],
                    )
                except Exception:  # the refusal is the answer; a lost audit entry is logged
                    log.exception("audit entries of a refused mutation could not be written")
            context.result = ExecutionResult(data=None, errors=[r.error() for r in found])
        yield
