"""Where the hub's Neo4j is: an existing one named by NEO4J_URI, or the managed local server."""

from __future__ import annotations

from hub.db.database import Database
from hub.db.server import Connection, ManagedNeo4j
from hub.errors import ConfigurationError
from hub.settings import Settings


def connection_for(settings: Settings) -> Connection:
    if settings.neo4j_uri is None:
        return ManagedNeo4j(settings).connection()
    if settings.neo4j_password is None:
        raise ConfigurationError("NEO4J_URI is set but NEO4J_PASSWORD is not")
    return Connection(
        settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database
    )


def open_database(settings: Settings, timeout: float | None = None) -> Database:
    c = connection_for(settings)
    return Database.connect(c.uri, c.user, c.password, c.database, timeout)
