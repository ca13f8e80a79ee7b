"""Root lookups: `node`, `nodes` and full-text `search`."""

from __future__ import annotations

import asyncio
from enum import StrEnum

import strawberry

from hub.db.repositories.search import MAX_SEARCH_CHARACTERS, MAX_SEARCH_WORDS
from hub.graphql.context import Info
from hub.graphql.nodes import NODE_TYPES, SearchResult, to_node
from hub.graphql.relay import Node, bad_argument, bounded_first, from_global_id, max_page


@strawberry.enum(description="What full-text search looks through.")
class SearchType(StrEnum):
    INSTITUTION = "Institution"
    TECH_ENTERPRISE = "TechEnterprise"
    SANDBOX_PROJECT = "SandboxProject"


def check_search_text(text: str) -> None:
    """Refuses a search text that is blank or too long (Lucene has a clause limit)."""
    if not text.strip():
        raise bad_argument("text", "must not be blank")
    if len(text) > MAX_SEARCH_CHARACTERS:
        raise bad_argument("text", f"must be at most {MAX_SEARCH_CHARACTERS} characters (got {len(text)})")
    if len(text.split()) > MAX_SEARCH_WORDS:
        raise bad_argument("text", f"must be at most {MAX_SEARCH_WORDS} words (got {len(text.split())})")


@strawberry.type
class SearchHit:
    score: float
    node: SearchResult


async def _load(info: Info, global_id: str) -> Node | None:
    parsed = from_global_id(global_id)
    if parsed is None or parsed[0] not in NODE_TYPES:
        return None
    record = await info.context.loaders.nodes(parsed[0]).load(parsed[1])
    node: Node | None = to_node(record) if record is not None else None
    return node


@strawberry.type
class LookupQueries:
    @strawberry.field(description="Any object by its global id; null if there is none.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await _load(info, id)

    @strawberry.field(description="Objects by global id, in the order asked; null where there is none.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > (limit := max_page()):
            raise bad_argument("ids", f"at most {limit} ids at once, the largest page (got {len(ids)})")
        return list(await asyncio.gather(*(_load(info, i) for i in ids)))

    @strawberry.field(
        description="Institutions, tech enterprises and sandbox projects whose English or Chinese "
        f"name or description matches `text` (at most {MAX_SEARCH_WORDS} words, "
        f"{MAX_SEARCH_CHARACTERS} characters), best first; only those of `types` if given."
    )
    async def search(
        self, info: Info, text: str, first: int = 20, types: list[SearchType] | None = None
    ) -> list[SearchHit]:
        check_search_text(text)
        if types is not None and not types:
            raise bad_argument("types", "must name at least one type (or be left out for all)")
        labels = tuple(t.value for t in types) if types else tuple(t.value for t in SearchType)
        hits = await info.context.services.catalogue.search(text, bounded_first(first), labels)
        return [SearchHit(score=h.score, node=to_node(h.node)) for h in hits]
