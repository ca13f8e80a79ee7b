"""Idempotency keys in a write transaction: claimed before the work, its result stored after it.

The result a service's transaction returns (a domain record, or None) is kept as JSON beside the
key, so a replay hands the service the very record the first request got and the GraphQL layer
builds the same payload from it.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from hub.db.repositories import idempotency as repo
from hub.domain import models, webhooks
from hub.domain.idempotency import KeyedMutation, reused

if TYPE_CHECKING:
    from hub.db.database import Runner

# The records a mutation's transaction may return, by name.
_RECORDS: dict[str, type[Any]] = {
    name: value
    for module in (models, webhooks)
    for name, value in vars(module).items()
    if isinstance(value, type) and dataclasses.is_dataclass(value)
}


class Replay(Exception):
    """Raised inside a transaction whose key a committed request holds: the transaction rolls
    back and the first request's result is returned instead."""

    def __init__(self, result: Any) -> None:
        super().__init__("replayed")
        self.result = result


async def claim(tx: Runner, keyed: KeyedMutation) -> None:
    row = await repo.claim(
        tx,
        scope=keyed.scope,
        key=keyed.key,
        operation=keyed.operation,
        fingerprint=keyed.fingerprint,
        retention=keyed.retention_seconds,
    )
    if row["free"]:
        return
    if row["operation"] != keyed.operation or row["fingerprint"] != keyed.fingerprint:
        raise reused(keyed, row["operation"])
    raise Replay(decode(row["result"]))


async def store(tx: Runner, keyed: KeyedMutation, result: Any) -> None:
    await repo.store_result(tx, scope=keyed.scope, key=keyed.key, result=encode(result))


def encode(result: Any) -> str:
    if result is None:
        return "null"
    name = type(result).__name__
    if _RECORDS.get(name) is not type(result):
        raise TypeError(f"a mutation's transaction returned a {name}, which an idempotency key cannot keep")
    return json.dumps({"type": name, "record": _adapter(name).dump_python(result, mode="json")})


def decode(text: str) -> Any:
    stored = json.loads(text)
    if stored is None:
        return None
    return _adapter(stored["type"]).validate_python(stored["record"])


@functools.cache
def _adapter(name: str) -> TypeAdapter[Any]:
    return TypeAdapter(_RECORDS[name])


async def purge_expired(db: Runner) -> int:
    """Deletes keys past their retention, in batches; returns how many."""
    purged = 0
    while batch := await repo.purge_expired(db):
        purged += batch
    return purged
