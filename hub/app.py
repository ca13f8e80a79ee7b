"""The ASGI application: /graphql, /export, /explorer, /healthz, /readyz, /metrics. The lifespan owns the
Neo4j driver and the schedules that keep derived data fresh."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import os
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from hub.admission import Admission, PerCaller
from hub.db import idempotency
from hub.db.connect import open_database
from hub.db.database import Database
from hub.errors import DatabaseUnavailable
from hub.graphql.analysis import OperationLimits
from hub.graphql.compiled.mutations import CompiledMutations
from hub.graphql.compiled.operations import CompiledReads
from hub.graphql.context import Services
from hub.graphql.schema import Protection, build_schema
from hub.graphql.view import Guards, HubGraphQL
from hub.http.bounded import within_operation_timeout
from hub.http.draining import InFlight, TrackInFlight
from hub.http.export import export
from hub.http.failures import LastResort, database_unavailable, http_refusal
from hub.limits import BodyReadTimeout, BodySizeLimit
from hub.observe.access import AccessLog
from hub.observe.endpoint import metrics_endpoint
from hub.observe.tracing import tracing_for
from hub.rate_limit import RateLimit, storage_for
from hub.security.api_keys import ApiKeys
from hub.security.authenticate import Authenticator
from hub.security.revocations import Revocations
from hub.security.secret_box import SecretBox
from hub.security.tokens import TokenSettings, TokenVerifier
from hub.services.aggregates import Aggregates
from hub.services.awards import AwardService
from hub.services.catalogue import Catalogue
from hub.services.events import EventFeed, EventLog
from hub.services.exploration import Explorer
from hub.services.matchmaking.service import Matchmaker
from hub.services.network.service import NetworkMeasures
from hub.services.organisations import OrganisationService
from hub.services.partnerships import PartnershipService
from hub.services.risk import RiskViews
from hub.services.sandbox import SandboxService
from hub.services.schedule import PeriodicJob, Scheduler
from hub.services.webhooks import WebhookService
from hub.settings import Settings

log = logging.getLogger("hub")

EXPLORER = Path(__file__).parent / "explorer" / "static"


def build_services(db: Database, settings: Settings) -> Services:
    partnerships = PartnershipService(db)
    return Services(
        catalogue=Catalogue(db),
        organisations=OrganisationService(db),
        partnerships=partnerships,
        sandbox=SandboxService(db),
        matchmaker=Matchmaker(db, partnerships),
        awards=AwardService(db),
        risk=RiskViews(db),
        explorer=Explorer(db),
        network=NetworkMeasures(db),
        aggregates=Aggregates(db, settings.aggregate_min_crowd),
        events=EventLog(db),
        feed=EventFeed(db, settings.event_poll_seconds),
        webhooks=WebhookService(
            db,
            SecretBox.from_settings(settings),
            settings.production,
            secret_overlap_seconds=settings.webhook_secret_overlap_seconds,
        ),
    )


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    db: Database = request.app.state.db
    try:
        async with asyncio.timeout(request.app.state.operation_timeout_seconds):
            await db.ping()
    except (DatabaseUnavailable, TimeoutError):
        retry_after = {"Retry-After": str(DatabaseUnavailable.retry_after_seconds)}
        return JSONResponse(
            {"status": "unavailable", "neo4j": "unreachable"}, status_code=503, headers=retry_after
        )
    return JSONResponse({"status": "ready", "neo4j": "reachable"})


def token_verifier(settings: Settings) -> TokenVerifier | None:
    if not settings.jwt_configured:
        return None
    return TokenVerifier(
        TokenSettings(
            audience=settings.jwt_audience,
            secret=settings.jwt_secret.get_secret_value() if settings.jwt_secret else None,
            public_key_file=settings.jwt_public_key_file,
            jwks_file=settings.jwt_jwks_file,
            issuer=settings.jwt_issuer,
        )
    )


def periodic_jobs(
    db: Database, services: Services, settings: Settings, network_first_wait: float
) -> list[PeriodicJob]:
    """What keeps derived data fresh; each runs once per interval across every worker and replica."""
    jobs: list[PeriodicJob] = []
    if every := settings.idempotency_purge_seconds:
        # Forgets idempotency keys past their retention (a claim treats them as free anyway).
        purge = functools.partial(idempotency.purge_expired, db)
        jobs.append(PeriodicJob("idempotency-purge", every, purge, first_wait=every))
    if every := settings.matchmaking_refresh_seconds:
        # Keeps the capabilities' leading providers and seekers fresh after changes.
        jobs.append(PeriodicJob("matchmaking-leaders", every, services.matchmaker.refresh))
    if every := settings.network_refresh_seconds:
        jobs.append(PeriodicJob("network-measures", every, services.network.refresh, network_first_wait))
    if every := settings.event_prune_seconds:
        # Forgets events past their retention (subscriptions and webhooks resume within it).
        prune = functools.partial(services.events.prune, settings.event_retention_seconds)
        jobs.append(PeriodicJob("event-prune", every, prune, first_wait=every))
    return jobs


async def _network_first_wait(services: Services, every: int) -> float:
    """Seconds until the network measures are due: now if never computed or older than `every`."""
    snapshot = await services.network.snapshot()
    if snapshot is None:
        return 0
    age = (datetime.now(UTC) - snapshot.computed_at).total_seconds()
    return max(0.0, every - age)


def _settle_heap() -> None:
    """Moves everything the start-up built (modules, the schema, the settings) out of the cyclic
    garbage collector's sight. Measured under overload (bench/profiling.md): a full collection
    scanned that whole heap every few seconds and paused the event loop 76 ms each time, which
    was the p99 of every refusal and /healthz; it scans only what serving creates now."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> Starlette:
    """The hub. With `database` the caller owns the driver (tests); otherwise the lifespan does."""
    settings = settings or Settings()
    tokens = token_verifier(settings)
    in_flight = InFlight()
    tracing = tracing_for(settings.otlp_endpoint, f"{socket.gethostname()}:{os.getpid()}")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = database or open_database(settings, timeout=settings.operation_timeout_seconds)
        if database is None:
            db.tracing = tracing
        refreshers: list[asyncio.Task[None]] = []
        revocations: Revocations | None = None
        feed: EventFeed | None = None
        try:
            # The schema is applied by `hub db migrate` (run by `hub up`, `hub serve` and deploys),
            # once, not by every worker: the serving account needs no schema rights.
            app.state.db = db
            app.state.operation_timeout_seconds = settings.operation_timeout_seconds
            services = app.state.services = build_services(db, settings)
            revocations = Revocations(settings.redis_url) if settings.redis_url else None
            app.state.authenticator = Authenticator(
                ApiKeys(db, revocations), tokens, settings.api_key_cache_seconds, revocations
            )
            network_wait = (
                await _network_first_wait(services, settings.network_refresh_seconds)
                if settings.network_refresh_seconds
                else 0
            )
            scheduler = Scheduler(db, lease_seconds=settings.job_lease_seconds)
            for job in periodic_jobs(db, services, settings, network_wait):
                refreshers.append(asyncio.create_task(scheduler.run_forever(job)))
            await services.feed.start()
            feed = services.feed
            if database is None:
                _settle_heap()
            yield
        finally:
            # Requests cut off past the grace period are still ending (uvicorn does not wait).
            await in_flight.settle()
            if feed is not None:
                await feed.stop()
            for refresher in refreshers:
                refresher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await refresher
            if revocations is not None:
                await revocations.close()
            if database is None:
                await db.close()
                log.info("Neo4j driver closed")
            tracing.shutdown()  # sends the spans still batched

    protection = Protection(
        max_tokens=settings.max_tokens,
        production=settings.production,
        idempotency_key_retention_seconds=settings.idempotency_key_retention_seconds,
    )
    schema = build_schema(protection)
    # The compiled reads validate with the standard rules only: the depth, alias, size and cost
    # limits are screened before either path runs (hub/graphql/screening.py).
    compiled = (
        CompiledReads(schema._schema, max_tokens=protection.max_tokens) if settings.compiled_reads else None
    )
    compiled_mutations = (
        CompiledMutations(schema, max_tokens=protection.max_tokens) if settings.compiled_mutations else None
    )
    graphql = HubGraphQL(
        schema,
        Guards(
            max_cost=settings.max_query_cost,
            points_per_minute=settings.rate_limit_points_per_minute,
            timeout_seconds=settings.operation_timeout_seconds,
            max_page_size=settings.max_page_size,
            operation=OperationLimits(
                max_tokens=settings.max_tokens,
                max_depth=settings.max_query_depth,
                max_aliases=settings.max_aliases,
                max_selections=settings.max_selections,
            ),
        ),
        compiled,
        compiled_mutations,
        graphql_ide=None if settings.production else "graphiql",
        allow_queries_via_get=True,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        # Browser portals on other origins open subscriptions only from the origins CORS allows.
        allowed_origins=settings.cors_origins,
        max_subscriptions_per_connection=20,
    )
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/export/{name}", within_operation_timeout(export), methods=["GET"]),
        Mount("/explorer", app=StaticFiles(directory=EXPLORER, html=True, check_dir=False), name="explorer"),
    ]
    middleware = [
        Middleware(TrackInFlight, in_flight=in_flight),
        # Outermost but one: the access line and the request metrics see every answer, 500s included.
        Middleware(AccessLog, tracing=tracing),
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"],
            expose_headers=["Retry-After", "Idempotent-Replayed", "X-Request-Id"],
        ),
        Middleware(LastResort),
        Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
        Middleware(BodyReadTimeout, seconds=settings.operation_timeout_seconds),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=middleware,
        exception_handlers={DatabaseUnavailable: database_unavailable, HTTPException: http_refusal},
    )
    app.state.settings = settings
    app.state.tracing = tracing
    # Shared by /graphql and /export: each caller's points per minute (in Redis across replicas
    # when configured, else per worker), and per worker the operations in flight and each
    # caller's exports streaming at once.
    app.state.rate_limit = RateLimit(settings.rate_limit_points_per_minute, storage_for(settings.redis_url))
    app.state.admission = Admission(
        settings.max_in_flight,
        settings.admission_queue,
        settings.admission_wait_ms / 1000,
        settings.key_share,
    )
    app.state.exports = PerCaller(settings.max_exports_per_caller)
    app.state.subscriptions = PerCaller(settings.max_subscriptions_per_caller)
    return app
