"""Typed settings from the environment. Bad values fail at start, not at first use."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hub.observe.logs import LogFormat

NEO4J_VERSION = "2026.08.1"
"""The pinned Neo4j Community release the hub fetches and manages (runs on Java 21+)."""


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    home: Path = Field(default_factory=lambda: Path.cwd() / ".hub")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # uvicorn worker processes; one per core is the benchmark's choice (bench/profiling.md).
    workers: int = Field(default=1, ge=1, le=64)

    # An existing Neo4j (NEO4J_URI and friends): nothing is downloaded or started.
    neo4j_uri: str | None = Field(default=None, validation_alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER")
    neo4j_password: str | None = Field(default=None, validation_alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")

    # The managed local server.
    neo4j_version: str = NEO4J_VERSION
    neo4j_bolt_port: int = Field(default=7687, ge=1, le=65535)
    neo4j_heap: str = "1g"
    neo4j_pagecache: str = "512m"
    neo4j_cache_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "fintech-hub")
    java_home: Path | None = None

    # Logs: JSON lines in production, readable lines in development, unless set (json, console).
    log_format: LogFormat | None = None
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")

    # OpenTelemetry traces, sent over OTLP/HTTP to this collector (e.g. http://otel-collector:4318;
    # /v1/traces is added); none: tracing is off and costs nothing (docs/operations.md).
    otlp_endpoint: str | None = None

    max_page_size: int = Field(default=100, ge=1, le=1000)
    # Reads the model covers are compiled to one Cypher statement each (off: every read goes
    # through the standard executor, as the differential tests compare).
    compiled_reads: bool = True
    # `updateOrganisation` answered without the executor: the payload read back by the change's
    # statement (off: the executor answers every mutation, as the differential tests compare).
    compiled_mutations: bool = True
    # Protection from abusive operations.
    max_query_depth: int = Field(default=12, ge=2)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=3000, ge=50)
    # Field selections (and, separately, fragment spreads) an operation may hold once its fragments are expanded.
    max_selections: int = Field(default=5000, ge=10)
    max_query_cost: int = Field(default=10_000, ge=1)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # JWT bearer tokens from an identity provider (any one of secret, public key, JWKS file).
    jwt_secret: SecretStr | None = None
    jwt_public_key_file: Path | None = None
    jwt_jwks_file: Path | None = None
    jwt_audience: str = "fintech-hub"
    jwt_issuer: str | None = None

    # How long a verified API key is remembered (a revoked key stops working within this; 0: never).
    api_key_cache_seconds: float = Field(default=30, ge=0)

    # Browser origins allowed to call the API (CORS); none by default.
    cors_origins: list[str] = Field(default_factory=list)

    # Redis shared by replicas (redis://host:port/db): the rate limit and revoked API keys live
    # there. Without it each worker process counts its own budget and remembers keys on its own.
    redis_url: str | None = None
    # Points (query cost) each principal may spend per minute; a refusal says when to retry.
    rate_limit_points_per_minute: int = Field(default=30_000, ge=1)
    # Wall-clock bound of one operation; it also bounds every Neo4j transaction it runs.
    operation_timeout_seconds: float = Field(default=10.0, gt=0)
    # Admission control (hub/admission.py), per worker process: operations run at once, how many
    # more may wait and for how long, and the share of the slots one caller keeps while others
    # wait. Past that, 503 OVERLOADED at once. Defaults measured in bench/results/overload.md.
    max_in_flight: int = Field(default=4, ge=1)
    admission_queue: int = Field(default=8, ge=0)
    admission_wait_ms: int = Field(default=250, ge=0)
    key_share: float = Field(default=0.25, gt=0, le=1)
    # Exports one caller may stream at once (each may last minutes); one more gets 429.
    max_exports_per_caller: int = Field(default=2, ge=1)
    # Event subscriptions one caller may hold open at once, per worker process, over all its
    # websockets (each websocket holds at most 20); one more is refused with TOO_MANY_SUBSCRIPTIONS.
    max_subscriptions_per_caller: int = Field(default=20, ge=1)
    # How long a mutation's Idempotency-Key is remembered (a retry within it never applies it twice).
    idempotency_key_retention_seconds: int = Field(default=24 * 3600, ge=60)
    # Analysts count private (PROPOSED, DECLINED) partnerships only in crowds of one status, kind
    # and month with at least this many distinct proposers and recipients (docs/security.md).
    aggregate_min_crowd: int = Field(default=5, ge=2)
    # How often the API re-ranks each capability's leading providers and seekers (0: never).
    matchmaking_refresh_seconds: int = Field(default=600, ge=0)
    # How often the API re-measures the partnership network (PageRank, betweenness, communities; 0: never).
    network_refresh_seconds: int = Field(default=900, ge=0)
    # How often expired idempotency keys are purged (0: never; a claim treats them as free anyway).
    idempotency_purge_seconds: int = Field(default=3600, ge=0)
    # On SIGTERM, how long requests in flight (a long export, say) may finish before the exit.
    shutdown_grace_seconds: int = Field(default=10, ge=0)
    # Periodic jobs run once per interval across all workers and replicas under a lease in Neo4j;
    # a worker that dies holding one keeps it this long (longer than the slowest run).
    job_lease_seconds: float = Field(default=900, gt=0)
    # The event log (subscriptions, webhooks, `events`): how long events are kept, and how often
    # each process looks for events other processes committed (its own wake it at once).
    event_retention_seconds: int = Field(default=30 * 24 * 3600, ge=3600)
    event_prune_seconds: int = Field(default=3600, ge=0)  # how often they are pruned (0: never)
    event_poll_seconds: float = Field(default=0.5, gt=0, le=60)
    # Webhooks (hub/domain/webhooks.py), delivered by `hub worker`: the key their secrets are
    # sealed with (a Fernet key; else one generated into <home>/webhook-secret-key), the retries
    # (exponential from the base, capped, with jitter, for the window), and when an endpoint is
    # disabled (that many failed attempts in a row).
    webhook_secret_key: SecretStr | None = None
    webhook_retry_base_seconds: float = Field(default=30, gt=0)
    webhook_retry_cap_seconds: float = Field(default=3600, gt=0)
    webhook_retry_window_seconds: float = Field(default=24 * 3600, gt=0)
    webhook_disable_after_failures: int = Field(default=50, ge=1)
    webhook_timeout_seconds: float = Field(default=10, gt=0)
    webhook_poll_seconds: float = Field(default=1.0, gt=0)
    webhook_concurrency: int = Field(default=8, ge=1)
    # After a secret is rotated, deliveries are signed with the old one too for this long (two
    # signatures in webhook-signature), so a receiver switches secrets without refusing any.
    webhook_secret_overlap_seconds: float = Field(default=24 * 3600, ge=0)

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        # The Neo4j server is given paths under the home and runs with its own working
        # directory: a relative HUB_HOME made it create a second store and password beside the
        # one `hub db start` waited for (and then reported it never became ready).
        return value.absolute()

    @field_validator("neo4j_uri")
    @classmethod
    def _uri_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        schemes = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
        if not value.startswith(schemes):
            raise ValueError(f"NEO4J_URI must start with one of {', '.join(schemes)}; got {value!r}")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("redis://", "rediss://")):
            raise ValueError(f"HUB_REDIS_URL must start with redis:// or rediss://; got {value!r}")
        return value

    @field_validator("otlp_endpoint")
    @classmethod
    def _otlp_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"HUB_OTLP_ENDPOINT must be an http:// or https:// URL; got {value!r}")
        return value

    @field_validator("neo4j_password")
    @classmethod
    def _no_placeholder(cls, value: str | None) -> str | None:
        if value is not None and value.strip().lower() in {"", "changeme", "password", "neo4j"}:
            raise ValueError("NEO4J_PASSWORD is empty or a placeholder; set the real password")
        return value

    @property
    def jwt_configured(self) -> bool:
        return bool(self.jwt_secret or self.jwt_public_key_file or self.jwt_jwks_file)

    @property
    def uses_managed_server(self) -> bool:
        return self.neo4j_uri is None

    @property
    def production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @property
    def effective_log_format(self) -> LogFormat:
        if self.log_format is not None:
            return self.log_format
        return LogFormat.JSON if self.production else LogFormat.CONSOLE

    @property
    def neo4j_dir(self) -> Path:
        return self.home / "neo4j"
