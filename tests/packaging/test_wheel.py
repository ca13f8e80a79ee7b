"""The hub as a team deploys it: a wheel installed into a fresh virtual environment, outside the
checkout, started with its own `hub` command against the test session's Neo4j."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import venv
from pathlib import Path

import httpx

from hub.db.database import Database
from hub.db.server import Connection

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "hub", "schema", "graph_seeds")


def _copy_sources(into: Path) -> Path:
    """The files a wheel is built from (the build writes build/ beside them, so not in the checkout)."""
    source = into / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "node_modules", "*.egg-info")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    return source


def _build_wheel(source: Path, into: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(into),
            ".",
        ],
        cwd=source,
        check=True,
    )
    (wheel,) = into.glob("fintech_hub-*.whl")
    return wheel


def _fresh_venv(wheel: Path, where: Path) -> Path:
    """A new environment holding the wheel; its dependencies are those of the test environment,
    reached through a .pth line (a line, not a site dir: the checkout's editable hub stays out)."""
    venv.create(where, with_pip=False)
    python = where / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return where / "bin"


def _output(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def _start(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as log_file:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=log_file, stderr=subprocess.STDOUT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_the_installed_wheel_serves_the_seeded_graph(
    tmp_path: Path, neo4j: Connection, empty_graph: Database, auth: dict[str, str]
) -> None:
    wheel = _build_wheel(_copy_sources(tmp_path), tmp_path / "dist")
    bin_dir = _fresh_venv(wheel, tmp_path / "venv")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "HUB_HOME": str(outside / ".hub"),
        "NEO4J_URI": neo4j.uri,
        "NEO4J_USER": neo4j.user,
        "NEO4J_PASSWORD": neo4j.password,
        "NEO4J_DATABASE": neo4j.database,
        "HUB_NETWORK_REFRESH_SECONDS": "0",
        "HUB_MATCHMAKING_REFRESH_SECONDS": "0",
    }

    def hub(*args: str) -> str:
        return _output([str(bin_dir / "hub"), *args], outside, env)

    where = _output([str(bin_dir / "python"), "-c", "import hub; print(hub.__file__)"], outside, env)
    assert where.startswith(str(tmp_path / "venv")), where  # the wheel's hub, not the checkout's
    assert "constraint and index statements applied" in hub("db", "migrate")
    assert "rows written" in hub("seed")

    port = _free_port()
    server_log = tmp_path / "hub.log"
    server = _start(
        [str(bin_dir / "hub"), "serve", "--host", "127.0.0.1", "--port", str(port)], outside, env, server_log
    )
    try:
        query = '{ node(id: "SW5zdGl0dXRpb246dGhhbWVzZ2F0ZS1iYW5r") { ... on Institution { name } } }'
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=auth) as http:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, server_log.read_text()
                try:
                    response = await http.post("/graphql", json={"query": query})
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the installed hub did not start within 60 s"
                    await asyncio.sleep(0.2)
        assert response.status_code == 200, response.text
        assert response.json()["data"] == {"node": {"name": "Thamesgate Bank (China)"}}
    finally:
        server.terminate()
        server.wait(timeout=30)
