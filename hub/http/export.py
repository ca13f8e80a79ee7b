"""GET /export/{nodes.csv,edges.csv,graph.graphml}: a filtered subgraph, streamed.

Same credentials as the GraphQL API (`Authorization: Bearer ...`); analysts, regulators and admins
only. Hidden partnerships stay hidden, as everywhere. Bad filters get a 400 naming each one, before
anything is streamed; so is Neo4j being unreachable (503, see hub/http/bounded.py).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from hub.domain.wording import with_article
from hub.errors import AuthenticationError, UserInputError
from hub.http.bounded import started
from hub.security.authenticate import Authenticator
from hub.security.policy import Action, allowed, visibility
from hub.services.export import Exporter, ExportFormat, parse_filter


def _error(status: int, code: str, message: str, **extra: object) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


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
        chosen = parse_filter(request.query_params, request.query_params.getlist("status"))
        await exporter.check(chosen)
    except UserInputError as bad:
        problems = [{"parameter": e.field, "message": e.message, "code": e.code} for e in bad.errors]
        return _error(400, "BAD_USER_INPUT", str(bad), problems=problems)
    return StreamingResponse(
        await started(exporter.export(what, chosen, visibility(principal))),
        media_type=what.media_type,
        headers={"Content-Disposition": f'attachment; filename="fintech-hub-{what.value}"'},
    )
