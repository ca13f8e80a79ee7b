"""A real redis-server (Debian's) on a free loopback port, and hub replicas as uvicorn processes."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from hub.db.server import Connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    process = subprocess.Popen(
        [
            server,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Replica:
    url: str
    log: Path
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def replicas(count: int, neo4j: Connection, tmp_path: Path, **settings: str) -> Iterator[list[Replica]]:
    """`count` hubs served by `hub serve` (uvicorn) on their own ports, sharing Neo4j (and what
    `settings` name, such as HUB_REDIS_URL); each writes its JSON log to a file."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "NEO4J_"))},
        "NEO4J_URI": neo4j.uri,
        "NEO4J_USER": neo4j.user,
        "NEO4J_PASSWORD": neo4j.password,
        "NEO4J_DATABASE": neo4j.database,
        "HUB_HOME": str(tmp_path / ".hub"),
        "HUB_LOG_FORMAT": "json",
        **settings,
    }
    started: list[Replica] = []
    try:
        for i in range(count):
            port = free_port()
            log = tmp_path / f"replica-{i}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [
                        str(Path(sys.executable).parent / "hub"),
                        "serve",
                        "--no-migrate",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            started.append(Replica(f"http://127.0.0.1:{port}", log, process))
        for replica in started:
            _wait_until_up(replica)
        yield started
    finally:
        for replica in started:
            replica.process.terminate()
        for replica in started:
            replica.process.wait(timeout=30)


def _wait_until_up(replica: Replica) -> None:
    host, port = replica.url.removeprefix("http://").split(":")
    deadline = time.monotonic() + 90
    while True:
        assert replica.process.poll() is None, replica.log.read_text()
        with contextlib.suppress(OSError), socket.create_connection((host, int(port)), timeout=1):
            return
        assert time.monotonic() < deadline, "a replica did not start within 90 s:\n" + replica.log.read_text()
        time.sleep(0.1)
