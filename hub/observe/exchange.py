"""What one request did, filled in as it goes (the caller once authenticated, the operation once
chosen, the cost once screened, error codes once answered) and read by the access line and the
metrics when it ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.types import Scope

CLIENT_CLOSED = "client_closed"
CLIENT_CLOSED_STATUS = 499  # what the access line says for it, as nginx does: no answer was sent


@dataclass(slots=True)
class Exchange:
    request_id: str
    caller: str | None = None
    operation: str | None = None
    cost: int | None = None
    codes: list[str] = field(default_factory=list)
    client_closed: bool = False  # the client went away before it was answered

    def outcome(self, status: int) -> str:
        """`client_closed`, `ok`, the first error code the answer carried, or the HTTP status class."""
        if self.client_closed:
            return CLIENT_CLOSED
        if self.codes:
            return self.codes[0]
        return "ok" if status < 400 else f"http_{status}"


def exchange_in(scope: Scope) -> Exchange | None:
    """The exchange of the request in `scope` (none for an app served without the access middleware)."""
    found = scope.get("state", {}).get("exchange")
    return found if isinstance(found, Exchange) else None


def exchange_of(request: Any) -> Exchange | None:
    """The request's exchange (none for an app served without the access middleware)."""
    return exchange_in(request.scope)


def note(request: Any, *, caller: str | None = None, code: str | None = None) -> None:
    """Records the caller or an error code on the request's exchange, if it has one."""
    exchange = exchange_of(request)
    if exchange is None:
        return
    if caller is not None:
        exchange.caller = caller
    if code is not None:
        exchange.codes.append(code)
