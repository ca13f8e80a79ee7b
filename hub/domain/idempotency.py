"""Idempotency keys: a client names a mutation so that sending it again cannot apply it twice.

A client that got no answer (a timeout, a broken connection, Neo4j restarting) cannot know whether
its mutation landed. It sends the mutation again with the same `Idempotency-Key` header: if the
first one committed, the hub answers with the first one's result and writes nothing; otherwise
the mutation runs now. The key is stored with the change, in the same transaction, so "committed"
and "key stored" are one fact. Keys are scoped to the caller (two callers never share one) and
bound to the operation and its arguments: the same key with another mutation is refused.

The GraphQL layer opens a `KeyedMutation` for the request's mutation; the first write transaction
the mutation's service runs claims the key (or finds it claimed and replays its result).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from hub.errors import IdempotencyKeyError

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")


@dataclass
class KeyedMutation:
    scope: str  # the caller's subject: keys of different callers never meet
    key: str
    operation: str
    fingerprint: str  # of the operation's arguments
    retention_seconds: int
    bound: bool = False  # the key is claimed (or was found claimed) by a transaction of this request
    replayed: bool = False  # the first request's result was returned; nothing ran


CURRENT: ContextVar[KeyedMutation | None] = ContextVar("hub_idempotency_key", default=None)


def checked_key(value: str) -> str:
    if len(value) > MAX_KEY_LENGTH or not _VISIBLE_ASCII.fullmatch(value):
        raise IdempotencyKeyError(
            f"the {HEADER} header must be 1 to {MAX_KEY_LENGTH} visible ASCII characters "
            "(a random UUID is a good choice)",
            "IDEMPOTENCY_KEY_INVALID",
        )
    return value


def fingerprint(arguments: dict[str, Any]) -> str:
    """A digest of the arguments as the operation received them (input objects as dataclasses)."""
    text = json.dumps(_plain(arguments), default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def reused(keyed: KeyedMutation, operation: str) -> IdempotencyKeyError:
    what = "another operation" if operation != keyed.operation else "other arguments"
    return IdempotencyKeyError(
        f"the {HEADER} {keyed.key!r} was already used for {what} ({operation}); "
        "use a new key for a new mutation",
        "IDEMPOTENCY_KEY_REUSED",
    )


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
