"""One access line and the request metrics per HTTP request, under a request id.

The id is the caller's `X-Request-Id` when it is a plain token (a load balancer's or a client's
id, so a request can be followed across systems), a new one otherwise; it is echoed in the
response's `X-Request-Id` and bound to every log line written while the request runs.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.observe import metrics
from hub.observe.exchange import Exchange

log = logging.getLogger("hub.access")

HEADER = "x-request-id"
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
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
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exchange = Exchange(request_id(scope))
        scope.setdefault("state", {})["exchange"] = exchange
        status = 500  # if the answer never starts, the server's answer is a 500

        async def tagged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-Id"] = exchange.request_id
            await send(message)

        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(request_id=exchange.request_id):
            try:
                await self.app(scope, receive, tagged)
            finally:
                _record(scope, exchange, status, time.perf_counter() - started)


def _record(scope: Scope, exchange: Exchange, status: int, seconds: float) -> None:
    route = route_label(scope["path"])
    outcome = exchange.outcome(status)
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
    log.info(
        "%s %s %d %s %.1f ms",
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
