"""A Neo4j Community server managed by the hub: fetched once, configured, started and stopped.

No Docker engine and no Neo4j download site are assumed: the server's jars come from Maven Central
through `mvn`, into a cache folder shared by every clone; each hub home keeps its own
configuration, data, logs and generated password.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from hub.db.java import find_java_home
from hub.errors import ServerSetupError
from hub.settings import Settings

Report = Callable[[str], None]

ENTRY_POINT = "org.neo4j.server.Neo4jCommunity"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 60.0


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Connection:
    uri: str
    user: str
    password: str
    database: str


@dataclass(frozen=True, slots=True)
class ServerStatus:
    running: bool
    pid: int | None
    port: int | None
    version: str
    home: Path
    data_dir: Path


class ManagedNeo4j:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.home = settings.neo4j_dir
        self.password_file = settings.home / "neo4j-password"
        self._state_file = self.home / "run" / "hub-server.json"
        self._lib = settings.neo4j_cache_dir / f"neo4j-{settings.neo4j_version}" / "lib"

    # -- fetching ------------------------------------------------------------------------------
    def install(self, report: Report = _quiet) -> Path:
        """The folder of the server's jars, fetched through Maven on first use."""
        marker = self._lib.parent / ".complete"
        if marker.exists():
            return self._lib
        mvn = shutil.which("mvn")
        if mvn is None:
            raise ServerSetupError("Maven (`mvn`) is needed once to fetch Neo4j; install maven")
        version = self._settings.neo4j_version
        report(f"Fetching Neo4j Community {version} from Maven Central (once) ...")
        self._lib.parent.mkdir(parents=True, exist_ok=True)
        staging = self._lib.parent / "lib.partial"
        shutil.rmtree(staging, ignore_errors=True)
        template = resources.files("hub.db").joinpath("neo4j-server.pom.xml").read_text()
        with tempfile.TemporaryDirectory() as work:
            pom = Path(work) / "pom.xml"
            pom.write_text(template.replace("NEO4J_VERSION", version))
            command = [
                mvn, "-B", "-f", str(pom), "dependency:copy-dependencies",
                f"-DoutputDirectory={staging}", "-DincludeScope=runtime",
            ]  # fmt: skip
            self._run_maven(command, report)
        shutil.rmtree(self._lib, ignore_errors=True)
        staging.rename(self._lib)
        marker.write_text(version)
        jars = len(list(self._lib.glob("*.jar")))
        report(f"Neo4j {version}: {jars} jars in {self._lib}")
        return self._lib

    @staticmethod
    def _run_maven(command: list[str], report: Report) -> None:
        fetched = 0
        tail: list[str] = []
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                tail = [*tail[-30:], line.rstrip()]
                if "Downloaded from" in line and ".jar" in line:
                    fetched += 1
                    if fetched % 10 == 0:
                        report(f"  ... {fetched} jars downloaded")
            code = proc.wait()
        if code != 0:
            raise ServerSetupError("Maven could not fetch Neo4j:\n" + "\n".join(tail))

    # -- configuration -------------------------------------------------------------------------
    def password(self) -> str:
        """The generated password, created on first use and kept in a git-ignored file."""
        if self.password_file.exists():
            return self.password_file.read_text().strip()
        self.password_file.parent.mkdir(parents=True, exist_ok=True)
        # Hex, not URL-safe base64: a password starting with "-" is read by neo4j-admin as an option.
        value = secrets.token_hex(24)
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
        return value

    def _choose_port(self) -> int:
        previous = self._read_state().get("port")
        for port in (previous, self._settings.neo4j_bolt_port):
            if isinstance(port, int) and _port_free(port):
                return port
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])

    def _write_config(self, port: int) -> Path:
        conf = self.home / "conf"
        for sub in ("conf", "data", "logs", "run", "import", "plugins"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        s = self._settings
        lines = [
            "# Written by `hub db start`; edits are overwritten at the next start.",
            "server.default_listen_address=127.0.0.1",
            "server.default_advertised_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{port}",
            "server.http.enabled=false",
            "server.https.enabled=false",
            "dbms.security.auth_enabled=true",
            f"server.memory.heap.initial_size={s.neo4j_heap}",
            f"server.memory.heap.max_size={s.neo4j_heap}",
            f"server.memory.pagecache.size={s.neo4j_pagecache}",
            "dbms.usage_report.enabled=false",
            f"server.directories.data={self.home / 'data'}",
            f"server.directories.logs={self.home / 'logs'}",
            f"server.directories.run={self.home / 'run'}",
            f"server.directories.import={self.home / 'import'}",
            f"server.directories.plugins={self.home / 'plugins'}",
            "db.transaction.timeout=120s",
            # Keep-alive NOOPs only while a result streams, so no `connection.recv_timeout_seconds`
            # hint: with it, the Python driver (on Python 3.11) wraps every socket read in a task
            # with a timer, 0.06 ms of CPU per statement (bench/profiling.md, "The driver's read
            # timeout"). Requests are bounded by the hub's own deadline instead.
            "server.bolt.connection_keep_alive_for_requests=STREAMING",
        ]
        (conf / "neo4j.conf").write_text("\n".join(lines) + "\n")
        return conf

    # -- lifecycle -----------------------------------------------------------------------------
    def status(self) -> ServerStatus:
        state = self._read_state()
        pid, port = state.get("pid"), state.get("port")
        if not (isinstance(pid, int) and isinstance(port, int)):
            pid = port = None
        running = pid is not None and port is not None and _alive(pid) and not _port_free(port)
        return ServerStatus(
            running=running,
            pid=pid if running else None,
            port=port if running else None,
            version=self._settings.neo4j_version,
            home=self.home,
            data_dir=self.home / "data",
        )

    def connection(self) -> Connection:
        state = self._read_state()
        port = state.get("port")
        if not isinstance(port, int):
            raise ServerSetupError("the managed Neo4j has never been started; run `hub db start`")
        return Connection(f"bolt://127.0.0.1:{port}", "neo4j", self.password(), "neo4j")

    def start(self, report: Report = _quiet) -> Connection:
        current = self.status()
        if current.running:
            report(f"Neo4j already running (pid {current.pid}, bolt port {current.port})")
            return self.connection()
        lib = self.install(report)
        java = find_java_home(self._settings.java_home) / "bin" / "java"
        port = self._choose_port()
        conf = self._write_config(port)
        password = self.password()
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(conf)}
        if not (self.home / "data" / "dbms" / "auth.ini").exists() and not self._has_database():
            self._admin(java, lib, env, ["dbms", "set-initial-password", password])
        heap = self._settings.neo4j_heap
        command = [
            str(java), f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseG1GC", "-Dfile.encoding=UTF-8",
            "--enable-native-access=ALL-UNNAMED", "-cp", f"{lib}/*", ENTRY_POINT,
            f"--home-dir={self.home}", f"--config-dir={conf}",
        ]  # fmt: skip
        log = self.home / "logs" / "neo4j.log"
        log_offset = log.stat().st_size if log.exists() else 0
        with (self.home / "logs" / "console.log").open("ab") as console:
            proc = subprocess.Popen(
                command, stdout=console, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        _CHILDREN[proc.pid] = proc
        self._write_state({"pid": proc.pid, "port": port, "version": self._settings.neo4j_version})
        report(f"Starting Neo4j {self._settings.neo4j_version} on bolt://127.0.0.1:{port} ...")
        self._wait_for_bolt(proc, port, log_offset, report)
        report(f"Neo4j is up (pid {proc.pid}); data in {self.home / 'data'}")
        return self.connection()

    def stop(self, report: Report = _quiet) -> bool:
        state = self._read_state()
        pid = state.get("pid")
        if not isinstance(pid, int) or not _alive(pid):
            report("Neo4j is not running")
            return False
        report(f"Stopping Neo4j (pid {pid}) ...")
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            report("Neo4j did not stop in time; killing it")
            os.kill(pid, signal.SIGKILL)
        child = _CHILDREN.pop(pid, None)
        if child is not None:
            child.wait()
        self._write_state({**state, "pid": None})
        report("Neo4j stopped")
        return True

    def _wait_for_bolt(
        self, proc: subprocess.Popen[bytes], port: int, log_offset: int, report: Report
    ) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        last_report = time.monotonic()
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise ServerSetupError(
                    f"Neo4j exited with code {proc.returncode} while starting; see "
                    f"{self.home / 'logs' / 'console.log'} and {self.home / 'logs' / 'neo4j.log'}"
                )
            if not _port_free(port) and self._log_says_started(log_offset):
                return
            if time.monotonic() - last_report > 10:
                report("  ... still starting")
                last_report = time.monotonic()
            time.sleep(0.25)
        raise ServerSetupError(f"Neo4j did not open bolt port {port} within {START_TIMEOUT_S:.0f}s")

    def _log_says_started(self, offset: int) -> bool:
        log = self.home / "logs" / "neo4j.log"
        if not log.exists():
            return False
        with log.open("rb") as handle:
            handle.seek(offset if log.stat().st_size >= offset else 0)
            return b"Started." in handle.read()

    def _admin(self, java: Path, lib: Path, env: dict[str, str], args: list[str]) -> None:
        command = [str(java), "-cp", f"{lib}/*", ADMIN_TOOL, *args]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ServerSetupError(f"neo4j-admin {args[0]} {args[1]} failed: {done.stdout}{done.stderr}")

    def _has_database(self) -> bool:
        return (self.home / "data" / "databases").exists()

    def _read_state(self) -> dict[str, object]:
        try:
            loaded = json.loads(self._state_file.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def _write_state(self, state: dict[str, object]) -> None:
        self._state_file.parent.mkdir(parents=True, exist_ok=True)
        self._state_file.write_text(json.dumps(state))


# Servers this process started, kept so they are reaped (not left as zombies) when stopped.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _alive(pid: int) -> bool:
    """Whether `pid` runs; a zombie (exited, not yet reaped by its parent) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"
