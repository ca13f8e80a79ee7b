"""Traces of each request: a span for the HTTP request, one for its GraphQL execution (the executor
or the compiled one-statement path) and one per Neo4j statement, exported over OTLP/HTTP when
HUB_OTLP_ENDPOINT is set (hub/observe/otlp.py).

Off (the default), this module is all there is: nothing of OpenTelemetry is imported, and each
place that would open a span gets one shared do-nothing context manager (a method call and an
empty `with`, a fraction of a microsecond beside a Neo4j round trip of a millisecond or more).
"""

from __future__ import annotations

import contextlib
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.types import Scope

NO_SPAN: AbstractContextManager[None] = contextlib.nullcontext()  # shared: it holds no state


class Tracing:
    """Tracing off. OtlpTracing (hub/observe/otlp.py) overrides each method when it is on."""

    enabled = False

    def request(self, scope: Scope, request_id: str) -> AbstractContextManager[Any]:
        """The span of one HTTP request (the root of its trace, or a child of the caller's
        `traceparent`); inside it, `trace_id()` names the trace."""
        return NO_SPAN

    def trace_id(self) -> str | None:
        """The current trace's id (32 hex digits), for log lines."""
        return None

    def responded(self, span: Any, status: int, outcome: str) -> None:
        """Records the answer on the request's span."""

    def graphql(self, path: str, operation: str | None) -> AbstractContextManager[Any]:
        """The span of a GraphQL execution; `path` is "executor" or "compiled"."""
        return NO_SPAN

    def statement(self, mode: str, query: str, database: str) -> AbstractContextManager[Any]:
        """The span of one Neo4j statement (or of a whole transaction, mode "transaction"):
        its name or text, never its parameters."""
        return NO_SPAN

    def shutdown(self) -> None:
        """Sends the spans not yet exported (at the end of the lifespan)."""


TRACING_OFF = Tracing()


def tracing_for(endpoint: str | None, service_instance: str) -> Tracing:
    """Tracing exported to `endpoint` (an OTLP/HTTP base URL), or off without one."""
    if endpoint is None:
        return TRACING_OFF
    from hub.observe.otlp import OtlpTracing  # only now: off, OpenTelemetry is never imported

    return OtlpTracing(endpoint, service_instance)
