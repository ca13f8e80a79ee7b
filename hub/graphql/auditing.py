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
    async def resolve(
        self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any
    ) -> Any:
        principal = info.context.principal
        if info.parent_type.name != "Mutation" or principal is None:
            result = _next(root, info, *args, **kwargs)
            return await result if hasattr(result, "__await__") else result
        draft = audit.AuditDraft(principal, info.field_name, audit.serialise(_plain(kwargs)))
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
