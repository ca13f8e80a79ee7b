"""What the compiled reads and the compiled mutations both do before planning: remember work by
key, parse and validate an operation's text, and coerce a request's variables and arguments as
the executor would (giving up, for the executor to answer, where it would refuse)."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from typing import Any, TypeVar

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse, validate
from graphql.execution import get_argument_values, get_variable_values

from hub.graphql.compiled.planner import Analysis
from hub.graphql.request_key import RequestKey
from hub.graphql.text_inputs import refusals

K = TypeVar("K")
V = TypeVar("V")
_MISSING = object()


def cached(cache: MutableMapping[K, Any], key: K, make: Callable[[], V]) -> V:
    """The value remembered under `key`, made (and remembered) the first time; None and "not
    compilable" markers are remembered like any other value."""
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        found = cache[key] = make()
    return found  # type: ignore[no-any-return]


def per_request(
    cache: MutableMapping[RequestKey, Any],
    key: RequestKey | None,
    prepare: Callable[[], V],
) -> V:
    """A request seen before (same text, name and variables, as a portal's polling sends it)
    costs one lookup: its coercion, checks and parameters do not depend on the caller."""
    if key is None:  # variables that make no key: not kept
        return prepare()
    return cached(cache, key, prepare)


def validated(
    schema: GraphQLSchema, rules: Sequence[type[ASTValidationRule]], max_tokens: int | None, text: str
) -> DocumentNode | None:
    """The parsed operation when it parses and validates; None for the executor to report."""
    try:
        document = parse(text, max_tokens=max_tokens)
    except GraphQLError:
        return None
    return None if validate(schema, document, rules) else document


def coerced_arguments(
    schema: GraphQLSchema, analysis: Analysis, variables: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """Each argument site's values and the coerced variables, or None where the executor
    refuses: text inputs with characters the hub does not take, variables that do not coerce."""
    if refusals(analysis.document, analysis.operation, variables):
        return None
    try:
        coerced = get_variable_values(schema, analysis.operation.variable_definitions or (), variables or {})
        if isinstance(coerced, list):  # errors: the executor reports them
            return None
        return [get_argument_values(d, n, coerced) for d, n in analysis.sites], coerced.coerced
    except (GraphQLError, TypeError, ValueError):
        return None
