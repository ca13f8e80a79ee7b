"""Builders that compose named Cypher constants from literal fragments, at import time.

Only literal fragments go in (basedpyright, run by CI on hub/db, holds them to `LiteralString`:
mypy accepts an f-string there, pyright does not; tests/db/test_cypher_check.py); values always
travel as `$parameters`. Every paged query answers `total` and one page of `items` in a single
statement, so a connection costs one round trip.

Pages are keyset pages (docs/architecture.md, "Cursors"): a page is the items after the
cursor's position (`$afterKey`, the ordering key's value, and `$afterId`; both null for the
first page) in the order, read up to `$limit` (one more than the page, which tells whether
another follows); nothing is skipped.
"""

from typing import LiteralString

from hub.model.graph import VISIBLE_PARTNERSHIP
from hub.model.keyset import SortKey


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


def seek_after(key: LiteralString) -> LiteralString:
    """Whether `n` comes after the cursor in the order `ordered(key)` gives, whichever way
    `$descending` says (true without a cursor): a later key, or the same key and a greater id;
    nulls sort last ascending and first descending, as ORDER BY puts them."""
    return (
        "($afterId IS NULL OR CASE"
        " WHEN $afterKey IS NULL THEN CASE WHEN $descending THEN "
        + key
        + " IS NOT NULL OR n.id > $afterId ELSE "
        + key
        + " IS NULL AND n.id > $afterId END"
        " WHEN " + key + " IS NULL THEN NOT $descending"
        " WHEN " + key + " = $afterKey THEN n.id > $afterId"
        " WHEN $descending THEN " + key + " < $afterKey"
        " ELSE " + key + " > $afterKey END)"
    )


def seek(sort: SortKey, n: LiteralString, after_key: LiteralString, after_id: LiteralString) -> LiteralString:
    """Whether `n` comes after the position (`after_key`, `after_id`) in the fixed order `sort`.

    On a key every item has it is a range on the key (`key >= $k`, or `<=` descending) that an
    index on the key serves, and a residual test for the ties (`key > $k OR id > $id`): Neo4j
    seeks to the cursor's key and reads on in index order instead of skipping the items before.
    """
    ident = n + ".id > " + after_id
    if sort.prop is None:
        return ident
    key = n + "." + sort.prop
    if not sort.nullable:
        wide, strict = ("<=", "<") if sort.descending else (">=", ">")
        return (
            key
            + " "
            + wide
            + " "
            + after_key
            + " AND ("
            + key
            + " "
            + strict
            + " "
            + after_key
            + " OR "
            + ident
            + ")"
        )
    return (
        "CASE WHEN "
        + after_key
        + " IS NULL THEN "
        + (key + " IS NOT NULL OR " + ident if sort.descending else key + " IS NULL AND " + ident)
        + " WHEN "
        + key
        + " IS NULL THEN "
        + ("false" if sort.descending else "true")
        + " WHEN "
        + key
        + " = "
        + after_key
        + " THEN "
        + ident
        + " ELSE "
        + key
        + (" < " if sort.descending else " > ")
        + after_key
        + " END"
    )


def root_page(
    body: LiteralString, order: LiteralString, after: LiteralString, projection: LiteralString
) -> LiteralString:
    """A page of `n` over `body` (MATCH ... WHERE ... binding `n`): total and items.

    The items are those of `body` that pass `after` (the cursor's predicate), in `order`, at most
    `$limit` of them. With `$limit` 0 (only `totalCount` asked for) the items are neither matched
    nor sorted: the filtered row never reaches the MATCH, and `collect` of nothing is the empty
    list. Likewise with `$counted` false (no `totalCount` asked for) nothing is counted.
    """
    return (
        "CALL () { WITH $counted AS counted WHERE counted " + body + " RETURN count(n) AS total } "
        "CALL () { WITH $limit AS wanted WHERE wanted > 0 "
        + body
        + " AND "
        + after
        + " WITH n "
        + order
        + " LIMIT $limit "
        "RETURN collect(" + projection + ") AS items } "
        "RETURN total, items"
    )


def related_page(
    anchor: LiteralString,
    body: LiteralString,
    after: LiteralString,
    order: LiteralString,
    projection: LiteralString,
) -> LiteralString:
    """For each `$ids` anchor `a` (matched by `anchor`), a page of `n` over `body` (which ends in
    a `WITH` of `n`, so `after` is its WHERE): the total and the items past the cursor."""
    return (
        "UNWIND $ids AS id " + anchor + " "
        "CALL (a) { WITH a WHERE $counted " + body + " RETURN count(n) AS total } "
        "CALL (a) { WITH a WHERE $limit > 0 "
        + body
        + " WHERE "
        + after
        + " WITH n ORDER BY "
        + order
        + " LIMIT $limit "
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
