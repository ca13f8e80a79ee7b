"""What an operation amounts to once its fragments are expanded, worked out without expanding them.

A fragment may spread another fragment several times, so a document of a few hundred bytes can
stand for millions of field selections (`F0 { ...F1 ...F1 }  F1 { ...F2 ...F2 } ...`). A walk that
follows every spread (graphql-core's executor, a naive depth or cost count) then takes exponential
time. Here each fragment's shape (depth, field selections, spreads, aliases) is computed once, after
the fragments it spreads (they form a DAG once cycles are refused), and a spread adds its
fragment's shape: the work is linear in the document's size. The limits are checked on these sums
before graphql-core validates or executes anything, and the analysis is remembered by the text.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

CEILING = 2**53 - 1
"""Sums saturate here: still exact for any operation a limit lets through, and safe in JSON."""


def saturated(value: int) -> int:
    return min(value, CEILING)


@dataclass(frozen=True, slots=True)
class OperationLimits:
    max_tokens: int = 3000
    max_depth: int = 12
    max_aliases: int = 30
    max_selections: int = 5000  # field selections, and separately fragment spreads, once expanded
    # Field comparisons graphql-core's validation may make to merge same-named fields (see _Walker):
    # 5,000 validate in about 50 ms on a busy two-core machine; no portal query or the introspection
    # query needs more than a handful.
    max_comparisons: int = 5000


@dataclass(frozen=True, slots=True)
class Shape:
    """A selection set once its fragments are expanded. `depth` counts nested object fields as
    Strawberry's depth limiter did (introspection fields are not counted)."""

    depth: int = 0
    fields: int = 0
    spreads: int = 0
    aliases: int = 0

    def __add__(self, other: Shape) -> Shape:
        return Shape(
            max(self.depth, other.depth),
            saturated(self.fields + other.fields),
            saturated(self.spreads + other.spreads),
            saturated(self.aliases + other.aliases),
        )


def _error(message: str, code: str, *nodes: Node, **extensions: object) -> GraphQLError:
    return GraphQLError(message, list(nodes) or None, extensions={"code": code, **extensions})


@dataclass(slots=True)
class DocumentAnalysis:
    """A parsed document and the expanded shape of each of its operations and fragments; or why it
    cannot be analysed (`error`: a syntax error, a duplicate fragment name, a fragment cycle)."""

    document: DocumentNode | None = None
    error: GraphQLError | None = None
    fragments: dict[str, FragmentDefinitionNode] = field(default_factory=dict)
    fragment_order: list[str] = field(default_factory=list)  # every fragment after those it spreads
    fragment_shapes: dict[str, Shape] = field(default_factory=dict)
    operations: list[OperationDefinitionNode] = field(default_factory=list)
    operation_shapes: list[Shape] = field(default_factory=list)
    comparisons: int = 0  # at most this many field comparisons for graphql-core's validation

    def operation(self, name: str | None) -> OperationDefinitionNode | GraphQLError:
        """The operation to run, as GraphQL's GetOperation says: by name, or the only one."""
        if name is not None:
            named = [o for o in self.operations if o.name and o.name.value == name]
            if named:
                return named[0]
            return _error(f"the document holds no operation named {name!r}", "OPERATION_RESOLUTION_FAILURE")
        if len(self.operations) == 1:
            return self.operations[0]
        if not self.operations:
            return _error("the document holds no operation to run", "OPERATION_RESOLUTION_FAILURE")
        return _error(
            f"the document holds {len(self.operations)} operations: name the one to run with `operationName`",
            "OPERATION_RESOLUTION_FAILURE",
        )

    def refusal(self, limits: OperationLimits) -> GraphQLError | None:
        """The first limit the document goes past, or None. Every operation and fragment counts,
        used or not, since graphql-core's validation walks them all."""
        shapes = [*self.operation_shapes, *self.fragment_shapes.values()]
        if not shapes:
            return None
        fields = max(s.fields for s in shapes)
        spreads = max(s.spreads for s in shapes)
        if fields > limits.max_selections:
            return _error(
                f"the operation selects {_count(fields)} fields once its fragments are expanded, "
                f"above the limit of {limits.max_selections}: spread fewer fragments or select fewer fields",
                "QUERY_TOO_COMPLEX",
                selections={"requested": fields, "limit": limits.max_selections},
            )
        if spreads > limits.max_selections:
            return _error(
                f"the operation spreads fragments {_count(spreads)} times once expanded, "
                f"above the limit of {limits.max_selections}: nest fewer fragment spreads",
                "QUERY_TOO_COMPLEX",
                spreads={"requested": spreads, "limit": limits.max_selections},
            )
        if self.comparisons > limits.max_comparisons:
            return _error(
                f"the document selects the same fields under one name too often: validating it would "
                f"compare {_count(self.comparisons)} pairs of fields, above the limit of "
                f"{limits.max_comparisons}: select each field once",
                "QUERY_TOO_COMPLEX",
                comparisons={"requested": self.comparisons, "limit": limits.max_comparisons},
            )
        for operation, shape in zip(self.operations, self.operation_shapes, strict=True):
            if shape.depth > limits.max_depth:
                name = operation.name.value if operation.name else "anonymous"
                return _error(
                    f"'{name}' exceeds maximum operation depth of {limits.max_depth}",
                    "GRAPHQL_VALIDATION_FAILED",
                    operation,
                )
        aliases = saturated(sum(s.aliases for s in self.operation_shapes))
        if aliases > limits.max_aliases:
            return _error(
                f"{aliases} aliases found. Allowed: {limits.max_aliases}", "GRAPHQL_VALIDATION_FAILED"
            )
        return None

    def largest(self) -> int:
        """Field selections of the largest operation or fragment, once expanded."""
        return max((s.fields for s in [*self.operation_shapes, *self.fragment_shapes.values()]), default=0)


