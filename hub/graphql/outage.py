"""GraphQL answers when Neo4j cannot be reached: HTTP 503, `Retry-After`, code SERVICE_UNAVAILABLE."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.types import ExecutionResult

from hub.errors import DatabaseUnavailable
from hub.graphql.errors import UNAVAILABLE_MESSAGE

RETRY_AFTER_SECONDS = DatabaseUnavailable.retry_after_seconds


def mark_unavailable(sub_response: Any) -> None:
    sub_response.status_code = 503
    sub_response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)


def unavailable(sub_response: Any) -> ExecutionResult:
    """The whole request refused because Neo4j does not answer (e.g. while authenticating)."""
    mark_unavailable(sub_response)
    extensions = {"code": "SERVICE_UNAVAILABLE", "retryAfter": RETRY_AFTER_SECONDS}
    return ExecutionResult(data=None, errors=[GraphQLError(UNAVAILABLE_MESSAGE, extensions=extensions)])


def database_unreachable(result: ExecutionResult) -> bool:
    """Whether a field failed because Neo4j does not answer: then the whole answer is a 503."""
    return any(isinstance(e.original_error, DatabaseUnavailable) for e in result.errors or [])
