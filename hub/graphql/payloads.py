"""Mutation payloads: the changed node, or the reasons it was refused as typed `userErrors`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from hub.errors import UserInputError

T = TypeVar("T")


@strawberry.type(description="Why an input was refused. Nothing was written.")
class UserError:
    field: str = strawberry.field(description="Path of the refused input field, e.g. `input.name`.")
    message: str
    code: str = strawberry.field(description="Stable code: REQUIRED, NOT_FOUND, INVALID_TRANSITION, ...")


async def attempt(call: Callable[[], Awaitable[Any]]) -> tuple[Any | None, list[UserError]]:
    """Runs a service call; a refusal becomes user errors instead of a GraphQL error."""
    try:
        return await call(), []
    except UserInputError as refused:
        return None, [
            UserError(field=f"input.{e.field}", message=e.message, code=e.code) for e in refused.errors
        ]
