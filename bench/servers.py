"""Starting the hub for a benchmark (uvicorn in its own process, on a free loopback port, with the
refresh schedules off: they would compete for the CPU being measured), and its run's API key."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from hub.cli import ONE_WRITE_HTTP
from hub.db.connect import open_database
from hub.domain.enums import Role
from hub.security.api_keys import ApiKeys, IssuedKey
from hub.settings import Settings


def run_header() -> dict[str, object]:
    """When a benchmark ran and on what: the first keys of every results file."""
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_hub(
    workers: int = 1, port: int | None = None, cwd: Path | None = None, **env: str
) -> tuple[subprocess.Popen[bytes], str]:
    """The hub's process and base URL, once /readyz answers (Neo4j reachable); on `port`, or a
    free one; run in `cwd` (whose `hub` package it then imports), or here."""
    port = port or free_port()
    environment = {
        **os.environ,
        "HUB_MATCHMAKING_REFRESH_SECONDS": "0",
        "HUB_NETWORK_REFRESH_SECONDS": "0",
        **env,
    }
    command = [sys.executable, "-m", "uvicorn", "hub.app:create_app", "--factory", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    if ((cwd or Path.cwd()) / "hub/http/one_write.py").exists():  # as `hub serve`; an older checkout
        command += ["--http", ONE_WRITE_HTTP]  # (worker_cpu --before) serves with uvicorn's own
    process = subprocess.Popen(command, env=environment, cwd=cwd)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        if process.poll() is not None:
            raise SystemExit(f"the hub exited with {process.returncode}")
        try:
            httpx.get(url + "/readyz", timeout=1).raise_for_status()
            return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the hub did not become ready")


async def issue_key(role: Role, name: str) -> IssuedKey:
    """A key for one benchmark run against the graph HUB_HOME / NEO4J_URI point at."""
    db = open_database(Settings())
    try:
        return await ApiKeys(db).create(role, None, name)
    finally:
        await db.close()


async def revoke_key(key_id: str) -> None:
    db = open_database(Settings())
    try:
        await ApiKeys(db).revoke(key_id)
    finally:
        await db.close()
