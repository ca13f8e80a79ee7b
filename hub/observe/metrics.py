"""The hub's Prometheus metrics, served at /metrics (an ADMIN key; hub/observe/endpoint.py).

Process-wide, as prometheus-client intends. With several uvicorn workers, `hub serve` gives the run a
directory of its own (`shared_between_workers`): each worker writes its values there and /metrics
sums them (prometheus-client's multiprocess mode), whichever worker answers the scrape. Operation names come
from callers, so at most MAX_OPERATION_NAMES distinct ones become label values; the rest count as
`other`, and a name that is not a plain GraphQL name counts as `invalid`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator

from prometheus_client import Counter, Gauge, Histogram

MAX_OPERATION_NAMES = 200
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")

REQUESTS = Counter(
    "hub_requests",
    "HTTP requests answered, by route, operation name and outcome",
    ["route", "operation", "outcome"],
)
ERRORS = Counter("hub_errors", "Errors in answers, by operation name and error code", ["operation", "code"])
LATENCY = Histogram(
    "hub_request_duration_seconds",
    "Time from the request's arrival to the end of its answer",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
COST = Histogram(
    "hub_query_cost",
    "Cost of the GraphQL operations screened (hub/graphql/cost.py)",
    buckets=(1, 5, 10, 50, 100, 500, 1000, 5000, 10_000),
)
RATE_LIMITED = Counter("hub_rate_limit_refusals", "Requests refused by a caller's rate limit", ["route"])
SHED = Counter("hub_shed_requests", "Operations shed by admission control (503 OVERLOADED)")
NEO4J_SECONDS = Histogram(
    "hub_neo4j_transaction_seconds",
    "Time of each Neo4j transaction the hub runs, by access mode",
    ["mode"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)
NEO4J_IN_USE = Gauge(
    "hub_neo4j_sessions_in_use",
    "Neo4j sessions open now, each holding a pooled connection",
    multiprocess_mode="livesum",
)
JOB_SECONDS = Histogram(
    "hub_job_duration_seconds",
    "Time of each run of a periodic job (network measures, matchmaking leaders, purges)",
    ["job"],
    buckets=(0.1, 0.5, 1, 5, 10, 30, 60, 300, 900),
)
JOB_RUNS = Counter("hub_job_runs", "Runs of a periodic job in this process, by result", ["job", "result"])
JOB_LAST_SUCCESS = Gauge(
    "hub_job_last_success_timestamp_seconds",
    "When a periodic job last succeeded in this process (its age: time() minus this)",
    ["job"],
    multiprocess_mode="max",
)

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


@contextlib.contextmanager
def shared_between_workers(workers: int) -> Iterator[str | None]:
    """For a run of `workers` processes: a fresh, empty directory for their metrics, named in
    PROMETHEUS_MULTIPROC_DIR for the workers about to start (they read it when they import
    prometheus-client) and removed when the run ends, so no count outlives its run. One worker
    needs none; a directory the environment already names is the deployment's own."""
    if workers < 2 or os.environ.get(MULTIPROC_DIR):
        yield os.environ.get(MULTIPROC_DIR)
        return
    directory = tempfile.mkdtemp(prefix="hub-metrics-")
    os.environ[MULTIPROC_DIR] = directory
    try:
        yield directory
    finally:
        del os.environ[MULTIPROC_DIR]
        shutil.rmtree(directory, ignore_errors=True)


_names: set[str] = set()
_names_lock = threading.Lock()


def operation_label(name: str | None) -> str:
    """A bounded label value for a caller-chosen operation name."""
    if not name:
        return ""
    if not _NAME.fullmatch(name):
        return "invalid"
    with _names_lock:
        if name in _names:
            return name
        if len(_names) < MAX_OPERATION_NAMES:
            _names.add(name)
            return name
    return "other"