def _count(value: int) -> str:
    return f"at least {CEILING}" if value >= CEILING else str(value)


@functools.lru_cache(maxsize=256)
def analyse(text: str, max_tokens: int) -> DocumentAnalysis:
    """The analysis of an operation's text, remembered: clients send the same few again and again."""
    try:
        document = parse(text, max_tokens=max_tokens)
    except GraphQLError as error:
        extensions = {**(error.extensions or {}), "code": "GRAPHQL_PARSE_FAILED"}
        return DocumentAnalysis(
            error=GraphQLError(
                error.message, source=error.source, positions=error.positions, extensions=extensions
            )
        )
    analysis = DocumentAnalysis(document=document)
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            analysis.operations.append(definition)
        elif isinstance(definition, FragmentDefinitionNode):
            name = definition.name.value
            if name in analysis.fragments:
                analysis.error = _error(
                    f"There can be only one fragment named '{name}'.",
                    "GRAPHQL_VALIDATION_FAILED",
                    analysis.fragments[name].name,
                    definition.name,
                )
                return analysis
            analysis.fragments[name] = definition
    order = _dependency_order(analysis.fragments)
    if isinstance(order, GraphQLError):
        analysis.error = order
        return analysis
    analysis.fragment_order = order
    walker = _Walker()
    for name in order:
        walker.fragment(name, analysis.fragments[name])
    analysis.fragment_shapes = walker.shapes
    analysis.operation_shapes = [walker.selection_set(o.selection_set)[0] for o in analysis.operations]
    analysis.comparisons = walker.comparisons
    return analysis


_Groups = dict[str, tuple[int, int]]
"""Fields merged under each response name: the sum of their weights and of their squared weights."""


