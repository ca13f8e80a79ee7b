"""Compiled mutations: `updateOrganisation` answered without the standard executor.

Per operation text (and name): the parse, the validation and the analysis, once. Per shape of its
arguments: the payload's plan (the organisation's selection planned as the compiled reads plan a
node, the user errors' fields), the update statement ending in that selection's projection, and
the payload's shaper, once. Per request: the variables are coerced, the input converted as
Strawberry converts it, the policy asked, and the same service runs the same one statement (the
checks, the change, the audit entry, the event and now the read-back of the payload); its answer
is shaped without a resolver per field.

What the fast path does not take goes to the standard executor, which answers it as before:
another root field (or more than one), a fragment or a directive at the root, a payload field
the model does not cover, a text input the hub refuses, a request with an `Idempotency-Key`
(its replay answers from the stored record), a caller the policy refuses (the executor's
permission class refuses it and the audit records it DENIED), and anything that does not
validate. Nothing is written before that choice, so both paths give the same answer, the same
audit entry and the same event (tests/graphql/compiled/test_mutations.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

import strawberry
from cachetools import LRUCache
from graphql import (
    ASTValidationRule,
    FieldNode,
    GraphQLError,
    GraphQLObjectType,
    OperationType,
    SelectionSetNode,
    located_error,
    specified_rules,
)
from strawberry.types import ExecutionResult
from strawberry.types.arguments import convert_arguments

from hub.db.repositories.compiled import emit_projection
from hub.db.repositories.organisations import ReadBack, update_returning
from hub.domain import audit, idempotency
from hub.graphql import auditing
from hub.graphql.compiled.planner import Analysis, NotCompilable, Planner, analyse, shape
from hub.graphql.compiled.requests import cached, coerced_arguments, per_request, validated
from hub.graphql.compiled.shaper import selection_shaper
from hub.graphql.errors import log_errors
from hub.graphql.organisations import ORGANISATION_TYPES, update_command
from hub.graphql.payloads import UserError, attempt
from hub.graphql.permissions import organisations_changed
from hub.graphql.request_key import RequestKey, request_key
from hub.model.graph import MODEL
from hub.model.plan import Param
from hub.model.types import Model
from hub.security.policy import Action, allowed

FIELD = "updateOrganisation"
PAYLOAD = "OrganisationPayload"
USER_ERROR_FIELDS = {"field", "message", "code", "__typename"}
_NOT = object()  # remembered: not for the fast path

Payload = Callable[[Any, list[UserError]], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class _Compiled:
    statement: LiteralString
    params: tuple[tuple[str, Param], ...]
    payload: Payload


@dataclass(frozen=True, slots=True)
class ReadyMutation:
    """A request ready to run: the root field's response key and nodes (for errors), the
    resolver's arguments as Strawberry converts them, the statement with its parameters, and how
    to shape the payload."""

    key: str
    nodes: tuple[FieldNode, ...]
    audit_input: str  # the arguments as graphql-core coerced them, as the audit entry records them
    kwargs: dict[str, Any]  # as Strawberry converts them for the resolver and its permission
    read_back: ReadBack
    payload: Payload


class CompiledMutations:
    def __init__(
        self,
        schema: strawberry.Schema,
        rules: Sequence[type[ASTValidationRule]] = (),
        max_tokens: int | None = None,
        model: Model = MODEL,
        size: int = 256,
    ) -> None:
        self.schema = schema._schema
        self.rules = (*specified_rules, *rules)
        self.max_tokens = max_tokens
        self.model = model
        field = schema.get_field_for_type(field_name=FIELD, type_name="Mutation")
        assert field is not None
        self._arguments = field.arguments
        self._scalars = schema.schema_converter.scalar_registry
        self._config = schema.config
        self._analyses: LRUCache[tuple[str, str | None], Any] = LRUCache(size)
        self._compiled: LRUCache[tuple[str, str | None, Any], Any] = LRUCache(size * 4)
        self._requests: LRUCache[RequestKey, Any] = LRUCache(size * 4)

    def prepare(
        self, text: str, operation_name: str | None, variables: dict[str, Any] | None
    ) -> ReadyMutation | None:
        """The request ready to run, or None for the executor. Nothing here reads the graph or
        depends on the caller, so a request seen before costs one lookup, as in the compiled
        reads (hub/graphql/compiled/requests.py)."""
        key = request_key(text, operation_name, variables)
        return per_request(self._requests, key, lambda: self._prepare(text, operation_name, variables))

    def _prepare(
        self, text: str, operation_name: str | None, variables: dict[str, Any] | None
    ) -> ReadyMutation | None:
        analysis = cached(self._analyses, (text, operation_name), lambda: self._analyse(text, operation_name))
        if analysis is None or (given := coerced_arguments(self.schema, analysis, variables)) is None:
            return None
        arguments, coerced = given
        compiled = cached(
            self._compiled,
            (text, operation_name, shape(analysis, arguments, coerced)),
            lambda: self._compile(analysis, arguments, coerced),
        )
        if compiled is _NOT:
            return None
        root = analysis.operation.selection_set.selections[0]
        assert isinstance(root, FieldNode)
        raw = arguments[analysis.site_of[id(root)]]
        try:
            params = {name: param.resolve(arguments) for name, param in compiled.params}
            kwargs = convert_arguments(raw, self._arguments, self._scalars, self._config)
        except (NotCompilable, GraphQLError, TypeError, ValueError):
            return None
        nodes = tuple(s for s in analysis.operation.selection_set.selections if isinstance(s, FieldNode))
        return ReadyMutation(
            root.alias.value if root.alias else root.name.value,
            nodes,
            auditing.audit_input(raw),
            kwargs,
            ReadBack(compiled.statement, params),
            compiled.payload,
        )

    def _analyse(self, text: str, operation_name: str | None) -> Analysis | None:
        document = validated(self.schema, self.rules, self.max_tokens, text)
        if document is None:
            return None
        analysis = analyse(self.schema, document, operation_name, OperationType.MUTATION)
        if analysis is None or analysis.operation.directives:
            return None
        roots = analysis.operation.selection_set.selections
        # One root field, itself: with several, the executor runs them in turn; a fragment or
        # a directive at the root is the executor's to read.
        if len(roots) != 1 or not isinstance(roots[0], FieldNode) or roots[0].directives:
            return None
        if roots[0].name.value != FIELD:
            return None
        return analysis

    def _compile(self, analysis: Analysis, arguments: list[dict[str, Any]], variables: dict[str, Any]) -> Any:
        planner = Planner(self.schema, self.model, analysis, arguments, variables)
        root = analysis.operation.selection_set.selections[0]
        assert isinstance(root, FieldNode)
        payload_type = self.schema.get_type(PAYLOAD)
        error_type = self.schema.get_type("UserError")
        assert isinstance(payload_type, GraphQLObjectType) and isinstance(error_type, GraphQLObjectType)
        parts: list[tuple[str, Any]] = []
        selection = None
        try:
            for key, fields in planner.collect(payload_type, _sets([root])).items():
                name = fields[0].name.value
                if name == "__typename":
                    parts.append((key, PAYLOAD))
                elif name == "organisation":
                    if selection is not None:
                        return _NOT  # the same field under two keys: one projection reads one
                    selection = planner.selection(ORGANISATION_TYPES, fields)
                    parts.append((key, selection_shaper(selection, self.model)))
                elif name == "userErrors":
                    wanted = [
                        (k, f[0].name.value)
                        for k, f in planner.collect(error_type, _sets(f for f in fields)).items()
                    ]
                    if any(n not in USER_ERROR_FIELDS for _, n in wanted):
                        return _NOT
                    parts.append((key, tuple(wanted)))
                else:
                    return _NOT
        except NotCompilable:
            return _NOT
        if selection is None:
            projection: LiteralString = "true"  # the payload reads nothing of the organisation
            params: tuple[tuple[str, Param], ...] = ()
        else:
            emitted = emit_projection(selection, self.model, "n")
            projection, params = emitted.text, emitted.params
        return _Compiled(update_returning(projection), params, _payload(parts))


def _sets(nodes: Any) -> list[SelectionSetNode]:
    return [n.selection_set for n in nodes if n.selection_set is not None]


def _payload(parts: list[tuple[str, Any]]) -> Payload:
    def payload(item: Any, errors: list[UserError]) -> dict[str, Any]:
        answer: dict[str, Any] = {}
        for key, part in parts:
            if isinstance(part, str):
                answer[key] = part
            elif isinstance(part, tuple):
                answer[key] = [
                    {k: "UserError" if name == "__typename" else getattr(e, name) for k, name in part}
                    for e in errors
                ]
            else:
                answer[key] = None if errors else part(item)
        return answer

    return payload


async def answer_mutation(
    ready: ReadyMutation, context: Any, operation_name: str | None
) -> ExecutionResult | None:
    """The mutation's answer, or None (nothing done) for the executor: a caller the policy
    refuses, or a request with an `Idempotency-Key`."""
    principal = context.principal
    request = context.request
    if request is not None and request.headers.get(idempotency.HEADER) is not None:
        return None
    if not allowed(principal, Action.UPDATE_ORGANISATION, organisations_changed(ready.kwargs)):
        return None
    services = context.services
    db = services.catalogue.db
    draft = audit.AuditDraft(principal, FIELD, ready.audit_input)
    token = audit.CURRENT.set(draft)
    try:
        cmd_input = ready.kwargs["input"]

        async def call() -> object:
            # Visibility (hidden partnerships and terms in the payload) travels as parameters.
            read_back = ReadBack(
                ready.read_back.statement, {**ready.read_back.params, **context.loaders.visibility.params()}
            )
            return await services.organisations.update_reading(update_command(cmd_input), read_back)

        item, errors = await attempt(call)
    except Exception as exc:
        await auditing.record_failure(db, draft, exc)
        error = located_error(exc, list(ready.nodes), [ready.key])
        log_errors([error], operation_name)
        return ExecutionResult(data=None, errors=[error])
    finally:
        audit.CURRENT.reset(token)
    await auditing.record_outcome(db, draft, errors)
    return ExecutionResult(data={ready.key: ready.payload(item, errors)}, errors=None)
