"""The one door to Neo4j: reads routed as reads, writes in managed transactions, round trips counted."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, LiteralString, Protocol, TypeVar, cast

from neo4j import (
    READ_ACCESS,
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    Query,
    RoutingControl,
    unit_of_work,
)
from neo4j.exceptions import IncompleteCommit, TransientError

from hub.db import idempotency as keys
from hub.db.failures import UNREACHABLE, Reachability, bounded_waits, never_connected
from hub.domain import audit, idempotency
from hub.observe import metrics
from hub.observe.tracing import TRACING_OFF, Tracing

Row = dict[str, Any]

RECORD_AUDIT: LiteralString = "CREATE (a:AuditEntry) SET a = $entry, a.id = randomUUID(), a.at = datetime()"
# The same entry riding on a transaction's first statement (a unit subquery runs once, before the
# statement's own clauses, whatever rows they find): one exchange with the server fewer.
AUDIT_RIDER: LiteralString = (
    "CALL () { CREATE (a:AuditEntry) SET a = $auditEntry, a.id = randomUUID(), a.at = datetime() } "
)
# A change that is one statement writes the request's audit entry itself, in the branch that
# changes something: a refused change writes nothing, and its REFUSED entry is recorded apart.
AUDIT_IN_CHANGE: LiteralString = (
    "FOREACH (entry IN CASE WHEN $auditEntry IS NULL THEN [] ELSE [$auditEntry] END | "
    "CREATE (a:AuditEntry) SET a = entry, a.id = randomUUID(), a.at = datetime()) "
)
Statement = tuple[LiteralString, dict[str, Any]]
T = TypeVar("T")


class Runner(Protocol):
    """What a repository needs: run a statement, get rows. A Database or an open transaction."""

    async def read(self, query: LiteralString, /, **params: Any) -> list[Row]: ...

    async def write(self, query: LiteralString, /, **params: Any) -> list[Row]: ...


class Transaction:
    """An open write transaction; reads inside it see its own writes.

    With an `audit_entry`, the transaction's first statement also writes that entry (see
    AUDIT_RIDER), so recording a change costs no round trip of its own; `settle` writes it
    alone if the work sent no statement.
    """

    def __init__(
        self, tx: AsyncManagedTransaction, database: Database, audit_entry: Row | None = None
    ) -> None:
        self._tx = tx
        self._database = database
        self._audit_entry = audit_entry
        self.appended_events = False  # set by the event log, so its followers wake once this commits

    async def read(self, query: LiteralString, /, **params: Any) -> list[Row]:
        self._database.round_trips += 1
        if self._audit_entry is not None:
            query = AUDIT_RIDER + query
            params = {**params, "auditEntry": self._audit_entry}
            self._audit_entry = None
        with self._database.tracing.statement("write", query, self._database.name):
            result = await self._tx.run(query, params)
            return [record.data() async for record in result]

    write = read

    def take_audit_entry(self) -> Row | None:
        """The audit entry, for a statement that writes it itself (AUDIT_IN_CHANGE): no rider."""
        entry, self._audit_entry = self._audit_entry, None
        return entry

    async def settle(self) -> None:
        """Writes the audit entry if no statement has carried it yet."""
        if self._audit_entry is not None:
            await self.write(RECORD_AUDIT, entry=self._audit_entry)
            self._audit_entry = None


POOL_SIZE = 50
AUTO_COMMIT_ATTEMPTS = 5


@contextmanager
def timed(mode: str) -> Iterator[None]:
    """Counts the transaction in the metrics: its time by mode, and the sessions in use meanwhile."""
    metrics.NEO4J_IN_USE.inc()
    started = time.perf_counter()
    try:
        yield
    finally:
        metrics.NEO4J_IN_USE.dec()
        metrics.NEO4J_SECONDS.labels(mode).observe(time.perf_counter() - started)


class Database:
    """Runs parameterised Cypher. Every statement sent is one round trip, counted for tests."""

    def __init__(self, driver: AsyncDriver, database: str, timeout: float | None = None) -> None:
        self.driver = driver
        self.name = database
        self.round_trips = 0
        self.timeout = timeout  # seconds a transaction may run; None: the server's own limit
        self.reachability = Reachability()
        # Called after a transaction that appended events commits (the event feed's prompt wake-up).
        self.event_listeners: list[Callable[[], None]] = []
        self.tracing: Tracing = TRACING_OFF  # the app's, set by its lifespan

    @classmethod
    def connect(
        cls, uri: str, user: str, password: str, database: str, timeout: float | None = None
    ) -> Database:
        """With a `timeout`, the driver's waits (connecting, retrying) are bounded by it too."""
        driver = AsyncGraphDatabase.driver(
            uri,
            auth=(user, password),
            max_connection_pool_size=POOL_SIZE,
            # A fresh graph lacks some labels and types (no dismissal yet): not worth a warning.
            notifications_disabled_classifications=["UNRECOGNIZED"],
            **bounded_waits(timeout),
        )
        return cls(driver, database, timeout)

    async def close(self) -> None:
        await self.driver.close()

    async def ping(self) -> None:
        """Raises DatabaseUnavailable unless Neo4j answers now (it always asks, even when down)."""
        with self.reachability.reported(admit=False):
            await self.driver.verify_connectivity()

    async def read(self, query: LiteralString, /, **params: Any) -> list[Row]:
        return await self._execute(query, params, RoutingControl.READ)

    async def write(self, query: LiteralString, /, **params: Any) -> list[Row]:
        return await self._execute(query, params, RoutingControl.WRITE)

    async def _execute(
        self, query: LiteralString, params: dict[str, Any], routing: RoutingControl
    ) -> list[Row]:
        self.round_trips += 1
        mode = "read" if routing is RoutingControl.READ else "write"
        with self.reachability.reported(), timed(mode), self.tracing.statement(mode, query, self.name):
            records, _, _ = await self.driver.execute_query(
                Query(query, timeout=self.timeout), params, routing_=routing, database_=self.name
            )
        return [record.data() for record in records]

    async def read_single(self, query: LiteralString, /, **params: Any) -> Row:
        """The one row of a read that returns exactly one, as an auto-commit transaction: one
        exchange with the server instead of a managed transaction's two (compiled reads).

        The values come as the driver decoded them: for a statement that returns maps, lists
        and values (never nodes or relationships), `Record.data()`'s walk over every nested value
        to convert graph types changes nothing and made up a third of a page of 100's Python
        function calls (7,400 -> 4,600 per request, bench/profiling.md)."""
        self.round_trips += 1
        with self.reachability.reported(), timed("read"), self.tracing.statement("read", query, self.name):
            async with self.driver.session(database=self.name, default_access_mode=READ_ACCESS) as session:
                result = await session.run(Query(query, timeout=self.timeout), params)
                record = await result.single(strict=True)
        return dict(zip(record.keys(), record.values(), strict=True))

    async def stream(
        self, query: LiteralString, /, time_limit: float | None = None, **params: Any
    ) -> AsyncIterator[Row]:
        """Rows of a read as they arrive, for answers too large to hold (exports). `time_limit`
        bounds the whole read; None leaves it to the server's own limit."""
        self.round_trips += 1
        with (
            self.reachability.reported(),
            timed("stream"),
            self.tracing.statement("stream", query, self.name),
        ):
            async with self.driver.session(database=self.name, default_access_mode=READ_ACCESS) as session:
                result = await session.run(Query(query, timeout=time_limit), params)
                async for record in result:
                    yield record.data()

    async def transaction(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """Runs `work` in one write transaction: all of it lands, or none (an exception rolls back).

        The driver retries `work` on transient failures, so it must be safe to run again.
        The first transaction of a mutation sent with an idempotency key claims the key and stores
        the result beside the change; if a committed request already holds the key, nothing runs
        and that request's result is returned.
        """

        draft = audit.CURRENT.get()
        record = draft is not None and not draft.written
        keyed = idempotency.CURRENT.get()
        claim = keyed if keyed is not None and not keyed.bound else None
        attempts: list[Transaction] = []

        @unit_of_work(timeout=self.timeout)
        async def managed(tx: AsyncManagedTransaction) -> T:
            # The change and its audit entry commit together: the entry rides on the first
            # statement (a refusal raised later rolls it back with the change).
            entry = draft.row("ALLOWED") if record and draft is not None else None
            transaction = Transaction(tx, self, audit_entry=entry)
            attempts.append(transaction)
            if claim is not None:
                await keys.claim(transaction, claim)
            result = await work(transaction)
            if claim is not None:  # the change and the key's result commit together
                await keys.store(transaction, claim, result)
            await transaction.settle()
            return result

        try:
            with (
                self.reachability.reported(),
                timed("write"),
                self.tracing.statement("transaction", "", self.name),
            ):
                async with self.driver.session(database=self.name) as session:
                    result = await session.execute_write(managed)
        except keys.Replay as replay:
            assert claim is not None
            claim.bound = claim.replayed = True
            if draft is not None:
                draft.replayed = True
            return cast(T, replay.result)
        if claim is not None:
            claim.bound = True
        if record and draft is not None:
            draft.written = True
        if attempts and attempts[-1].appended_events:
            for listener in self.event_listeners:
                listener()
        return result

    async def change(
        self,
        query: LiteralString,
        /,
        outcome: Callable[[list[Row]], T],
        *,
        appends_event: bool = False,
        **params: Any,
    ) -> T:
        """A change that is one statement: its checks, the change, the request's audit entry
        (AUDIT_IN_CHANGE, in the branch that changes) and its event, sent as an auto-commit
        transaction: one exchange with the server where a managed transaction takes one per
        statement and one for the commit (bench/profiling.md, "Mutations").

        The statement changes nothing when its checks refuse; `outcome` reads its rows into the
        result, or raises the refusal (the extension then records the REFUSED entry). A request
        with an idempotency key runs the statement in a transaction() that claims the key, the
        refusal raised inside it, so the claim rolls back with it.
        """
        draft = audit.CURRENT.get()
        keyed = idempotency.CURRENT.get()
        if keyed is not None and not keyed.bound:

            async def work(tx: Transaction) -> T:
                rows = await tx.write(query, auditEntry=tx.take_audit_entry(), **params)
                tx.appended_events = appends_event
                return outcome(rows)

            return await self.transaction(work)
        entry = draft.row("ALLOWED") if draft is not None and not draft.written else None
        rows = await self._auto_commit_write(query, {**params, "auditEntry": entry})
        result = outcome(rows)
        if draft is not None and entry is not None:
            draft.written = True
        if appends_event:
            for listener in self.event_listeners:
                listener()
        return result

    async def _auto_commit_write(self, query: LiteralString, params: dict[str, Any]) -> list[Row]:
        """Retried, like a managed transaction, when the server says the statement may simply be
        run again (a deadlock, a leader switch): a transient failure rolled it back whole.

        An auto-commit statement commits as it runs, so losing Neo4j once it was sent leaves the
        outcome unknown, as losing it during a managed transaction's commit does: said so to the
        client (CommitOutcomeUnknown, through IncompleteCommit), unless no connection was made."""
        self.round_trips += 1
        with self.reachability.reported(), timed("write"), self.tracing.statement("write", query, self.name):
            for attempt in range(AUTO_COMMIT_ATTEMPTS):
                try:
                    async with self.driver.session(database=self.name) as session:
                        result = await session.run(Query(query, timeout=self.timeout), params)
                        return [record.data() async for record in result]
                except TransientError as exc:
                    if not exc.is_retryable() or attempt + 1 == AUTO_COMMIT_ATTEMPTS:
                        raise
                    await asyncio.sleep(0.01 * 2**attempt)
                except UNREACHABLE as exc:
                    if never_connected(exc):
                        raise
                    raise IncompleteCommit(f"Neo4j went away during an auto-commit statement: {exc}") from exc
        raise AssertionError("unreachable")

    async def write_all(self, statements: Sequence[Statement]) -> None:
        """Runs the statements in order in one write transaction: all of them land, or none."""

        async def work(tx: Transaction) -> None:
            for query, params in statements:
                await tx.write(query, **params)

        await self.transaction(work)
