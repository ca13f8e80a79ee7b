"""Operation analysis: each fragment measured once, the sums equal to what a full expansion finds."""

from __future__ import annotations

import random
import time

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    parse,
    print_ast,
)

from hub.graphql.analysis import CEILING, DocumentAnalysis, OperationLimits, Shape, analyse
from hub.graphql.cost import operation_cost
from hub.graphql.schema import schema

SCHEMA = schema._schema


def _analysis(text: str) -> DocumentAnalysis:
    analysis = analyse(text, 100_000)
    assert analysis.error is None, analysis.error
    return analysis


def _expanded(document: DocumentNode) -> str:
    """The operation with every spread replaced by its fragment, inline, recursively: what a naive
    walk visits. Exponential in general, so only for the small documents below."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def inline(selection_set: SelectionSetNode) -> SelectionSetNode:
        selections: list[SelectionNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                selections.append(
                    InlineFragmentNode(
                        type_condition=fragment.type_condition,
                        directives=(),
                        selection_set=inline(fragment.selection_set),
                    )
                )
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                selections.append(
                    type(selection)(
                        **{k: getattr(selection, k) for k in selection.keys if k != "selection_set"},
                        selection_set=inline(selection.selection_set),
                    )
                )
            else:
                selections.append(selection)
        return SelectionSetNode(selections=tuple(selections))

    (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return print_ast(
        OperationDefinitionNode(
            operation=operation.operation,
            variable_definitions=(),
            directives=(),
            selection_set=inline(operation.selection_set),
        )
    )


def _naive_spreads(document: DocumentNode) -> int:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def count(selection_set: SelectionSetNode | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FragmentSpreadNode):
                total += 1 + count(fragments[selection.name.value].selection_set)
            elif isinstance(selection, FieldNode | InlineFragmentNode):
                total += count(selection.selection_set)
        return total

    (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return count(operation.selection_set)


def _random_dag(rng: random.Random, size: int) -> str:
    """Fragments on Institution, each spreading only later ones (so they form a DAG), some of them
    several times and inside nested connections."""
    fragments = []
    for i in range(size):
        later = [f"F{j}" for j in range(i + 1, size)]
        parts = ["name"]
        for _ in range(rng.randint(1, 4)):
            choice = rng.random()
            if later and choice < 0.45:
                parts.append(f"...{rng.choice(later)}")
            elif later and choice < 0.7:
                parts.append(
                    f"partners(first: {rng.randint(0, 5)}) {{ totalCount nodes {{ "
                    f"... on Institution {{ ...{rng.choice(later)} }} }} }}"
                )
            elif choice < 0.85:
                parts.append(f"a{rng.randint(0, 99)}: homeCountry zone {{ name }}")
            else:
                parts.append(f"partnerships(first: {rng.randint(1, 9)}) {{ nodes {{ title }} }}")
        fragments.append(f"fragment F{i} on Institution {{ {' '.join(parts)} }}")
    return "query { institutions(first: 3) { nodes { ...F0 ...F1 } } } " + " ".join(fragments)


def test_shapes_and_cost_over_random_dags_equal_a_full_expansion() -> None:
    rng = random.Random(10)
    for _ in range(60):
        text = _random_dag(rng, rng.randint(2, 9))
        document = parse(text)
        expanded = _analysis(_expanded(document))
        analysis = _analysis(text)
        (shape,) = analysis.operation_shapes
        (plain,) = expanded.operation_shapes
        assert (shape.depth, shape.fields, shape.aliases) == (plain.depth, plain.fields, plain.aliases), text
        assert shape.spreads == _naive_spreads(document)
        assert operation_cost(SCHEMA, analysis, analysis.operations[0], {}) == operation_cost(
            SCHEMA, expanded, expanded.operations[0], {}
        ), text


def test_fragments_are_ordered_after_what_they_spread() -> None:
    analysis = _analysis(
        "{ ...A } fragment A on Query { ...B ...C } fragment B on Query { ...D } "
        "fragment C on Query { ...D ...B } fragment D on Query { viewer { role } }"
    )
    order = analysis.fragment_order
    assert sorted(order) == ["A", "B", "C", "D"]
    assert order.index("D") < order.index("B") < order.index("C") < order.index("A")
    # D: 2 fields. B: a D (2 fields, 1 spread). C: a D and a B (4 fields, 1 + 2 spreads).
    # A: a B and a C (6 fields, 2 + 4 spreads).
    assert analysis.fragment_shapes["A"] == Shape(depth=1, fields=6, spreads=6, aliases=0)


def test_doubling_fragments_are_measured_without_expanding_them() -> None:
    def bomb(levels: int) -> str:
        fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
        return "query { ...F0 } " + " ".join(
            [*fragments, f"fragment F{levels} on Query {{ viewer {{ role }} }}"]
        )

    started = time.perf_counter()
    forty = _analysis(bomb(40))
    assert time.perf_counter() - started < 1  # 2^41 field selections if they were expanded
    assert forty.operation_shapes[0] == Shape(depth=1, fields=2**41, spreads=2**41 - 1, aliases=0)
    refusal = forty.refusal(OperationLimits(max_selections=5000))
    assert refusal is not None
    assert refusal.extensions == {
        "code": "QUERY_TOO_COMPLEX",
        "selections": {"requested": 2**41, "limit": 5000},
    }
    # Past 2^53 the sums saturate rather than grow without end.
    assert _analysis(bomb(60)).operation_shapes[0].fields == CEILING


def test_depth_and_aliases_are_counted_through_fragments() -> None:
    nested = " ".join(
        f"fragment L{i} on Institution {{ partners(first: 1) {{ nodes {{ ... on Institution {{ ...L{i + 1} }} }} }} }}"
        for i in range(12)
    )
    deep = _analysis(
        f"query Deep {{ institutions(first: 1) {{ nodes {{ ...L0 }} }} }} {nested} fragment L12 on Institution {{ name }}"
    )
    assert deep.operation_shapes[0].depth == 2 + 2 * 12
    refusal = deep.refusal(OperationLimits(max_depth=12))
    assert refusal is not None and refusal.message == "'Deep' exceeds maximum operation depth of 12"
    # Introspection fields do not count towards the depth, as with Strawberry's depth limiter.
    assert (
        _analysis("{ __schema { types { fields { type { ofType { name } } } } } }").operation_shapes[0].depth
        == 0
    )

    aliases = _analysis(
        "{ ...A ...A } fragment A on Query { ...B ...B } fragment B on Query { x: viewer { role } y: zones { totalCount } }"
    )
    assert aliases.operation_shapes[0].aliases == 8


def test_cycles_and_duplicate_fragments_are_refused_before_any_walk() -> None:
    chain = " ".join(f"fragment C{i} on Query {{ ...C{i + 1} }}" for i in range(700))
    cyclic = analyse(f"{{ ...C0 }} {chain} fragment C700 on Query {{ ...C650 }}", 100_000)
    assert cyclic.error is not None
    assert cyclic.error.message.startswith("Cannot spread fragment 'C650' within itself via 'C651'")
    itself = analyse("{ ...A } fragment A on Query { viewer { role } ...A }", 100_000)
    assert itself.error is not None and itself.error.message == "Cannot spread fragment 'A' within itself."
    twice = analyse(
        "{ ...A } fragment A on Query { viewer { role } } fragment A on Query { zones { totalCount } }",
        100_000,
    )
    assert twice.error is not None and "only one fragment named 'A'" in twice.error.message


def test_the_operation_is_chosen_by_name_or_as_the_only_one() -> None:
    analysis = _analysis("query A { viewer { role } } mutation B { refreshNetworkMeasures { computedAt } }")
    chosen = analysis.operation("B")
    assert isinstance(chosen, OperationDefinitionNode) and chosen.operation.value == "mutation"
    for name, message in [(None, "holds 2 operations"), ("C", "no operation named 'C'")]:
        refused = analysis.operation(name)
        assert not isinstance(refused, OperationDefinitionNode)
        assert message in refused.message
        assert refused.extensions == {"code": "OPERATION_RESOLUTION_FAILURE"}


def test_syntax_errors_are_parse_failures() -> None:
    broken = analyse("{ zones { totalCount ", 3000)
    assert broken.error is not None
    assert broken.error.extensions == {"code": "GRAPHQL_PARSE_FAILED"}
    assert broken.error.locations is not None


def test_merging_same_named_fields_is_bounded_before_validation() -> None:
    # Two `viewer { role }` (2 fields each): one pair compared, (1 + 1)(1 + 1) at most.
    assert _analysis("{ viewer { role } viewer { role } }").comparisons == 4
    # Two fragments side by side are one pair of fragments, plus their common `viewer`.
    assert (
        _analysis(
            "{ ...A ...B } fragment A on Query { viewer { role } } fragment B on Query { viewer { subject } }"
        ).comparisons
        == 1 + 4
    )
    # 600 of them took graphql-core's OverlappingFieldsCanBeMergedRule seconds; refused at once.
    many = _analysis("{ " + " ".join("viewer { role }" for _ in range(600)) + " }")
    refusal = many.refusal(OperationLimits())
    assert refusal is not None and refusal.extensions is not None
    assert refusal.extensions["code"] == "QUERY_TOO_COMPLEX"
    assert refusal.extensions["comparisons"] == {"requested": 4 * 600 * 599 // 2, "limit": 5000}
    # What portals send needs none or a handful.
    search = '{ search(text: "x", first: 5) { node { ... on Institution { id name } ... on TechEnterprise { id name } } } }'
    assert _analysis(search).comparisons == 2
