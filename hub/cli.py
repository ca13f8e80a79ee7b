"""The `hub` command. Thin: each command calls a service and reports."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from hub.db.connect import open_database
from hub.db.database import Database
from hub.db.migrations import apply_schema
from hub.db.repositories.api_keys import list_keys
from hub.db.server import ManagedNeo4j
from hub.domain.enums import Role
from hub.errors import AuthenticationError, HubError
from hub.observe.logs import configure_logging
from hub.observe.metrics import shared_between_workers
from hub.security.api_keys import ApiKeys
from hub.security.revocations import Revocations
from hub.seeds.loading import DEFAULT_SEED_DIR, graph_counts, load_seed_dir, load_synthetic, refit_matchmaking
from hub.settings import Settings

T = TypeVar("T")

app = typer.Typer(
    help="Fintech Integration Hub: GraphQL over a Neo4j graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The Neo4j server the hub manages.", no_args_is_help=True)
schema_app = typer.Typer(help="The graph and GraphQL schemas.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(schema_app, name="schema")
keys_app = typer.Typer(
    help="API keys for partner portals, analysts, regulators and admins.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")

out = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            err.print(f"[red]setting {'.'.join(map(str, error['loc']))}: {error['msg']}[/red]")
        raise typer.Exit(2) from None


def _say(message: str, highlight: bool = True) -> None:
    out.print(message, highlight=highlight, soft_wrap=not highlight)


def _with_db(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    async def run() -> T:
        db = open_database(settings)
        try:
            await db.ping()
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(run())


def _ensure_server(settings: Settings) -> None:
    if settings.uses_managed_server:
        ManagedNeo4j(settings).start(_say)


@db_app.command("fetch")
def db_fetch() -> None:
    """Download the pinned Neo4j Community server into the cache (once)."""
    ManagedNeo4j(_settings()).install(_say)


@db_app.command("start")
def db_start() -> None:
    """Fetch (once), configure and start the local Neo4j; wait until Bolt answers."""
    settings = _settings()
    if not settings.uses_managed_server:
        _say(f"NEO4J_URI is set ({settings.neo4j_uri}): the hub uses that server and starts none.")
        return
    connection = ManagedNeo4j(settings).start(_say)
    _say(f"[green]ready[/green] at {connection.uri} (password in {ManagedNeo4j(settings).password_file})")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the local Neo4j cleanly; its data stays."""
    ManagedNeo4j(_settings()).stop(_say)


