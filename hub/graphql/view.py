"""The GraphQL endpoint: Strawberry's ASGI view with the hub's guards around each operation.

Before an operation runs: the caller is authenticated (401 UNAUTHENTICATED otherwise), the
operation is screened in time linear in its text (hub/graphql/screening.py: parsed, chosen,
its expanded size, depth, aliases and cost checked, before graphql-core validates anything), and
the caller's rate-limit budget is checked (its cost, in points per minute; hub/rate_limit.py).
Then it waits for one of the worker's slots (hub/admission.py; 503 OVERLOADED when none comes)
and, admitted, spends its points; an operation the screening refuses spends them at once. While
it runs: a wall-clock timeout. After: errors shaped (codes, no internals) and the cost reported in
`extensions`. The HTTP side of GraphQL over HTTP (strict request reading, JSON refusals, media
types, request errors) is in hub/graphql/http_protocol.py. Subscriptions are served only over
WebSocket (graphql-transport-ws): messages in text frames, one of the wrong shape closed 4400.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect
from strawberry import Schema
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from hub.admission import Admission, Overloaded
from hub.domain.text import refused_character
from hub.errors import AuthenticationError, DatabaseUnavailable
from hub.graphql import http_protocol
from hub.graphql.analysis import OperationLimits, analyse
from hub.graphql.compiled.mutations import CompiledMutations, ReadyMutation, answer_mutation
from hub.graphql.compiled.operations import CompiledReads, Ready
from hub.graphql.context import Context, Services
from hub.graphql.errors import shaped
from hub.graphql.loaders import Loaders
from hub.graphql.outage import database_unreachable, mark_unavailable, unavailable
from hub.graphql.relay import DEFAULT_MAX_PAGE, PAGE_LIMIT
from hub.graphql.screening import Screener
from hub.observe.exchange import exchange_of, note
from hub.observe.tracing import Tracing
from hub.rate_limit import RateLimit, RateLimited
from hub.security.authenticate import Authenticator
from hub.security.policy import visibility

SUBSCRIPTIONS_OVER_WEBSOCKET = (
    "subscriptions are served over WebSocket (subprotocol graphql-transport-ws) at /graphql, not over HTTP"
)
GRAPHIQL_PAGE = Path(__file__).resolve().parents[1] / "explorer" / "static" / "graphiql.html"


@dataclass(frozen=True, slots=True)
class Guards:
    max_cost: int
    points_per_minute: int
    timeout_seconds: float
    operation: OperationLimits = field(default_factory=OperationLimits)
    max_page_size: int = DEFAULT_MAX_PAGE


def _refusal(message: str, **extensions: Any) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions=extensions)])


def _limited(sub_response: Any, limited: RateLimited) -> ExecutionResult:
    sub_response.status_code = 429
    sub_response.headers["Retry-After"] = str(limited.retry_after)
    return _refusal(str(limited), code="RATE_LIMITED", retryAfter=limited.retry_after)


class TextFrames(ASGIWebSocketAdapter):
    """graphql-transport-ws messages in text frames: clients (graphql-ws in browsers and Node)
    parse only those, and the view's `encode_json` gives bytes, for HTTP."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(self.view.encode_json_string(message))
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


def _malformed(message: object) -> str | None:
    """What is wrong with a graphql-transport-ws message whose shape Strawberry's handler would
    trust (it indexes into it), or None."""
    if not isinstance(message, dict):
        return "Invalid message: not a JSON object"
    kind = message.get("type")
    if kind in ("subscribe", "complete") and not isinstance(message.get("id"), str):
        return f"Invalid {kind} message: `id` must be a string"
    if kind != "subscribe":
        return None
    payload = message.get("payload")
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return "Invalid subscribe message: `payload.query` must be a string"
    if not isinstance(payload.get("variables", {}), dict | None):
        return "Invalid subscribe message: `payload.variables` must be an object"
    if not isinstance(payload.get("operationName"), str | None):
        return "Invalid subscribe message: `payload.operationName` must be a string"
    return None


class TransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler, closing 4400 on a message of the wrong shape
    instead of failing on it, and with errors coded as over HTTP."""

    async def handle_message(self, message: Message) -> None:
        if (problem := _malformed(message)) is not None:
            await self.handle_invalid_message(problem)
            return
        await super().handle_message(message)

    async def _handle_pre_execution_error(
        self, operation: Operation[Context, None], result: PreExecutionError
    ) -> None:
        # Strawberry closes the socket (4400) on a syntax error, known by its class: left as it is.
        if result.errors and self._get_pre_execution_close_reason(result.errors[0]) is None:
            result.errors = [shaped(e) for e in result.errors]
        await super()._handle_pre_execution_error(operation, result)


class HubGraphQL(GraphQL[Context, None]):
    websocket_adapter_class = TextFrames
    graphql_transport_ws_handler_class = TransportWS

    def __init__(
        self,
        schema: Schema,
        guards: Guards,
        compiled: CompiledReads | None = None,
        mutations: CompiledMutations | None = None,
        **options: Any,
    ) -> None:
        super().__init__(schema, **options)
        self.guards = guards
        self.compiled = compiled
        self.mutations = mutations
        self.graphql_schema = schema._schema
        self.screener = Screener(
            schema._schema,
            guards.operation,
            guards.max_cost,
            guards.points_per_minute,
            max_page=guards.max_page_size,
        )

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: Any,
    ) -> ExecutionResult:
        # One deadline for the whole request: authenticating may need Neo4j too.
        deadline = asyncio.get_running_loop().time() + self.guards.timeout_seconds
        try:
            authenticator: Authenticator = request.app.state.authenticator
            async with asyncio.timeout_at(deadline):
                context.principal = await authenticator.principal(request.headers.get("authorization"))
            context.loaders.visibility = visibility(context.principal)
            note(request, caller=context.principal.subject)
        except AuthenticationError as refused:
            sub_response.status_code = 401
            sub_response.headers["WWW-Authenticate"] = 'Bearer realm="fintech-hub"'
            return _refusal(str(refused), code="UNAUTHENTICATED")
        except DatabaseUnavailable:
            return unavailable(sub_response)
        except TimeoutError:
            return self._timed_out(request, sub_response)
        # The operation's name is text from the caller like any other (hub/graphql/text_inputs.py
        # checks the rest); echoed in an "unknown operation" answer it could not even be encoded.
        if request_data.operation_name and (problem := refused_character(request_data.operation_name)):
            return _refusal(f"operationName: {problem}", code="BAD_USER_INPUT", fields=["operationName"])
        if not request_data.query:
            raise HTTPException(400, "No GraphQL query found in the request")
        screening = self.screener.screen(
            request_data.query, request_data.operation_name, request_data.variables
        )
        if (exchange := exchange_of(request)) is not None:
            exchange.operation = screening.operation or request_data.operation_name
            exchange.cost = screening.cost
        if screening.refusal is None and self._subscription(request_data):
            # Strawberry would run it as a query and fail on its null root field (a 500 and a traceback).
            raise HTTPException(405 if request_adapter.method == "GET" else 400, SUBSCRIPTIONS_OVER_WEBSOCKET)
        principal = context.principal.subject
        rate_limit: RateLimit = request.app.state.rate_limit
        admission: Admission = request.app.state.admission
        try:
            if screening.refusal is not None:
                await rate_limit.spend(principal, screening.points)  # costs what it would have cost
                return ExecutionResult(data=None, errors=[screening.refusal])
            await rate_limit.check(principal, screening.points)  # refused before waiting for a slot
        except RateLimited as limited:
            return _limited(sub_response, limited)
        ready = self._compiled(request_data)
        # A mutation sent with GET is the executor's to refuse (405).
        change = self._mutation(request_data) if ready is None and request_adapter.method != "GET" else None
        tracing: Tracing = request.app.state.tracing
        operation = screening.operation or request_data.operation_name
        try:
            async with asyncio.timeout_at(deadline), admission.slot(principal):
                await rate_limit.spend(principal, screening.points)  # only what is admitted spends
                result = None
                if change is not None:
                    with tracing.graphql("compiled", operation):
                        result = await answer_mutation(change, context, request_data.operation_name)
                if ready is not None:
                    with tracing.graphql("compiled", operation):
                        result = await self._compiled_result(
                            ready,
                            context,
                            lambda text: super(HubGraphQL, self).execute_single(
                                request,
                                request_adapter,
                                sub_response,
                                context,
                                root_value,
                                dataclasses.replace(request_data, query=text),
                            ),
                        )
                if result is None:
                    with tracing.graphql("executor", operation):
                        result = await super().execute_single(
                            request, request_adapter, sub_response, context, root_value, request_data
                        )
        except RateLimited as limited:
            return _limited(sub_response, limited)
        except Overloaded as shed:
            sub_response.status_code = 503
            sub_response.headers["Retry-After"] = str(shed.retry_after)
            return _refusal(str(shed), code="OVERLOADED", retryAfter=shed.retry_after)
        except TimeoutError:
            return self._timed_out(request, sub_response)
        except DatabaseUnavailable:  # from a compiled read: the executor would only wait again
            return unavailable(sub_response)
        except HTTPException as exc:
            # GraphQL over HTTP: a mutation sent with GET is 405 Method Not Allowed, not 400.
            if request_adapter.method == "GET" and isinstance(exc.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, exc.reason) from exc
            raise
        if database_unreachable(result):
            mark_unavailable(sub_response)
        if screening.cost is not None:
            cost = {"requested": screening.cost, "limit": self.guards.max_cost}
            result.extensions = {**(result.extensions or {}), "cost": cost}
        return result

    def _subscription(self, request_data: Any) -> bool:
        """Whether the request chose a subscription (its text's analysis is remembered)."""
        chosen = analyse(request_data.query, self.guards.operation.max_tokens).operation(
            request_data.operation_name
        )
        return isinstance(chosen, OperationDefinitionNode) and chosen.operation is OperationType.SUBSCRIPTION

    def _mutation(self, request_data: Any) -> ReadyMutation | None:
        if self.mutations is None:
            return None
        return self.mutations.prepare(request_data.query, request_data.operation_name, request_data.variables)

    def _compiled(self, request_data: Any) -> Ready | None:
        if self.compiled is None:
            return None
        return self.compiled.prepare(request_data.query, request_data.operation_name, request_data.variables)

    async def _compiled_result(
        self, ready: Ready, context: Context, execute: Callable[[str], Awaitable[ExecutionResult]]
    ) -> ExecutionResult | None:
        """The answer of a compiled read: one statement, shaped without resolvers, and the root
        fields outside the model from the executor (`execute`, given the text of its part). On a
        failure of the statement the executor answers it all instead, so errors carry the
        executor's paths and codes."""
        try:
            data = await context.services.catalogue.compiled(
                ready.text, {**ready.params, **context.loaders.visibility.params()}
            )
        except DatabaseUnavailable:
            raise
        except Exception:
            return None
        answered = ready.shape(data)
        if ready.rest is None:
            return ExecutionResult(data=answered, errors=None)
        rest = await execute(ready.rest)
        if rest.data is None:  # a non-null root field failed: the whole answer is null
            return rest
        return ExecutionResult(data=ready.merge(answered, rest.data), errors=rest.errors)

    def _timed_out(self, request: Any, sub_response: Any) -> ExecutionResult:
        # Out of time while Neo4j is known to be down: that, not the operation, is the reason.
        if request.app.state.db.reachability.down:
            return unavailable(sub_response)
        return _refusal(
            f"the operation ran past its limit of {self.guards.timeout_seconds:g} s; ask for less",
            code="TIMEOUT",
        )

    async def render_graphql_ide(self, request: Any) -> HTMLResponse:
        """GraphiQL from the hub's own pinned assets (hub/explorer/), never from a CDN: it works
        on networks without internet access."""
        return HTMLResponse(GRAPHIQL_PAGE.read_text(encoding="utf-8"))

    def encode_json(self, data: object) -> bytes:
        """Responses through orjson: a page of 100 encodes several times faster than with json."""
        return orjson.dumps(data)

    async def execute_operation(
        self,
        request: Any,
        request_adapter: Any,
        request_data: Any,
        context: Context,
        root_value: Any,
        sub_response: Any,
    ) -> Any:
        result = await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )
        if (
            isinstance(result, ExecutionResult)
            and http_protocol.is_request_error(result)
            and sub_response.status_code is None
            and http_protocol.wants_graphql_response(request)
        ):
            sub_response.status_code = 400
        return result

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = [shaped(e) for e in result.errors]
            for error in result.errors:
                note(request, code=str((error.extensions or {}).get("code", "UNKNOWN")))
        response = await super().process_result(request, result)
        return http_protocol.without_data(response) if http_protocol.is_request_error(result) else response

    async def parse_http_body(self, request: Any) -> GraphQLRequestData:
        if request.method == "GET":
            return http_protocol.query_string_request(request.query_params)
        return http_protocol.body_request(request.content_type, await request.get_body())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except HTTPException as refused:
            response = http_protocol.error_response(refused.status_code, refused.reason)
        await http_protocol.labelled(request, response)(scope, receive, send)

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        """A subscriber authenticates in `connection_init`, with the credentials HTTP takes:
        `{"Authorization": "Bearer <API key or token>"}` as its payload. Refused: closed 4403."""
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        authorization = params.get("Authorization") or params.get("authorization")
        authenticator: Authenticator = context.request.app.state.authenticator
        try:
            async with asyncio.timeout(self.guards.timeout_seconds):
                context.principal = await authenticator.principal(
                    authorization if isinstance(authorization, str) else None
                )
        except (AuthenticationError, DatabaseUnavailable, TimeoutError) as refused:
            reason = (
                str(refused)
                if isinstance(refused, AuthenticationError)
                else "the hub cannot check credentials now"
            )
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED", "message": reason}) from None
        context.loaders.visibility = visibility(context.principal)
        granted = context.principal
        credentials = authorization if isinstance(authorization, str) else None

        async def still_authenticated() -> bool:
            # The verified-key cache answers without Neo4j; a key revoked since connection_init
            # fails here within the cache's lifetime (at once when Redis shares revocations).
            try:
                async with asyncio.timeout(self.guards.timeout_seconds):
                    current = await authenticator.principal(credentials)
            except AuthenticationError:
                return False
            except (DatabaseUnavailable, TimeoutError):
                return True  # cannot tell now: the events already flowing from Neo4j say it is up
            return current == granted

        context.still_authenticated = still_authenticated
        return None

    async def get_context(self, request: Any, response: Any) -> Context:
        services: Services = request.app.state.services
        PAGE_LIMIT.set(self.guards.max_page_size)  # for this operation's resolvers and plan
        return Context(
            services=services, loaders=Loaders(services.catalogue), request=request, response=response
        )
