"""The `Idempotency-Key` header: makes the request's one mutation safe to send again.

See hub/domain/idempotency.py. The header applies to the single mutation of the request; an
operation with several mutation fields sent with a key is refused, since one key cannot name
several changes. Queries ignore it (they change nothing). A replayed answer carries the header
`Idempotent-Replayed: true`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode
from strawberry.extensions import SchemaExtension

from hub.domain import audit, idempotency
from hub.errors import IdempotencyKeyError

REPLAYED_HEADER = "Idempotent-Replayed"


class IdempotentMutations(SchemaExtension):
    def __init__(self, *, retention_seconds: int) -> None:
        self.retention_seconds = retention_seconds

    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        # Only root mutation fields sent with the header; every other field resolves untouched.
        request = info.context.request
        key = request.headers.get(idempotency.HEADER) if request is not None else None
        if key is None or info.parent_type.name != "Mutation" or info.context.principal is None:
            return _next(root, info, *args, **kwargs)
        return self._keyed(key, _next, root, info, args, kwargs)

    async def _keyed(
        self,
        key: str,
        _next: Callable[..., Any],
        root: Any,
        info: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        idempotency.checked_key(key)
        fields = _root_fields(info.operation.selection_set, info.fragments)
        if fields != 1:
            raise IdempotencyKeyError(
                f"the {idempotency.HEADER} header applies to one mutation, and this operation has "
                f"{fields}; send each with its own key",
                "IDEMPOTENCY_KEY_INVALID",
            )
        draft = audit.CURRENT.get()
        if draft is not None:
            draft.idempotency_key = key
        keyed = idempotency.KeyedMutation(
            scope=info.context.principal.subject,
            key=key,
            operation=info.field_name,
            fingerprint=idempotency.fingerprint(kwargs),
            retention_seconds=self.retention_seconds,
        )
        token = idempotency.CURRENT.set(keyed)
        try:
            result = _next(root, info, *args, **kwargs)
            result = await result if hasattr(result, "__await__") else result
        finally:
            idempotency.CURRENT.reset(token)
        if keyed.replayed and info.context.response is not None:
            info.context.response.headers[REPLAYED_HEADER] = "true"
        return result


def _root_fields(selection_set: SelectionSetNode, fragments: dict[str, Any]) -> int:
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += selection.name.value != "__typename"
        elif isinstance(selection, InlineFragmentNode):
            count += _root_fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            count += _root_fields(fragments[selection.name.value].selection_set, fragments)
    return count
