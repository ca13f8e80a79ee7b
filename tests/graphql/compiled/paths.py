"""Two hubs on one graph for one caller: one with a fast path on, one answering through the
standard executor, for the differential tests of that path."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

from hub.db.database import Database
from hub.domain.enums import Role
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import serve


@contextlib.asynccontextmanager
async def both_paths(
    db: Database, settings: Settings, role: Role, org: str | None, switch: str, **update: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """(fast, standard): clients of the hub with the setting `switch` on and off, `update`
    applied to both, with a key for `role` (of `org`)."""
    key = (await ApiKeys(db).create(role, org)).key
    headers = {"Authorization": f"Bearer {key}"}
    fast = settings.model_copy(update={switch: True, **update})
    standard = fast.model_copy(update={switch: False})
    async with serve(fast, db, headers) as compiled, serve(standard, db, headers) as executor:
        yield compiled, executor
