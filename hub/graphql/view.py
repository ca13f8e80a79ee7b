"""The GraphQL endpoint: Strawberry's ASGI view with the hub's guards around each operation.

Before an operation runs: the caller is authenticated (401 UNAUTHENTICATED otherwise), its cost is computed and refused above the limit, and the caller's
rate-limit points are spent (its cost, in points per minute). While it runs: a wall-clock
timeout. After: errors shaped (codes, no internals) and the cost reported in `extensions`.
"""

from __future__ import annotations

import asyncio
import functools
import math
import time
from dataclasses import dataclass
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import DocumentNode, GraphQLError, parse
from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from hub.domain.text import refused_character
from hub.errors import AuthenticationError, DatabaseUnavailable
from hub.graphql.compiled.operations import CompiledReads, Ready
from hub.graphql.context import Context, Services
from hub.graphql.cost import operation_cost
from hub.graphql.errors import shaped
from hub.graphql.loaders import Loaders
from hub.graphql.outage import database_unreachable, mark_unavailable, unavailable
from hub.security.authenticate import Authenticator
from hub.security.policy import visibility


@functools.lru_cache(maxsize=256)
def _parsed(query: str) -> DocumentNode:
    """Parsed operations, remembered by their text: clients send the same few again and again."""
    return parse(query, max_tokens=100_000)


@dataclass(frozen=True, slots=True)
class Guards:
    max_cost: int
    points_per_minute: int
    timeout_seconds: float


def _refusal(message: str, **extensions: Any) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions=extensions)])


class HubGraphQL(GraphQL[Context, None]):
    def __init__(
        self, schema: Schema, guards: Guards, compiled: CompiledReads | None = None, **options: Any
    ) -> None:
        super().__init__(schema, **options)
        self.guards = guards
        self.compiled = compiled
        self.graphql_schema = schema._schema
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.rate = RateLimitItemPerMinute(guards.points_per_minute)

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
        cost = self._cost(request_data)
        limits = {"requested": cost, "limit": self.guards.max_cost}
        if cost is not None and cost > self.guards.max_cost:
            return _refusal(
                f"query cost {cost} is above the limit of {self.guards.max_cost}: "
                "ask for fewer items per page or nest fewer connections",
                code="QUERY_TOO_COMPLEX",
                cost=limits,
            )
        principal = context.principal.subject
        if not await self.limiter.hit(self.rate, principal, cost=max(cost or 1, 1)):
            stats = await self.limiter.get_window_stats(self.rate, principal)
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
            sub_response.status_code = 429
            sub_response.headers["Retry-After"] = str(retry_after)
            return _refusal(
                f"rate limit of {self.guards.points_per_minute} points per minute reached; "
                f"retry after {retry_after} s",
                code="RATE_LIMITED",
                retryAfter=retry_after,
            )
        ready = self._compiled(request_data)
        try:
            async with asyncio.timeout_at(deadline):
                result = await self._compiled_result(ready, context) if ready else None
                if result is None:
                    result = await super().execute_single(
                        request, request_adapter, sub_response, context, root_value, request_data
                    )
        except TimeoutError:
            return self._timed_out(request, sub_response)
        except HTTPException as exc:
            # GraphQL over HTTP: a mutation sent with GET is 405 Method Not Allowed, not 400.
            if request_adapter.method == "GET" and isinstance(exc.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, exc.reason) from exc
            raise
        if database_unreachable(result):
            mark_unavailable(sub_response)
        if cost is not None:
            result.extensions = {**(result.extensions or {}), "cost": limits}
        return result

    def encode_json(self, data: object) -> bytes:
        """Responses through orjson: a page of 100 encodes several times faster than with json."""
        return orjson.dumps(data)

    def _compiled(self, request_data: Any) -> Ready | None:
        if self.compiled is None or not request_data.query:
            return None
        return self.compiled.prepare(request_data.query, request_data.operation_name, request_data.variables)

    async def _compiled_result(self, ready: Ready, context: Context) -> ExecutionResult | None:
        """The answer of a compiled read: one statement, shaped without resolvers. On a failure
        the executor answers instead, so errors carry the executor's paths and codes."""
        try:
            data = await context.services.catalogue.compiled(
                ready.text, {**ready.params, **context.loaders.visibility.params()}
            )
        except Exception:
            return None
        return ExecutionResult(data=ready.shape(data), errors=None)

    def _timed_out(self, request: Any, sub_response: Any) -> ExecutionResult:
        # Out of time while Neo4j is known to be down: that, not the operation, is the reason.
        if request.app.state.db.reachability.down:
            return unavailable(sub_response)
        return _refusal(
            f"the operation ran past its limit of {self.guards.timeout_seconds:g} s; ask for less",
            code="TIMEOUT",
        )

    def _cost(self, request_data: Any) -> int | None:
        """The operation's cost, or None when its text does not parse (validation reports that)."""
        try:
            document = _parsed(request_data.query or "")
        except GraphQLError:
            return None
        return operation_cost(
            self.graphql_schema, document, request_data.operation_name, request_data.variables
        )

    async def process_result(self, request: Any, result: ExecutionResult) -> Any:
        if result.errors:
            result.errors = [shaped(e) for e in result.errors]
        return await super().process_result(request, result)

    async def get_context(self, request: Any, response: Any) -> Context:
        services: Services = request.app.state.services
        return Context(
            services=services, loaders=Loaders(services.catalogue), request=request, response=response
        )
