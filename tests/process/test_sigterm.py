"""SIGTERM to a real `hub serve` process (uvicorn) during a long export and during a network refresh
measured in its worker process: the hub exits within the grace period, says in one log line what
it cut off, stops the worker process and closes the Neo4j driver."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from hub.db.database import Database
from hub.db.server import Connection
from hub.services.network.service import NetworkMeasures
from tests.replicas.conftest import Replica, replicas

# Short, so that the refresh is still measuring when the grace ends however fast the machine is:
# the SIGTERM goes out as soon as the worker process exists, and spawning it, importing igraph and
# measuring 20,000 organisations take several seconds (with 3 s, a quiet machine finished the
# measure in time and the cut fell in the write that follows it).
GRACE_SECONDS = 1
# Past the grace period: the lifespan's shutdown, closing the driver and the interpreter's exit.
EXIT_MARGIN_SECONDS = 3
SHUTDOWN = {
    "HUB_SHUTDOWN_GRACE_SECONDS": str(GRACE_SECONDS),
    # The driver warns of an unclosed driver only as a ResourceWarning, which Python hides by default.
    "PYTHONWARNINGS": "always::ResourceWarning",
    "HUB_MATCHMAKING_REFRESH_SECONDS": "0",
    "HUB_IDEMPOTENCY_PURGE_SECONDS": "0",
    "HUB_EVENT_PRUNE_SECONDS": "0",
    "HUB_OPERATION_TIMEOUT_SECONDS": "120",
}


@dataclass
class SlowReader:
    """A client that reads a streamed answer a kilobyte every 50 ms through a small receive
    buffer, so the hub's stream waits on it once the kernel's buffers are full: an export of
    tens of megabytes lasts many minutes. Once told to `hurry`, it reads the rest at once."""

    url: str
    path: str
    key: str
    received: bytearray = field(default_factory=bytearray)
    ended: threading.Event = field(default_factory=threading.Event)
    hurry: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        host, port = self.url.removeprefix("http://").split(":")
        try:
            with socket.socket() as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                sock.settimeout(60)
                sock.connect((host, int(port)))
                sock.sendall(
                    f"GET {self.path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {self.key}\r\n"
                    "Connection: close\r\n\r\n".encode()
                )
                while chunk := sock.recv(1024):
                    self.received += chunk
                    if not self.hurry.is_set():
                        time.sleep(0.05)
        except OSError:
            pass  # the hub cut the connection: `received` holds what came
        finally:
            self.ended.set()

    @property
    def complete(self) -> bool:
        """Whether the chunked body ended properly (a cut-off stream must not look complete)."""
        return self.received.endswith(b"\r\n0\r\n\r\n")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _command(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")


async def _gone(pid: int, within: float = 2.0) -> bool:
    """Whether `pid` stops within `within` seconds of the hub's exit (the kernel ends a killed
    process a moment after the signal; bounded, this proves "not left running")."""
    deadline = time.monotonic() + within
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def _alive(pid: int) -> bool:
    """Whether `pid` still runs (a zombie left for its reaper has stopped)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


async def _measuring_worker(hub: Replica) -> int:
    """The pid of the process pool's worker once the hub has started one (spawned: its command
    line names multiprocessing's spawn entry point; the resource tracker is not it)."""
    deadline = time.monotonic() + 120
    while True:
        for child in _children(hub.process.pid):
            command = _command(child)
            if b"spawn_main" in command and b"resource_tracker" not in command:
                return child
        assert hub.process.poll() is None, hub.log.read_text()
        assert time.monotonic() < deadline, "the hub started no worker process:\n" + hub.log.read_text()
        await asyncio.sleep(0.05)


async def _terminate(hub: Replica) -> float:
    """Sends SIGTERM; the seconds until the process has exited."""
    sent = time.monotonic()
    hub.process.send_signal(signal.SIGTERM)
    await asyncio.to_thread(hub.process.wait, GRACE_SECONDS + 60)
    seconds = time.monotonic() - sent
    print(f"exited {seconds:.2f} s after SIGTERM")  # the figure docs/operations.md quotes (pytest -s)
    return seconds


def _log(hub: Replica) -> tuple[list[dict[str, Any]], str]:
    text = hub.log.read_text()
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")], text


