"""How the driver's failures reach the hub, and how long the driver may wait for Neo4j.

Neo4j not answering (refused or broken connections, no connection in time, a database that is
starting or stopping) becomes DatabaseUnavailable; a transaction past its limit becomes
OperationTimeout. The driver's own waits are bounded by the operation timeout, so an outage is
reported as one before a request runs out of time: by default the driver retries a managed
transaction for 30 s and waits 60 s for a connection.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from neo4j.exceptions import (
    ClientError,
    ConnectionPoolError,
    IncompleteCommit,
    ServiceUnavailable,
    SessionExpired,
)
from neo4j.exceptions import DatabaseUnavailable as Neo4jDatabaseUnavailable

from hub.errors import CommitOutcomeUnknown, DatabaseUnavailable, OperationTimeout

UNREACHABLE = (ServiceUnavailable, SessionExpired, ConnectionPoolError, Neo4jDatabaseUnavailable, OSError)
IDLE_BEFORE_LIVENESS_CHECK_SECONDS = 60.0


def never_connected(exc: BaseException) -> bool:
    """Whether the driver failed before it had a connection (nothing was sent to Neo4j)."""
    return isinstance(exc, ConnectionPoolError) or (
        isinstance(exc, ServiceUnavailable) and str(exc).startswith("Couldn't connect")
    )


def bounded_waits(operation_timeout: float | None) -> dict[str, Any]:
    """Driver settings for requests bounded by `operation_timeout` seconds (None: the driver's own).

    A request may make a few statements one after another (authentication, then the operation),
    so a single statement gives up after a quarter of the timeout: an unreachable server costs one
    connection attempt, a retry a second later, and then the answer "unavailable".
    """
    if operation_timeout is None:
        return {}
    return {
        "connection_timeout": min(operation_timeout / 4, 5.0),  # opening one connection
        "connection_acquisition_timeout": operation_timeout / 2,  # from the pool, or a new one
        "max_transaction_retry_time": operation_timeout / 4,  # the managed transactions' retry loop
        # A connection idle for a minute is checked before use: one a firewall or a restarted
        # server dropped silently would otherwise be found dead only by the request using it.
        "liveness_check_timeout": IDLE_BEFORE_LIVENESS_CHECK_SECONDS,
    }


class Reachability:
    """Whether Neo4j answered lately.

    Once a statement found Neo4j unreachable, statements of the next `probe_every` seconds fail at
    once instead of each waiting out the driver's retries (a mutation that failed still writes its
    audit entry, and the two waits together would outlast the timeout); after that, one statement
    tries again, so the hub notices by itself when Neo4j is back.
    """

    def __init__(self, probe_every: float = 1.0) -> None:
        self.probe_every = probe_every
        self._failed_at: float | None = None

    @property
    def down(self) -> bool:
        return self._failed_at is not None

    def admit(self) -> None:
        """Raises DatabaseUnavailable while Neo4j is known to be down and it is not time to probe."""
        if self._failed_at is None:
            return
        now = time.monotonic()
        if now - self._failed_at < self.probe_every:
            raise DatabaseUnavailable("Neo4j did not answer a moment ago")
        self._failed_at = now  # this statement probes; the others keep failing fast meanwhile

    @contextlib.contextmanager
    def reported(self, *, admit: bool = True) -> Iterator[None]:
        """Runs a driver call: its failures translated, and what it says about Neo4j remembered."""
        if admit:
            self.admit()
        try:
            yield
        except ClientError as exc:
            if "TransactionTimedOut" in (exc.code or ""):
                raise OperationTimeout("the database transaction ran past its time limit") from exc
            raise
        except IncompleteCommit as exc:
            self._failed_at = time.monotonic()
            raise CommitOutcomeUnknown(f"Neo4j went away during a commit: {exc}") from exc
        except UNREACHABLE as exc:
            self._failed_at = time.monotonic()
            raise DatabaseUnavailable(f"Neo4j does not answer: {exc}") from exc
        self._failed_at = None
