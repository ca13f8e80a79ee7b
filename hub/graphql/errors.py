"""Every error leaves the API with a stable `extensions.code` and without internals.

`shaped` is what a client sees; `log_errors` is what the log keeps: a client's mistake (bad
input, refused, invalid operation) as one line without a traceback, an unexpected failure with
its traceback (which never reaches the client).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from graphql import GraphQLError

from hub.errors import (
    CommitOutcomeUnknown,
    DatabaseUnavailable,
    IdempotencyKeyError,
    OperationTimeout,
    UserInputError,
)

log = logging.getLogger("hub.graphql")

INTERNAL_MESSAGE = "Internal server error"
INTERNAL_CODE = "INTERNAL_SERVER_ERROR"
UNAVAILABLE_MESSAGE = "The graph database is unavailable; try again shortly"
UNKNOWN_OUTCOME_MESSAGE = (
    "The graph database became unreachable while the change was being committed, so it may or may "
    "not have been made; send the mutation again with the same Idempotency-Key to find out "
    "without making it twice"
)


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
        # The message is graphql-core's, which for a variable names it and the place inside it
        # ("Variable '$f' has invalid value at .proposedTo: ..."); the original's alone does not.
        extensions = original.extensions or {"code": "BAD_USER_INPUT"}
        return GraphQLError(
            error.message, error.nodes, error.source, error.positions, error.path, None, extensions
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
    if isinstance(original, IdempotencyKeyError):
        message, code = str(original), original.code
    elif isinstance(original, OperationTimeout):
        message, code = "The operation ran past its time limit; ask for less", "TIMEOUT"
    elif isinstance(original, CommitOutcomeUnknown):
        message, code = UNKNOWN_OUTCOME_MESSAGE, "SERVICE_UNAVAILABLE"
    elif isinstance(original, DatabaseUnavailable):
        message, code = UNAVAILABLE_MESSAGE, "SERVICE_UNAVAILABLE"
    else:
        message, code = INTERNAL_MESSAGE, INTERNAL_CODE
    return GraphQLError(message, error.nodes, error.source, error.positions, error.path, None, {"code": code})


def log_errors(errors: Iterable[GraphQLError], operation: str | None) -> None:
    """One line per error: the operation, where, the code and the message the client got (its
    text quoted, so input echoed in it cannot start a new log line); a traceback only for an
    unexpected failure."""
    name = operation or "(anonymous)"
    for error in errors:
        shown = shaped(error)
        code = (shown.extensions or {}).get("code")
        where = ".".join(map(str, error.path)) if error.path else "-"
        if code == INTERNAL_CODE:
            log.error("%s %s %s: unexpected error", name, where, code, exc_info=error.original_error)
        elif isinstance(error.original_error, DatabaseUnavailable):
            log.warning("%s %s %s: %s", name, where, code, error.original_error)
        else:
            log.info("%s %s %s: %r", name, where, code, shown.message)
