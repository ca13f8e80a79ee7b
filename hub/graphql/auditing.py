"""Every mutation, allowed, refused or failed, leaves an audit entry (see hub/domain/audit.py)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from hub.db.repositories import audit as repo
from hub.domain import audit
from hub.errors import DatabaseUnavailable, HubError, IdempotencyKeyError, UserInputError

log = logging.getLogger("hub.audit")

# What a caller is told no to (policy, input, lifecycle): REFUSED. Anything else went wrong on
# the hub's side: FAILED.
_REFUSALS = (UserInputError, GraphQLError, IdempotencyKeyError)
FAILED_MESSAGE = "the mutation failed with an internal error; see the hub's log"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class AuditMutations(SchemaExtension):
    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        # Only root mutation fields are audited. Every other field resolves exactly as it would
        # without this extension: wrapping it in a coroutine would make graphql-core schedule a
        # task for each field of each item, which costs more than the field itself.
        if info.parent_type.name != "Mutation" or info.context.principal is None:
            return _next(root, info, *args, **kwargs)
        return self._audited(_next, root, info, args, kwargs)

    async def _audited(
        self, _next: Callable[..., Any], root: Any, info: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        db = info.context.services.catalogue.db
        draft = new_draft(info.context.principal, info.field_name, kwargs)
        token = audit.CURRENT.set(draft)
        try:
            result = _next(root, info, *args, **kwargs)
            result = await result if hasattr(result, "__await__") else result
        except Exception as exc:
            await record_failure(db, draft, exc)
            raise
        finally:
            audit.CURRENT.reset(token)
        await record_outcome(db, draft, getattr(result, "user_errors", None))
        return result


def new_draft(principal: Any, operation: str, kwargs: dict[str, Any]) -> audit.AuditDraft:
    """The audit draft of a root mutation field called with `kwargs` (the resolver's arguments)."""
    return audit.AuditDraft(principal, operation, audit_input(kwargs))


def audit_input(kwargs: dict[str, Any]) -> str:
    """A root mutation field's arguments as its audit entry records them."""
    return audit.serialise(_plain(kwargs))


async def record_outcome(db: Any, draft: audit.AuditDraft, refusals: list[Any] | None) -> None:
    """REFUSED with the payload's user errors, else ALLOWED unless the change's own transaction
    already wrote it."""
    if refusals:
        draft.errors = [f"{e.field}: {e.message}" for e in refusals]
        await _record(db, draft, "REFUSED")
    elif not draft.written:
        await _record(db, draft, "ALLOWED")


async def _record(db: Any, draft: audit.AuditDraft, outcome: str) -> None:
    await repo.record(db, entry=draft.row(outcome))
    draft.written = True


async def record_failure(db: Any, draft: audit.AuditDraft, exc: Exception) -> None:
    """REFUSED or FAILED, in a transaction of its own: the mutation's own one rolled back.

    Nothing is recorded when the mutation's transaction had already committed its ALLOWED entry,
    nor tried when the database is unavailable; a failure to record is logged, never raised over
    the mutation's own error.
    """
    if draft.written:
        return
    refused = isinstance(exc, _REFUSALS)
    draft.errors = [str(exc) if refused or isinstance(exc, HubError) else FAILED_MESSAGE]
    if isinstance(exc, DatabaseUnavailable):
        log.warning("audit entry for %s not written: the database is unavailable", draft.operation)
        return
    try:
        await repo.record(db, entry=draft.row("REFUSED" if refused else "FAILED"))
        draft.written = True
    except Exception:
        log.exception("audit entry for %s could not be written", draft.operation)


async def record_unexecuted(
    context: Any, fields: list[tuple[str, dict[str, Any]]], errors: list[str]
) -> None:
    """REFUSED entries for the root fields of a mutation refused before it ran (bad text inputs)."""
    principal = getattr(context, "principal", None)
    if principal is None:
        return
    for operation, arguments in fields:
        draft = audit.AuditDraft(principal, operation, audit.serialise(arguments), errors=list(errors))
        await repo.record(context.services.catalogue.db, entry=draft.row("REFUSED"))
