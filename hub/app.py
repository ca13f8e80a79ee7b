"""The ASGI application: /graphql, /healthz, /readyz. The lifespan owns the Neo4j driver."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError, parse
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from hub.db.connect import open_database
from hub.db.database import Database
from hub.db.migrations import apply_schema
from hub.errors import DatabaseUnavailable
from hub.graphql.context import Context, Services
from hub.graphql.cost import operation_cost
from hub.graphql.errors import shaped
from hub.graphql.loaders import Loaders
from hub.graphql.schema import Protection, build_schema
from hub.limits import BodySizeLimit
from hub.services.catalogue import Catalogue
from hub.services.matchmaking.service import Matchmaker
from hub.services.organisations import OrganisationService
from hub.services.partnerships import PartnershipService
from hub.services.sandbox import SandboxService
from hub.settings import Settings

log = logging.getLogger("hub")


def build_services(db: Database) -> Services:
    partnerships = PartnershipService(db)
    return Services(
        catalogue=Catalogue(db),
        organisations=OrganisationService(db),
        partnerships=partnerships,
        sandbox=SandboxService(db),
        matchmaker=Matchmaker(db, partnerships),
    )


class HubGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Schema, max_cost: int, **options: Any) -> None:
        super().__init__(schema, **options)
        self.max_cost = max_cost
        self.graphql_schema = schema._schema

    async def execute_single(self, request: Any, request_adapter: Any, *args: Any, **kwargs: Any) -> Any:
        request_data = kwargs.get("request_data") or args[-1]
        cost = self._cost(request_data)
        if cost is not None and cost > self.max_cost:
            refusal = GraphQLError(
                f"query cost {cost} is above the limit of {self.max_cost}: ask for fewer items per page "
                "or nest fewer connections",
                extensions={"code": "QUERY_TOO_COMPLEX", "cost": {"requested": cost, "limit": self.max_cost}},
            )
            return ExecutionResult(data=None, errors=[refusal])
        try:
            result = await super().execute_single(request, request_adapter, *args, **kwargs)
        except HTTPException as exc:
            # GraphQL over HTTP: a mutation sent with GET is 405 Method Not Allowed, not 400.
            if request_adapter.method == "GET" and isinstance(exc.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, exc.reason) from exc
            raise
        if cost is not None and isinstance(result, ExecutionResult):
            result.extensions = {
                **(result.extensions or {}),
                "cost": {"requested": cost, "limit": self.max_cost},
            }
        return result

    def _cost(self, request_data: Any) -> int | None:
        """The operation's cost, or None when its text does not parse (validation reports that)."""
        try:
            document = parse(request_data.query or "", max_tokens=100_000)
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


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    db: Database = request.app.state.db
    try:
        await db.ping()
    except DatabaseUnavailable:
        return JSONResponse({"status": "unavailable", "neo4j": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ready", "neo4j": "reachable"})


async def _refresh_periodically(matchmaker: Matchmaker, every: int) -> None:
    """Keeps the capabilities' leading providers and seekers fresh after changes."""
    while True:
        try:
            await matchmaker.refresh()
        except Exception:  # a failed refresh must not stop the next one
            log.exception("refreshing the matchmaking leaders failed")
        await asyncio.sleep(every)


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> Starlette:
    """The hub. With `database` the caller owns the driver (tests); otherwise the lifespan does."""
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = database or open_database(settings)
        refresher: asyncio.Task[None] | None = None
        try:
            await apply_schema(db)
            app.state.db = db
            app.state.services = build_services(db)
            if settings.matchmaking_refresh_seconds:
                refresher = asyncio.create_task(
                    _refresh_periodically(app.state.services.matchmaker, settings.matchmaking_refresh_seconds)
                )
            yield
        finally:
            if refresher is not None:
                refresher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await refresher
            if database is None:
                await db.close()

    protection = Protection(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        production=settings.production,
    )
    graphql = HubGraphQL(
        build_schema(protection),
        settings.max_query_cost,
        graphql_ide=None if settings.production else "graphiql",
        allow_queries_via_get=True,
    )
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
    ]
    middleware = [Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)]
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
