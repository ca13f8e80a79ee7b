"""GET /metrics: the Prometheus text format, for a key whose role may read the metrics (ADMIN).

Metrics say how busy each caller's operations keep the hub; they are not for every caller.
A scraper sends the key like any client (`authorization: {credentials_file: ...}` in Prometheus).
With PROMETHEUS_MULTIPROC_DIR set (several uvicorn workers), the workers' files are summed.
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from starlette.requests import Request
from starlette.responses import Response

from hub.domain.wording import with_article
from hub.errors import AuthenticationError
from hub.http.failures import error_response
from hub.observe.exchange import note
from hub.security.authenticate import Authenticator
from hub.security.policy import Action, allowed


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


async def metrics_endpoint(request: Request) -> Response:
    authenticator: Authenticator = request.app.state.authenticator
    try:
        principal = await authenticator.principal(request.headers.get("authorization"))
    except AuthenticationError as refused:
        note(request, code="UNAUTHENTICATED")
        response = error_response(401, str(refused), "UNAUTHENTICATED")
        response.headers["WWW-Authenticate"] = 'Bearer realm="fintech-hub"'
        return response
    note(request, caller=principal.subject)
    if not allowed(principal, Action.READ_METRICS):
        note(request, code="FORBIDDEN")
        return error_response(
            403, f"{with_article(principal.role)} may not {Action.READ_METRICS}", "FORBIDDEN"
        )
    return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)