@db_app.command("status")
def db_status() -> None:
    """Whether the local Neo4j runs, where, and where its data lives."""
    status = ManagedNeo4j(_settings()).status()
    state = (
        f"[green]running[/green] (pid {status.pid}, bolt://127.0.0.1:{status.port})"
        if status.running
        else "[yellow]stopped[/yellow]"
    )
    _say(f"Neo4j {status.version}: {state}\n  data: {status.data_dir}")
    if not status.running:
        raise typer.Exit(3)


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply schema/constraints.cypher and label nodes by their mirrored values (idempotent)."""
    settings = _settings()
    configure_logging(settings.effective_log_format, settings.log_level)  # the relabelling's line
    count = _with_db(settings, apply_schema)
    _say(f"{count} constraint and index statements applied")


@app.command("seed")
def seed(
    directory: Annotated[Path, typer.Option("--dir", help="Folder of seed files.")] = DEFAULT_SEED_DIR,
    synthetic: Annotated[int | None, typer.Option(help="Generate N synthetic organisations instead.")] = None,
    seed_value: Annotated[int, typer.Option("--seed", help="Random seed of the synthetic graph.")] = 1,
) -> None:
    """Load the seed ecosystem (validated, one transaction), or a synthetic one (batched)."""
    settings = _settings()

    async def work(db: Database) -> None:
        await apply_schema(db)
        started = time.perf_counter()
        if synthetic is None:
            _say(f"Validating and loading {directory} ...")
            written = await load_seed_dir(db, directory)
        else:
            written = await _synthetic(db, synthetic, seed_value)
        elapsed = time.perf_counter() - started
        _say("Fitting the matchmaking models on the graph's history ...")
        for m in await refit_matchmaking(db):
            scores = (
                f"validation Hits@10 {m.validation_hits10:.3f}" if m.validation_hits10 is not None else ""
            )
            _say(f"  {m.query.value:<14} {m.status:<7} {scores} {m.note}", highlight=False)
        counts = await graph_counts(db)
        _say(f"[green]{written} rows written in {elapsed:.1f}s[/green]; graph now holds:")
        for name, count in sorted(counts.items()):
            _say(f"  {name:<40} {count:>10}")

    _with_db(settings, work)


async def _synthetic(db: Database, n: int, seed_value: int) -> int:
    _say(f"Generating a synthetic ecosystem of {n} organisations (seed {seed_value}) ...")
    with Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=out,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(table, total=total)
            bar.update(tasks[table], completed=done)

        return await load_synthetic(db, n, seed_value, progress=progress)


@keys_app.command("create")
def keys_create(
    role: Annotated[Role, typer.Option(case_sensitive=False, help="PARTNER, ANALYST, REGULATOR or ADMIN.")],
    org: Annotated[str | None, typer.Option(help="The organisation's id (required for PARTNER).")] = None,
    name: Annotated[str, typer.Option(help="A note to recognise the key by.")] = "",
) -> None:
    """Issue a key. It is printed once and stored only as a hash."""
    issued = _with_db(_settings(), lambda db: ApiKeys(db).create(role, org, name))
    _say(f"key id {issued.key_id} ({role.value}{' for ' + org if org else ''}); send it as")
    _say(f"  Authorization: Bearer {issued.key}", highlight=False)
    _say("It is not shown again.")


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id, as `hub keys list` shows.")],
) -> None:
    """Revoke a key; requests with it are refused from now on."""
    settings = _settings()

    async def revoke(db: Database) -> bool:
        revocations = Revocations(settings.redis_url) if settings.redis_url else None
        try:  # with Redis, every replica refuses the key from its next request on
            return await ApiKeys(db, revocations).revoke(key_id)
        finally:
            if revocations is not None:
                await revocations.close()

    if _with_db(settings, revoke):
        _say(f"revoked {key_id}")
    else:
        err.print(f"[red]no active key with id {key_id!r}[/red]")
        raise typer.Exit(1)


@keys_app.command("list")
def keys_list() -> None:
    """The keys issued, without their secrets."""
    rows = _with_db(_settings(), lambda db: list_keys(db))
    table = Table("id", "role", "organisation", "name", "created", "revoked")
    for r in rows:
        table.add_row(
            r["id"],
            r["role"],
            r["organisationId"] or "",
            r["name"] or "",
            r["createdAt"],
            r["revokedAt"] or "",
        )
    out.print(table)


def _dev_admin_key(settings: Settings) -> str:
    """The development admin key of this hub home, issued on first use (git-ignored file)."""
    path = settings.home / "dev-admin-key"

    async def work(db: Database) -> str:
        keys = ApiKeys(db)
        if path.exists():
            key = path.read_text().strip()
            try:
                await keys.verify(key)
                return key
            except AuthenticationError:
                pass
        issued = await keys.create(Role.ADMIN, None, "development admin key (hub up)")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(issued.key + "\n")
        path.chmod(0o600)
        return issued.key

    return _with_db(settings, work)


@app.command("eval")
def evaluate(
    family: Annotated[
        bool,
        typer.Option(
            "--family",
            help="Evaluate on the family of synthetic ecosystems, then the seed graph, each loaded in "
            "turn into the database: REPLACES ITS GRAPH (needs --replace-graph; use a separate HUB_HOME).",
        ),
    ] = False,
    replace_graph: Annotated[
        bool, typer.Option("--replace-graph", help="Confirms --family may wipe.")
    ] = False,
    split: Annotated[str, typer.Option(help="test (newest 15 %) or validation (the 15 % before).")] = "test",
    institutions: Annotated[int, typer.Option(min=20, help="Institutions per synthetic graph.")] = 800,
    techs: Annotated[int, typer.Option(min=20, help="Tech enterprises per synthetic graph.")] = 1200,
    random_mixes: Annotated[int, typer.Option(min=0, help="Random mixes besides each mechanism alone.")] = 3,
    max_parties: Annotated[int, typer.Option(min=1, help="Parties evaluated per query (sampled).")] = 300,
    seed_value: Annotated[int, typer.Option("--seed", help="Random seed of the family.")] = 1,
    out_json: Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON.")] = None,
) -> None:
    """Time-split evaluation of the three recommendation queries against six baselines."""
    import json

    from hub.services.matchmaking.evaluation import GraphReport, markdown, summary
    from hub.services.matchmaking.family import FamilySize, evaluate_current, run_family

    if split not in ("test", "validation"):
        err.print("[red]--split: expected test or validation[/red]")
        raise typer.Exit(2)
    if family and not replace_graph:
        err.print("[red]--family replaces the database's graph: add --replace-graph to confirm[/red]")
        raise typer.Exit(2)
    settings = _settings()

    async def work(db: Database) -> None:
        if family:
            size = FamilySize(institutions, techs, random_mixes=random_mixes, max_parties=max_parties)

            def measured(report: GraphReport) -> None:
                out.print(markdown([report]), highlight=False, soft_wrap=True)
                if out_json is not None:
                    with out_json.with_suffix(".partial.jsonl").open("a") as partial:
                        partial.write(json.dumps(report.as_json()) + "\n")

            reports = await run_family(db, size, split, seed_value, progress=lambda m: _say(m), done=measured)
        else:
            reports = [await evaluate_current(db, "current graph", "as loaded", split, max_parties)]
        if not family:
            out.print(markdown(reports), highlight=False, soft_wrap=True)
        out.print(summary(reports), highlight=False, soft_wrap=True)
        if out_json is not None:
            out_json.write_text(json.dumps([r.as_json() for r in reports], indent=1))

    _with_db(settings, work)


@schema_app.command("export")
def schema_export(
    path: Annotated[Path, typer.Option(help="Where to write the SDL.")] = Path("schema/schema.graphql"),
) -> None:
    """Write the GraphQL SDL of the code to schema/schema.graphql."""
    from hub.graphql.schema import sdl

    path.write_text(sdl(), encoding="utf-8")
    _say(f"wrote {path}")


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    migrate: Annotated[
        bool,
        typer.Option(help="Apply the graph schema first (off where a deploy step runs `hub db migrate`)."),
    ] = True,
) -> None:
    """Serve the GraphQL API with uvicorn (starting the managed Neo4j if needed)."""
    settings = _settings()
    _ensure_server(settings)
    if migrate:  # once here, not in each of the workers uvicorn starts
        _with_db(settings, apply_schema)
    _serve(settings, host, port)


# uvicorn kills a worker that does not answer its supervisor's ping within this, and starts
# another. A worker answers once it has imported the hub, which took longer than uvicorn's 5 s on
# this shared 2-core machine: the second of HUB_WORKERS=2 was killed and restarted every 5.5 s and
# never served (tests/process/test_worker_metrics.py).
WORKER_HEALTHCHECK_SECONDS = 60
ONE_WRITE_HTTP = "hub.http.one_write:OneWriteHTTP"


def _serve(settings: Settings, host: str | None, port: int | None) -> None:
    import uvicorn

    # The same configuration in this process and in every worker uvicorn starts; the hub writes
    # its own access lines (with the request id), so uvicorn's are off.
    log_config = configure_logging(settings.effective_log_format, settings.log_level)
    # With several workers, /metrics sums what each counted, whichever of them answers the scrape.
    with shared_between_workers(settings.workers):
        uvicorn.run(
            "hub.app:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=settings.workers,
            log_config=log_config,
            access_log=False,
            http=ONE_WRITE_HTTP,  # each response in one socket write (hub/http/one_write.py)
            # On SIGTERM uvicorn stops accepting and lets requests finish, but a long export would
            # hold the exit indefinitely: past the grace period the remaining ones are cut off.
            timeout_graceful_shutdown=settings.shutdown_grace_seconds,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        )


@app.command("up")
def up() -> None:
    """Everything for a first look: start Neo4j, apply the schema, load the seeds, serve."""
    settings = _settings()
    _ensure_server(settings)
    seed(DEFAULT_SEED_DIR, None, 1)
    if not settings.production:
        _dev_admin_key(settings)
        _say(
            f"Every request needs a key. A development ADMIN key is in {settings.home / 'dev-admin-key'}:\n"
            f'  curl -H "Authorization: Bearer $(cat {settings.home / "dev-admin-key"})" ...'
        )
    base = f"http://{settings.host}:{settings.port}"
    _say(
        f"GraphQL at {base}/graphql, the explorer at {base}/explorer/ (paste the key there)\n"
        "Ctrl-C stops the hub; `hub db stop` stops Neo4j."
    )
    serve(None, None, migrate=False)  # seeding applied it


def main() -> None:
    try:
        app()
    except HubError as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(1)


@app.command("worker")
def worker() -> None:
    """Deliver webhooks (and prune old events) until stopped: run one or more beside the API."""
    import signal

    from hub.services.webhook_worker import WebhookWorker

    settings = _settings()
    _ensure_server(settings)

    async def run() -> None:
        db = open_database(settings, timeout=settings.operation_timeout_seconds)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        delivering = WebhookWorker(db, settings)
        try:
            await apply_schema(db)
            _say("delivering webhooks; Ctrl-C stops")
            await delivering.run(stop)
        finally:
            await delivering.close()
            await db.close()

    asyncio.run(run())
