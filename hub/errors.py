"""The hub's error tree.

    HubError
    ├── ConfigurationError      settings are missing, malformed or placeholders
    ├── ServerSetupError        the managed Neo4j server could not be fetched, configured or started
    ├── DatabaseUnavailable     Neo4j does not answer (clients get 503 SERVICE_UNAVAILABLE, Retry-After)
    │   └── CommitOutcomeUnknown   the connection broke while a commit was under way: it may have landed
    ├── OperationTimeout        an operation or its Neo4j transaction ran past its time limit
    ├── AuthenticationError     credentials are missing, malformed, expired or revoked
    ├── IdempotencyKeyError     an Idempotency-Key is malformed, or came back with another mutation
    ├── SeedError               seed files hold bad records (every problem, with file and record)
    └── UserInputError          a caller's input was refused (field errors)
        ├── NotFoundError       a referenced node does not exist
        └── TransitionError     a lifecycle does not allow the requested change

User input errors carry a list of `FieldError`s so the API can return them as `userErrors`.
"""

from __future__ import annotations

from dataclasses import dataclass


class HubError(Exception):
    """Base class of every error the hub raises on purpose."""


class ConfigurationError(HubError):
    pass


class ServerSetupError(HubError):
    pass


class AuthenticationError(HubError):
    pass


class DatabaseUnavailable(HubError):
    retry_after_seconds = 5  # what a client is told to wait: about what Neo4j takes to come back


class CommitOutcomeUnknown(DatabaseUnavailable):
    pass


class IdempotencyKeyError(HubError):
    """`code` is stable: IDEMPOTENCY_KEY_INVALID, IDEMPOTENCY_KEY_REUSED."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class OperationTimeout(HubError):
    pass


@dataclass(frozen=True, slots=True)
class SeedProblem:
    file: str
    record: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.problem}"


class SeedError(HubError):
    def __init__(self, problems: list[SeedProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the seed files; nothing was written:\n{lines}")


@dataclass(frozen=True, slots=True)
class FieldError:
    """One refused input value: `field` is a dotted path into the input, `code` is stable."""

    field: str
    message: str
    code: str = "INVALID"


class UserInputError(HubError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))

    @classmethod
    def single(cls, field: str, message: str, code: str = "INVALID") -> UserInputError:
        return cls([FieldError(field, message, code)])


class NotFoundError(UserInputError):
    def __init__(self, field: str, kind: str, node_id: str) -> None:
        super().__init__([FieldError(field, f"no {kind} with id {node_id!r}", "NOT_FOUND")])


class TransitionError(UserInputError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__([FieldError(field, message, "INVALID_TRANSITION")])
