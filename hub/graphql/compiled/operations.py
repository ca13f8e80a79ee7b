"""Compiled reads: a GraphQL query answered by one Cypher statement, remembered by its text.

Per operation text (and name): the parse, the validation and the analysis, once. Per shape of
its arguments (which are given, enum values, @skip/@include): the plan, the statement and the
shaper, once. Per request: the variables are coerced, the parameters read from the arguments,
and the statement runs. Root fields the model does not cover (or whose arguments the executor
would refuse) are left to the standard executor, which answers them from a cut-down copy of the
operation; an operation none of whose root fields the model covers, one that does not validate,
or one with a fragment at its root (whose fields cannot be told apart before collecting them):
`prepare` answers None and the standard executor runs it all.

The statement does not depend on who is calling: visibility travels as `$viewerOrg` and
`$seesAll`, like every other value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from graphql import (
    ASTValidationRule,
    GraphQLSchema,
    specified_rules,
)

from hub.db.repositories.compiled import Statement, emit
from hub.graphql.compiled.planner import Analysis, NotCompilable, Planner, analyse, shape
from hub.graphql.compiled.requests import cached, coerced_arguments, per_request, validated
from hub.graphql.compiled.shaper import operation_shaper
from hub.graphql.compiled.split import executor_part
from hub.graphql.request_key import RequestKey, request_key
from hub.model.graph import MODEL
from hub.model.types import Model


@dataclass(frozen=True, slots=True)
class Compiled:
    statement: Statement
    shape: Callable[[list[Any]], dict[str, Any]]
    rest: str | None  # the executor's part of the operation (hub/graphql/compiled/split.py)
    order: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ready:
    """A request ready to run: the statement, its parameters, and how to shape its answer; and
    when the operation mixes in root fields outside the model, the text of the executor's part
    and the order in which the two answers' root fields merge."""

    text: Any
    params: dict[str, Any]
    shape: Callable[[list[Any]], dict[str, Any]]
    rest: str | None = None
    order: tuple[str, ...] = ()

    def merge(self, compiled: dict[str, Any], rest: dict[str, Any]) -> dict[str, Any]:
        return {key: compiled[key] if key in compiled else rest[key] for key in self.order}


_NOT = object()  # remembered: not compilable


class CompiledReads:
    def __init__(
        self,
        schema: GraphQLSchema,
        rules: Sequence[type[ASTValidationRule]] = (),
        max_tokens: int | None = None,
        model: Model = MODEL,
        size: int = 512,
    ) -> None:
        self.schema = schema
        self.rules = (*specified_rules, *rules)
        self.max_tokens = max_tokens
        self.model = model
        self._analyses: LRUCache[tuple[str, str | None], Any] = LRUCache(size)
        self._compiled: LRUCache[tuple[str, str | None, Any], Any] = LRUCache(size * 4)
        self._requests: LRUCache[RequestKey, Any] = LRUCache(size * 4)

    def prepare(
        self, text: str, operation_name: str | None, variables: dict[str, Any] | None
    ) -> Ready | None:
        """The request ready to run, or None for the executor; a request seen before costs one
        lookup (hub/graphql/compiled/requests.py)."""
        key = request_key(text, operation_name, variables)
        return per_request(self._requests, key, lambda: self._prepare(text, operation_name, variables))

    def _prepare(
        self, text: str, operation_name: str | None, variables: dict[str, Any] | None
    ) -> Ready | None:
        analysis = cached(self._analyses, (text, operation_name), lambda: self._analyse(text, operation_name))
        if analysis is None or (given := coerced_arguments(self.schema, analysis, variables)) is None:
            return None
        arguments, coerced = given
        compiled = cached(
            self._compiled,
            (text, operation_name, shape(analysis, arguments, coerced)),
            lambda: self._compile(text, analysis, arguments, coerced),
        )
        if compiled is _NOT:
            return None
        try:
            params = {name: param.resolve(arguments) for name, param in compiled.statement.params}
        except NotCompilable:
            return None
        return Ready(compiled.statement.text, params, compiled.shape, compiled.rest, compiled.order)

    def _analyse(self, text: str, operation_name: str | None) -> Analysis | None:
        document = validated(self.schema, self.rules, self.max_tokens, text)
        return None if document is None else analyse(self.schema, document, operation_name)

    def _compile(
        self, text: str, analysis: Analysis, arguments: list[dict[str, Any]], variables: dict[str, Any]
    ) -> Any:
        try:
            plan = Planner(self.schema, self.model, analysis, arguments, variables).plan()
        except NotCompilable:
            return _NOT
        rest = None
        if plan.deferred:
            rest = executor_part(
                text, analysis.document, analysis.operation, analysis.fragments, set(plan.deferred)
            )
        return Compiled(emit(plan, self.model), operation_shaper(plan, self.model), rest, tuple(plan.order))