def _assert_closed_cleanly(lines: list[dict[str, Any]], text: str) -> None:
    assert any(e["event"] == "Neo4j driver closed" for e in lines), text
    assert "unclosed" not in text and "leaked" not in text, text
    assert "Traceback" not in text and not any("exception" in e for e in lines), text


async def test_sigterm_during_a_long_export_exits_within_the_grace_period(
    slow_network: Database, neo4j: Connection, tmp_path: Path, admin_key: str
) -> None:
    with replicas(1, neo4j, tmp_path, HUB_NETWORK_REFRESH_SECONDS="0", **SHUTDOWN) as (hub,):
        # The GraphML of 20,000 organisations and 60,000 partnerships: about 20 MB.
        reader = SlowReader(hub.url, "/export/graph.graphml", admin_key)
        reader.start()
        deadline = time.monotonic() + 60
        while len(reader.received) < 16 * 1024:  # the answer has started streaming
            assert not reader.ended.is_set(), bytes(reader.received[:500])
            assert time.monotonic() < deadline, "the export did not start"
            await asyncio.sleep(0.05)
        assert reader.received.startswith(b"HTTP/1.1 200")

        seconds = await _terminate(hub)
        reader.hurry.set()
        await asyncio.to_thread(reader.ended.wait, 30)

    assert seconds < GRACE_SECONDS + EXIT_MARGIN_SECONDS, seconds
    assert reader.ended.is_set() and not reader.complete  # cut off, not passed off as a whole file
    lines, text = _log(hub)
    (cut,) = [e for e in lines if e.get("outcome") == "CUT_OFF"]
    assert cut["path"] == "/export/graph.graphml" and cut["logger"] == "hub.access", cut
    assert "cut off by shutdown" in cut["event"], cut
    _assert_closed_cleanly(lines, text)


async def test_sigterm_during_a_requested_network_refresh_stops_its_worker_process(
    slow_network: Database, neo4j: Connection, tmp_path: Path, auth: dict[str, str]
) -> None:
    with replicas(1, neo4j, tmp_path, HUB_NETWORK_REFRESH_SECONDS="0", **SHUTDOWN) as (hub,):

        def refresh() -> httpx.Response:
            mutation = {"query": "mutation { refreshNetworkMeasures { organisations } }"}
            return httpx.post(hub.url + "/graphql", json=mutation, headers=auth, timeout=120)

        requested = asyncio.create_task(asyncio.to_thread(refresh))
        worker = await _measuring_worker(hub)
        seconds = await _terminate(hub)
        answer = await requested

    assert seconds < GRACE_SECONDS + EXIT_MARGIN_SECONDS, seconds
    assert await _gone(worker)
    assert await NetworkMeasures(slow_network).snapshot() is None  # cut off, not finished in time
    # The client is told to retry (another replica, or this one restarted), not a bare 500.
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1", answer.text
    assert answer.json()["errors"][0]["extensions"]["code"] == "SHUTTING_DOWN"
    lines, text = _log(hub)
    (cut,) = [e for e in lines if e.get("outcome") == "CUT_OFF"]
    assert cut["path"] == "/graphql" and "cut off by shutdown" in cut["event"], cut
    assert cut["request_id"] == answer.headers["X-Request-Id"] and cut["status"] == 503, cut
    assert any("network measures cut off" in e["event"] for e in lines), text
    _assert_closed_cleanly(lines, text)


async def test_sigterm_during_the_scheduled_network_refresh_exits_at_once(
    slow_network: Database, neo4j: Connection, tmp_path: Path
) -> None:
    # No measures stored yet: the leased job runs as soon as the hub starts.
    assert await NetworkMeasures(slow_network).snapshot() is None
    with replicas(1, neo4j, tmp_path, HUB_NETWORK_REFRESH_SECONDS="3600", **SHUTDOWN) as (hub,):
        worker = await _measuring_worker(hub)
        seconds = await _terminate(hub)

    # Nothing is in flight, so nothing waits for the grace period.
    assert seconds < EXIT_MARGIN_SECONDS, seconds
    assert await _gone(worker)
    assert await NetworkMeasures(slow_network).snapshot() is None
    lines, text = _log(hub)
    assert any("periodic job network-measures cut off by shutdown" in e["event"] for e in lines), text
    assert any("network measures cut off" in e["event"] for e in lines), text
    _assert_closed_cleanly(lines, text)
