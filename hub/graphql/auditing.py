"""Every mutation, allowed or refused, leaves an audit entry (see hub/domain/audit.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from strawberry.extensions import SchemaExtension

from hub.db.repositories import audit as repo
from hub.domain import audit


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
        draft = audit.AuditDraft(info.context.principal, info.field_name, audit.serialise(_plain(kwargs)))
        token = audit.CURRENT.set(draft)
        try:
            result = _next(root, info, *args, **kwargs)
            result = await result if hasattr(result, "__await__") else result
        except Exception as exc:
            draft.errors = [str(exc)]
            await self._record(info, draft, "REFUSED")
            raise
        finally:
            audit.CURRENT.reset(token)
        refusals = getattr(result, "user_errors", None)
        if refusals:
            draft.errors = [f"{e.field}: {e.message}" for e in refusals]
            await self._record(info, draft, "REFUSED")
        elif not draft.written:
            await self._record(info, draft, "ALLOWED")
        return result

    @staticmethod
    async def _record(info: Any, draft: audit.AuditDraft, outcome: str) -> None:
        await repo.record(info.context.services.catalogue.db, entry=draft.row(outcome))
        draft.written = True