class _Walker:
    """Walks each selection set of the text once, with the fragments' results already known.

    Besides each selection set's shape it bounds the work of graphql-core's
    OverlappingFieldsCanBeMergedRule, which compares every pair of fields merged under one response
    name (through inline fragments and spreads), each pair down through their sub-selections, and
    every pair of fragments spread side by side. Comparing fields of expanded sizes a and b costs at
    most (1 + a)(1 + b), so a selection set's work is at most the sum, per response name, of those
    products over its pairs, plus its pairs of fragments. Recursion follows the text's own nesting
    only, which the parser bounds.
    """

    def __init__(self) -> None:
        self.shapes: dict[str, Shape] = {}
        self.groups: dict[str, _Groups] = {}
        self.comparisons = 0

    def fragment(self, name: str, definition: FragmentDefinitionNode) -> None:
        self.shapes[name], self.groups[name] = self.selection_set(definition.selection_set)

    def selection_set(self, selection_set: SelectionSetNode | None) -> tuple[Shape, _Groups]:
        total, groups, spread = Shape(), dict[str, tuple[int, int]](), set[str]()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                inner, _ = self.selection_set(selection.selection_set)
                counted = selection.selection_set is not None and not selection.name.value.startswith("__")
                total += Shape(
                    inner.depth + 1 if counted else 0,
                    saturated(inner.fields + 1),
                    inner.spreads,
                    saturated(inner.aliases + (1 if selection.alias else 0)),
                )
                weight = saturated(inner.fields + 1)
                _merge(
                    groups, {(selection.alias or selection.name).value: (weight, saturated(weight * weight))}
                )
            elif isinstance(selection, InlineFragmentNode):
                inner, inner_groups = self.selection_set(selection.selection_set)
                total += inner
                _merge(groups, inner_groups)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.shapes.get(name, Shape())  # unknown: validation says so
                total += Shape(
                    fragment.depth, fragment.fields, saturated(fragment.spreads + 1), fragment.aliases
                )
                if name not in spread:  # graphql-core compares a fragment spread twice only once
                    spread.add(name)
                    _merge(groups, self.groups.get(name, {}))
        pairs = sum((weights * weights - squares) // 2 for weights, squares in groups.values())
        self.comparisons = saturated(self.comparisons + pairs + len(spread) * (len(spread) - 1) // 2)
        return total, groups


def _merge(into: _Groups, groups: _Groups) -> None:
    for name, (weights, squares) in groups.items():
        before = into.get(name, (0, 0))
        into[name] = (saturated(before[0] + weights), saturated(before[1] + squares))


def _spreads(selection_set: SelectionSetNode | None) -> Iterator[FragmentSpreadNode]:
    """The spreads written in a selection set, at any nesting, without following them."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FragmentSpreadNode):
            yield selection
        elif isinstance(selection, FieldNode | InlineFragmentNode):
            yield from _spreads(selection.selection_set)


def _dependency_order(fragments: dict[str, FragmentDefinitionNode]) -> list[str] | GraphQLError:
    """The fragments, each after every fragment it spreads (Kahn's algorithm, so a chain of
    hundreds of fragments needs no recursion), or the error naming a cycle."""
    spreads = {
        name: {s.name.value for s in _spreads(f.selection_set) if s.name.value in fragments}
        for name, f in fragments.items()
    }
    spread_by: dict[str, list[str]] = {name: [] for name in fragments}
    for name, targets in spreads.items():
        for target in targets:
            spread_by[target].append(name)
    waiting = {name: len(targets) for name, targets in spreads.items()}
    ready = [name for name, count in waiting.items() if count == 0]
    order: list[str] = []
    while ready:
        name = ready.pop()
        order.append(name)
        for user in spread_by[name]:
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    if len(order) == len(fragments):
        return order
    return _cycle(spreads, {name for name, count in waiting.items() if count > 0}, fragments)


def _cycle(
    spreads: dict[str, set[str]], stuck: set[str], fragments: dict[str, FragmentDefinitionNode]
) -> GraphQLError:
    """Every stuck fragment spreads another stuck one, so walking from any of them meets a cycle."""
    path: list[str] = [min(stuck)]
    while True:
        following = min(t for t in spreads[path[-1]] if t in stuck)
        if following in path:
            cycle = path[path.index(following) :]
            via = f" via {', '.join(repr(n) for n in cycle[1:])}" if len(cycle) > 1 else ""
            return _error(
                f"Cannot spread fragment '{cycle[0]}' within itself{via}.",
                "GRAPHQL_VALIDATION_FAILED",
                fragments[cycle[0]],
            )
        path.append(following)
