"""One access line and the request metrics per HTTP request, under a request id.

The id is the caller's `X-Request-Id` when it is a plain token (a load balancer's or a client's
id, so a request can be followed across systems), a new one otherwise; it is echoed in the
response's `X-Request-Id` and bound to every log line written while the request runs.

A request still running when the shutdown's grace period ends is cancelled by uvicorn; its access
line then says so (outcome CUT_OFF, a warning) instead of passing for a complete answer. If its
answer had not started, the client gets 503 SHUTTING_DOWN with `Retry-After`; if it had (a
streamed export), the connection closes and the body breaks off.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.http.failures import error_response
from hub.observe import metrics
from hub.observe.exchange import CLIENT_CLOSED_STATUS, Exchange
from hub.observe.tracing import TRACING_OFF, Tracing

log = logging.getLogger("hub.access")

HEADER = "x-request-id"
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
CUT_OFF = "CUT_OFF"
SHUTDOWN_RETRY_AFTER_SECONDS = 1
_ROUTES = ("/graphql", "/export", "/explorer", "/metrics", "/healthz", "/readyz")


def request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == HEADER.encode():
            given: str = value.decode("latin-1")
            if _ACCEPTED_ID.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


def route_label(path: str) -> str:
    """A bounded label: the route the path falls under, `other` for anything else."""
    return next((r for r in _ROUTES if path == r or path.startswith(r + "/")), "other")


class AccessLog:
    def __init__(self, app: ASGIApp, tracing: Tracing = TRACING_OFF) -> None:
        self.app = app
        self.tracing = tracing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exchange = Exchange(request_id(scope))
        scope.setdefault("state", {})["exchange"] = exchange
        status = 500  # if the answer never starts, the server's answer is a 500
        answering = False

        async def tagged(message: Message) -> None:
            nonlocal status, answering
            if message["type"] == "http.response.start":
                status = message["status"]
                answering = True
                MutableHeaders(scope=message)["X-Request-Id"] = exchange.request_id
            await send(message)

        started = time.perf_counter()
        cut_off = False
        with (
            self.tracing.request(scope, exchange.request_id) as span,
            structlog.contextvars.bound_contextvars(
                request_id=exchange.request_id, **_trace_id(self.tracing.trace_id())
            ),
        ):
            try:
                await self.app(scope, receive, tagged)
            except asyncio.CancelledError:
                # Only the server cancels a request's task: at shutdown, past the grace period.
                cut_off = True
                if answering:
                    raise  # the server closes the connection: the client sees the body break off
                # Nothing sent yet: a retryable answer rather than the server's bare 500 (behind
                # a load balancer, the retry reaches another replica). The cancellation ends here.
                await _shutting_down(scope, receive, tagged)
            finally:
                if exchange.client_closed and not answering:
                    status = CLIENT_CLOSED_STATUS
                outcome = _record(scope, exchange, status, time.perf_counter() - started, cut_off)
                self.tracing.responded(span, status, outcome)


def _trace_id(trace_id: str | None) -> dict[str, str]:
    """The trace id for every line of the request's log, when tracing is on."""
    return {} if trace_id is None else {"trace_id": trace_id}


async def _shutting_down(scope: Scope, receive: Receive, send: Send) -> None:
    response = error_response(
        503,
        "the hub is shutting down and stopped this operation before it finished; retry it",
        "SHUTTING_DOWN",
        retryAfter=SHUTDOWN_RETRY_AFTER_SECONDS,
    )
    response.headers["Retry-After"] = str(SHUTDOWN_RETRY_AFTER_SECONDS)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)


def _record(scope: Scope, exchange: Exchange, status: int, seconds: float, cut_off: bool = False) -> str:
    """Writes the access line and counts the request in the metrics; returns its outcome."""
    route = route_label(scope["path"])
    outcome = CUT_OFF if cut_off else exchange.outcome(status)
    operation = metrics.operation_label(exchange.operation)
    metrics.REQUESTS.labels(route, operation, outcome).inc()
    metrics.LATENCY.labels(route).observe(seconds)
    for code in exchange.codes:
        metrics.ERRORS.labels(operation, code).inc()
    if "RATE_LIMITED" in exchange.codes:
        metrics.RATE_LIMITED.labels(route).inc()
    if "OVERLOADED" in exchange.codes:
        metrics.SHED.inc()
    if exchange.cost is not None:
        metrics.COST.observe(exchange.cost)
    log.log(
        logging.WARNING if cut_off else logging.INFO,
        "%s %s %d %s %.1f ms" + (" (cut off by shutdown)" if cut_off else ""),
        scope["method"],
        scope["path"],
        status,
        outcome,
        seconds * 1000,
        extra={
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "caller": exchange.caller,
            "operation": exchange.operation,
            "cost": exchange.cost,
            "duration_ms": round(seconds * 1000, 2),
            "outcome": outcome,
        },
    )
    return outcome
