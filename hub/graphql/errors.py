"""Every error leaves the API with a stable `extensions.code` and without internals."""

from __future__ import annotations

import logging

from graphql import GraphQLError

from hub.errors import DatabaseUnavailable, OperationTimeout, UserInputError

log = logging.getLogger("hub.graphql")

INTERNAL_MESSAGE = "Internal server error"


def shaped(error: GraphQLError) -> GraphQLError:
    """The error as a client may see it."""
    original = error.original_error
    if original is None:
        if error.extensions and "code" in error.extensions:
            return error
        code = "GRAPHQL_VALIDATION_FAILED" if error.path is None else "BAD_USER_INPUT"
        return GraphQLError(
            error.message, error.nodes, error.source, error.positions, error.path, None, {"code": code}
        )
    if isinstance(original, GraphQLError):
        extensions = original.extensions or {"code": "BAD_USER_INPUT"}
        return GraphQLError(
            original.message, error.nodes, error.source, error.positions, error.path, None, extensions
        )
    if isinstance(original, UserInputError):
        return GraphQLError(
            str(original),
            error.nodes,
            error.source,
            error.positions,
            error.path,
            None,
            {"code": "BAD_USER_INPUT", "fields": [e.field for e in original.errors]},
        )
    if isinstance(original, OperationTimeout):
        message, code = "The operation ran past its time limit; ask for less", "TIMEOUT"
    elif isinstance(original, DatabaseUnavailable):
        log.warning("database unavailable: %s", original)
        message, code = "The graph database is unavailable; try again shortly", "SERVICE_UNAVAILABLE"
    else:
        log.error("unexpected error in %s", error.path, exc_info=original)
        message, code = INTERNAL_MESSAGE, "INTERNAL_SERVER_ERROR"
    return GraphQLError(message, error.nodes, error.source, error.positions, error.path, None, {"code": code})
