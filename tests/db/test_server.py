"""The managed Neo4j: configured as promised, restarts keep the data."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from hub.db.server import ManagedNeo4j
from hub.settings import Settings


def _count(uri: str, password: str) -> int:
    with GraphDatabase.driver(uri, auth=("neo4j", password)) as driver:
        records, _, _ = driver.execute_query("MATCH (n:Probe) RETURN count(n) AS n")
        return int(records[0]["n"])


def test_start_stop_restart_keeps_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A relative HUB_HOME, as `HUB_HOME=.hub/x hub db start` gives it: the server once made a
    # second store beside it and the password written here did not open it.
    monkeypatch.chdir(tmp_path)
    # The default port is taken by this listener, so the server must pick a free one.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        settings = Settings(
            home=Path("home"), neo4j_bolt_port=taken, neo4j_heap="512m", neo4j_pagecache="64m"
        )
        server = ManagedNeo4j(settings)
        connection = server.start()
        try:
            assert not connection.uri.endswith(f":{taken}")
            assert server.status().running
            password = server.password_file.read_text().strip()
            assert len(password) >= 24 and server.password_file.stat().st_mode & 0o077 == 0
            config = (settings.neo4j_dir / "conf" / "neo4j.conf").read_text()
            assert "server.default_listen_address=127.0.0.1" in config
            assert "dbms.security.auth_enabled=true" in config
            with GraphDatabase.driver(connection.uri, auth=("neo4j", password)) as driver:
                driver.execute_query("CREATE (:Probe {at: 1})")
                # No receive-timeout hint: it would cost the async driver a task per socket read.
                records, _, _ = driver.execute_query(
                    "SHOW SETTINGS YIELD name, value "
                    "WHERE name = 'server.bolt.connection_keep_alive_for_requests' RETURN value"
                )
                assert records[0]["value"] == "STREAMING"
            assert server.stop()
            assert not server.status().running
            again = server.start()
            assert again.uri == connection.uri
            assert _count(again.uri, password) == 1
        finally:
            server.stop()


def test_wrong_password_is_refused(neo4j_connection_uri: str) -> None:
    import pytest
    from neo4j.exceptions import AuthError

    with (
        pytest.raises(AuthError),
        GraphDatabase.driver(neo4j_connection_uri, auth=("neo4j", "wrong-password")) as driver,
    ):
        driver.verify_connectivity()


def test_generated_passwords_never_look_like_options(tmp_path: Path) -> None:
    # One setup in 64 failed when a URL-safe password began with "-" (neo4j-admin took it for an option).
    for i in range(200):
        server = ManagedNeo4j(Settings(home=tmp_path / str(i)))
        password = server.password()
        assert not password.startswith("-") and len(password) >= 32
        assert server.password() == password  # kept, not made anew
