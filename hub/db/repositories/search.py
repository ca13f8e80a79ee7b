"""Full-text search over organisations and sandbox projects, English or Chinese."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hub.db.database import Runner
from hub.db.mapping import from_props, organisation
from hub.domain import models

SEARCHABLE = ("Institution", "TechEnterprise", "SandboxProject")

# Hits arrive best first; the label filter and LIMIT stop reading as soon as enough are found.
SEARCH = """
CALL db.index.fulltext.queryNodes('search_text', $query) YIELD node, score
WITH node, score WHERE any(label IN labels(node) WHERE label IN $labels)
WITH node, score LIMIT $limit
RETURN node {.*, __type: CASE WHEN node:Institution THEN 'Institution'
                              WHEN node:TechEnterprise THEN 'TechEnterprise'
                              ELSE 'SandboxProject' END} AS item, score
"""

_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


NAME_BOOST = 3
# Lucene refuses a query of more than 1,024 clauses; each word costs six (exact and prefix, in
# three fields) and Chinese text one per character pair, so these bounds stay well below it.
MAX_SEARCH_CHARACTERS = 200
MAX_SEARCH_WORDS = 20


def lucene_query(text: str) -> str:
    """A Lucene query that matches each word of `text` exactly or as a prefix, names first.

    Every character Lucene gives a meaning is escaped, and the words are lower-cased so none is
    read as an operator (AND, OR, NOT): user text cannot form Lucene syntax.
    """
    words = [_LUCENE_SPECIAL.sub(r"\\\1", word.lower()) for word in text.split()]
    terms = " ".join(f"{word} {word}*" for word in words)
    return f"name:({terms})^{NAME_BOOST} nameZh:({terms})^{NAME_BOOST} description:({terms})"


@dataclass(frozen=True, slots=True)
class Hit:
    score: float
    node: models.Institution | models.TechEnterprise | models.SandboxProject


def _node(
    item: dict[str, Any],
) -> models.Institution | models.TechEnterprise | models.SandboxProject:
    if item["__type"] == "SandboxProject":
        return from_props(models.SandboxProject, item)
    return organisation(item)


async def search(db: Runner, *, text: str, limit: int, labels: tuple[str, ...] = SEARCHABLE) -> list[Hit]:
    """The best `limit` hits for `text` among nodes with one of `labels`."""
    rows = await db.read(SEARCH, query=lucene_query(text), limit=limit, labels=list(labels))
    return [Hit(row["score"], _node(row["item"])) for row in rows]
