"""Each side's own cursor for the deep page, found before the run by walking the pages before it.

The hub's and the peer's cursors are opaque strings in formats of their own (the hub's are
keyset cursors: docs/architecture.md, "Cursors"), so none is decoded or made up: every side asks for page after page with the cursor its
previous answer gave (`after: endCursor`), as a client paging through would. The floor walks
with its own keyset statement and keeps the key of the last item it passed. All three must stop
at the same page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bench.operations import DEEP_PAGE, OPERATIONS, Target

# (GraphQL text, variables) -> the answer's `data`; (Cypher, parameters) -> rows.
Post = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
Read = Callable[[str, dict[str, Any]], Awaitable[list[dict[str, Any]]]]
# A cursor -> the cursor at the end of the page it opens, and whether a page follows.
Step = Callable[[Any], Awaitable[tuple[Any, bool]]]

OPERATION = next(o for o in OPERATIONS if o.name == "deep page")


async def walk(step: Step, depth: int = DEEP_PAGE) -> tuple[int, Any]:
    """The number of the page to measure (`depth`, or the last page if there are fewer) and the
    cursor that opens it (None for the first page)."""
    page, after = 1, None
    while page < depth:
        end, more = await step(after)
        if not more:
            break
        page, after = page + 1, end
    return page, after


async def deep_page_cursors(target: Target, *, hub: Post, peer: Post, floor: Read) -> Target:
    """`target` with the deep page's number and each side's cursor for it."""

    async def hub_step(after: str | None) -> tuple[str, bool]:
        data = await hub(OPERATION.hub, OPERATION.hub_vars(replace(target, hub_after=after)))
        info = data["institutions"]["pageInfo"]
        return info["endCursor"], info["hasNextPage"]

    async def peer_step(after: str | None) -> tuple[str, bool]:
        data = await peer(OPERATION.peer, OPERATION.peer_vars(replace(target, peer_after=after)))
        info = data["institutionsConnection"]["pageInfo"]
        return info["endCursor"], info["hasNextPage"]

    async def floor_step(after: tuple[str, str] | None) -> tuple[tuple[str, str] | None, bool]:
        rows = await floor(OPERATION.cypher, OPERATION.cypher_params(replace(target, floor_after=after)))
        last = rows[0]["items"][-1] if rows[0]["items"] else None
        return (None if last is None else (last["name"], last["id"])), rows[0]["more"]

    hub_page, hub_after = await walk(hub_step)
    peer_page, peer_after = await walk(peer_step)
    floor_page, floor_after = await walk(floor_step)
    if not hub_page == peer_page == floor_page:
        raise AssertionError(
            f"the deep page walks stopped at different pages: hub {hub_page}, peer {peer_page}, "
            f"floor {floor_page}"
        )
    return replace(
        target, deep_page=hub_page, hub_after=hub_after, peer_after=peer_after, floor_after=floor_after
    )
