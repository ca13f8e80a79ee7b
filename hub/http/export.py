"""GET /export/{nodes.csv,edges.csv,graph.graphml}: a filtered subgraph, streamed.

Same credentials as the GraphQL API (`Authorization: Bearer ...`); analysts, regulators and admins
only. Hidden partnerships stay hidden, as everywhere. Bad filters get a 400 naming each one, before
anything is streamed; so is Neo4j being unreachable (503, see hub/http/bounded.py).

Exports draw on the caller's rate-limit budget shared with /graphql (hub/rate_limit.py): one point
per organisation the filter selects (the edges exported are among them), at least 1 and at most
the largest cost /graphql accepts (HUB_MAX_QUERY_COST), so a whole large graph is charged like the
largest operation. A caller streams at most HUB_MAX_EXPORTS_PER_CALLER exports at once. Both
refusals are 429 with `Retry-After`.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from hub.admission import PerCaller
from hub.domain.wording import with_article
from hub.errors import AuthenticationError, UserInputError
from hub.http.bounded import started
from hub.http.failures import error_response
from hub.observe.exchange import note
from hub.rate_limit import RateLimit, RateLimited
from hub.security.authenticate import Authenticator
from hub.security.policy import Action, allowed, visibility
from hub.services.export import Exporter, ExportFormat, parse_filter

BUSY_RETRY_AFTER_SECONDS = 5
"""What a caller already streaming its share of exports is told: exports last seconds, not less."""


def _error(status: int, code: str, message: str, **extra: object) -> JSONResponse:
    """An export's refusal, in the shape of every other error of the hub (a GraphQL error list,
    as /graphql and the 503s and 500s of every route answer), so a client reads one shape."""
    return error_response(status, message, code, **extra)


def _retry_later(code: str, message: str, retry_after: int) -> JSONResponse:
    response = _error(429, code, message, retryAfter=retry_after)
    response.headers["Retry-After"] = str(retry_after)
    return response


class _HeldStream(StreamingResponse):
    """A streamed export that gives its caller's slot back however the stream ends: finished,
    failed, or abandoned by the client."""

    def __init__(self, *args: object, release: Callable[[], None], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.release = release

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.release()


async def export(request: Request) -> Response:
    try:
        what = ExportFormat(request.path_params["name"])
    except ValueError:
        formats = ", ".join(f.value for f in ExportFormat)
        return _error(404, "NOT_FOUND", f"no such export; there are {formats}")
    authenticator: Authenticator = request.app.state.authenticator
    try:
        principal = await authenticator.principal(request.headers.get("authorization"))
    except AuthenticationError as refused:
        response = _error(401, "UNAUTHENTICATED", str(refused))
        response.headers["WWW-Authenticate"] = 'Bearer realm="fintech-hub"'
        return response
    if not allowed(principal, Action.ANALYSE_NETWORK):
        return _error(403, "FORBIDDEN", f"{with_article(principal.role)} may not {Action.ANALYSE_NETWORK}")
    exporter = Exporter(request.app.state.db)
    try:
        chosen = parse_filter(request.query_params.multi_items())
        await exporter.check(chosen)
    except UserInputError as bad:
        problems = [{"parameter": e.field, "message": e.message, "code": e.code} for e in bad.errors]
        return _error(400, "BAD_USER_INPUT", str(bad), problems=problems)
    streams: PerCaller = request.app.state.exports
    caller = principal.subject
    note(request, caller=caller)
    if not streams.enter(caller):
        note(request, code="TOO_MANY_EXPORTS")
        return _retry_later(
            "TOO_MANY_EXPORTS",
            f"at most {streams.limit} exports at once per caller, and {streams.held(caller)} are "
            f"streaming; retry after {BUSY_RETRY_AFTER_SECONDS} s or once one has ended",
            BUSY_RETRY_AFTER_SECONDS,
        )
    rate_limit: RateLimit = request.app.state.rate_limit
    try:
        points = min(await exporter.size(chosen), request.app.state.settings.max_query_cost)
        await rate_limit.spend(caller, points)
        chunks = await started(exporter.export(what, chosen, visibility(principal)))
    except RateLimited as limited:
        streams.leave(caller)
        note(request, code="RATE_LIMITED")
        return _retry_later("RATE_LIMITED", str(limited), limited.retry_after)
    except BaseException:
        streams.leave(caller)
        raise
    return _HeldStream(
        chunks,
        media_type=what.media_type,
        headers={"Content-Disposition": f'attachment; filename="fintech-hub-{what.value}"'},
        release=lambda: streams.leave(caller),
    )
