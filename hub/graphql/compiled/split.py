"""The part of a query that the compiled path leaves to the standard executor.

A query may mix root fields the model covers (connections, `node`, search) with others
(recommendations, risk views, introspection). The covered ones are answered by the one
statement; the rest by the executor, from the same operation cut down to those root fields and
the fragments and variables they use (graphql-core refuses a document with an unused fragment or
variable). Root fields do not depend on each other in a query, so the two answers merge into the
one the executor alone would give.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    Node,
    OperationDefinitionNode,
    VariableNode,
    Visitor,
    visit,
)


def response_key(field: FieldNode) -> str:
    return field.alias.value if field.alias else field.name.value


def splittable(operation: OperationDefinitionNode) -> bool:
    """Whether the root fields can be told apart by their response keys (no fragment at the root)."""
    return all(isinstance(s, FieldNode) for s in operation.selection_set.selections)


def executor_part(
    text: str,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    keys: set[str],
) -> str:
    """The text of the document with only the root fields of `operation` answering `keys`.

    What goes is blanked out (every character but line breaks becomes a space), so what stays
    keeps its line and column and the executor's errors point where they would have.
    """
    gone: list[Node] = []
    kept: list[Node] = []
    for selection in operation.selection_set.selections:
        assert isinstance(selection, FieldNode)
        (kept if response_key(selection) in keys else gone).append(selection)
    others = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode) and d is not operation
    ]
    used = {f.name.value for f in _fragments_used([*kept, *others], fragments)}
    gone += [f for name, f in fragments.items() if name not in used]
    variables = _variables_used([*kept, *(fragments[name] for name in used), *(operation.directives or ())])
    definitions = operation.variable_definitions or ()
    unused = [d for d in definitions if d.variable.name.value not in variables]
    spans = [_span(node) for node in gone]
    if unused and len(unused) == len(definitions):  # no variable left: the parentheses go too
        spans.append(_parenthesised(text, _span(definitions[0])[0], _span(definitions[-1])[1]))
    else:
        spans += [_span(d) for d in unused]
    return _blanked(text, spans)


def _span(node: Node) -> tuple[int, int]:
    assert node.loc is not None
    return node.loc.start, node.loc.end


def _parenthesised(text: str, start: int, end: int) -> tuple[int, int]:
    """From the `(` before `start` to the `)` after `end` (only ignored characters between)."""
    return text.rindex("(", 0, start), text.index(")", end) + 1


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] not in "\r\n":
                chars[i] = " "
    return "".join(chars)


def _fragments_used(
    nodes: list[Node], fragments: dict[str, FragmentDefinitionNode]
) -> list[FragmentDefinitionNode]:
    """The fragments `nodes` spread, directly or through other fragments, in document order."""
    names: set[str] = set()
    pending: list[Node] = list(nodes)

    class Spreads(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
            name = node.name.value
            if name not in names and name in fragments:
                names.add(name)
                pending.append(fragments[name])

    while pending:
        visit(pending.pop(), Spreads())
    return [f for name, f in fragments.items() if name in names]


def _variables_used(nodes: list[Node]) -> set[str]:
    names: set[str] = set()

    class Variables(Visitor):
        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            names.add(node.name.value)

    for node in nodes:
        visit(node, Variables())
    return names
