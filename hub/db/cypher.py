"""Builders that compose named Cypher constants from literal fragments, at import time.

Only literal fragments go in (basedpyright, run by CI on hub/db, holds them to `LiteralString`:
mypy accepts an f-string there, pyright does not; tests/db/test_cypher_check.py); values always
travel as `$parameters`. Every paged query answers `total` and one page of `items` in a single
statement, so a connection costs one round trip.
"""

from typing import LiteralString

from hub.model.graph import VISIBLE_PARTNERSHIP


def organisation_map(var: LiteralString) -> LiteralString:
    """A property map of an Institution or TechEnterprise carrying its label in `__type`."""
    return (
        var + " {.*, __type: CASE WHEN " + var + ":Institution THEN 'Institution' ELSE 'TechEnterprise' END}"
    )


def ordered(key: LiteralString) -> LiteralString:
    """ORDER BY `key`, ascending unless `$descending`, with the id as tie-breaker."""
    return (
        "ORDER BY CASE WHEN $descending THEN null ELSE " + key + " END, "
        "CASE WHEN $descending THEN " + key + " END DESC, n.id"
    )


def root_page(body: LiteralString, order: LiteralString, projection: LiteralString) -> LiteralString:
    """A page of `n` over `body` (MATCH ... WHERE ... binding `n`): total and items.

    With `$limit` 0 (only `totalCount` asked for) the items are neither matched nor sorted: the
    filtered row never reaches the MATCH, and `collect` of nothing is the empty list. Likewise
    with `$counted` false (neither `totalCount` nor `pageInfo` asked for) nothing is counted.
    """
    return (
        "CALL () { WITH $counted AS counted WHERE counted " + body + " RETURN count(n) AS total } "
        "CALL () { WITH $limit AS wanted WHERE wanted > 0 "
        + body
        + " WITH n "
        + order
        + " SKIP $skip LIMIT $limit "
        "RETURN collect(" + projection + ") AS items } "
        "RETURN total, items"
    )


def related_page(
    anchor: LiteralString, body: LiteralString, order: LiteralString, projection: LiteralString
) -> LiteralString:
    """For each `$ids` anchor `a` (matched by `anchor`), a page of `n` over `body`."""
    return (
        "UNWIND $ids AS id " + anchor + " "
        "CALL (a) { " + body + " RETURN count(n) AS total } "
        "CALL (a) { " + body + " WITH n ORDER BY " + order + " SKIP $skip LIMIT $limit "
        "RETURN collect(" + projection + ") AS items } "
        "RETURN id, total, items"
    )


def visible_partnership(p: LiteralString) -> LiteralString:
    """Whether the caller (`$viewerOrg`, `$seesAll`) may see partnership `p`: the model's rule."""
    return VISIBLE_PARTNERSHIP.replace("{n}", p)


def choose_start(queries: dict[str, LiteralString], **given: object) -> LiteralString:
    """Of variants of one page query keyed by where they start reading, the one starting from the
    first of `given` (most selective first) that is set, else `queries["all"]`."""
    for anchor, value in given.items():
        if value is not None and anchor in queries:
            return queries[anchor]
    return queries["all"]
