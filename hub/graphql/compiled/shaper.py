"""The answer of a compiled statement as the GraphQL response: keys in selection order, global
ids, cursors and page info, with no resolver per field.

It reads the layout hub/db/repositories/compiled.py writes: an object is a list of its
fields' values (after its type's label when it may be of several types), a connection is
`[total, items, limit]` (one item more than the page when another follows) and each item its
position (the ordering key's value and the id, for its cursor), then one object per selection
slot.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from hub.graphql.cursors import encode
from hub.graphql.relay import to_global_id
from hub.model.plan import Follow, Lookup, Operation, Page, RootPage, Scalar, SearchHits, Selection, TypeName
from hub.model.types import Kind, Model

Shape = Callable[[Any], Any]

# A global id is base64 of its type and key, about a third of a microsecond in Python, and a page
# of nested objects has dozens of them: the ids of the objects clients ask for again and again
# are remembered (bounded; an id is some 60 bytes).
_global_id = functools.lru_cache(maxsize=16_384, typed=True)(to_global_id)


def operation_shaper(operation: Operation, model: Model) -> Callable[[list[Any]], dict[str, Any]]:
    roots = [(key, _root(item, model)) for key, item in operation.roots]

    def shape(data: list[Any]) -> dict[str, Any]:
        return {key: run(value) for (key, run), value in zip(roots, data, strict=True)}

    return shape


def _root(item: RootPage | Lookup | SearchHits | TypeName, model: Model) -> Shape:
    if isinstance(item, TypeName):
        name = item.name
        return lambda _: name
    if isinstance(item, RootPage):
        return _page(item.page, model)
    if isinstance(item, SearchHits):
        return _hits(item, model)
    return _lookup(item, model)


def _hits(item: SearchHits, model: Model) -> Shape:
    node = _selection(item.target, model)
    parts = item.parts

    def hit(value: list[Any]) -> dict[str, Any]:
        score, found = value
        return {
            key: score if what == "score" else node(found) if what == "node" else what for key, what in parts
        }

    return lambda hits: [hit(h) for h in hits]


def _lookup(item: Lookup, model: Model) -> Shape:
    # Each type's rows come from their own subquery, untagged.
    objects = {t: _fields(fields, model, tagged=False) for t, fields in item.target.by_type.items()}
    groups = list(item.keys)
    positions = item.positions
    single = item.single

    def shape(found: list[Any]) -> Any:
        by_position = {
            (type_name, index): value
            for type_name, rows in zip(groups, found, strict=True)
            for index, value in rows
        }
        results = [
            None if p is None or (values := by_position.get(p)) is None else objects[p[0]](values)
            for p in positions
        ]
        return results[0] if single else results

    return shape


def selection_shaper(selection: Selection, model: Model) -> Shape:
    """A node's answer from what hub/db/repositories/compiled.py's `emit_projection` read of it."""
    return _selection(selection, model)


def _selection(selection: Selection, model: Model) -> Shape:
    by_label = {
        model.node(t).label: _fields(items, model, tagged=len(selection.by_type) > 1)
        for t, items in selection.by_type.items()
    }
    if len(by_label) == 1:
        (only,) = by_label.values()
        return only  # it answers None for None itself: one call per object, not two
    return lambda value: None if value is None else by_label[value[0]](value)


def _fields(items: list[tuple[str, Any]], model: Model, tagged: bool) -> Shape:
    """An object (None for None) from its list of values, after its label when `tagged`: (key,
    position or -1, conversion or constant) for each field.

    Shaping runs once per object of the answer (93 for the benchmark's nested read), most of
    them of one field (a name, a nested object): those skip the comprehension. Measured on the
    benchmark's answers, a copy of a template dict with the values zipped in was twice as slow
    as this for such small objects."""
    plan: list[tuple[str, int, Any]] = []
    position = 1 if tagged else 0
    for key, item in items:
        if isinstance(item, TypeName):
            plan.append((key, -1, item.name))
            continue
        plan.append((key, position, _value(item, model)))
        position += 1
    if len(plan) == 1 and plan[0][1] >= 0:
        ((key, index, convert),) = plan
        if convert is None:
            return lambda values: None if values is None else {key: values[index]}
        return lambda values: None if values is None else {key: convert(values[index])}

    def shape(values: list[Any] | None) -> dict[str, Any] | None:
        if values is None:
            return None
        return {
            key: convert if index < 0 else (convert(values[index]) if convert else values[index])
            for key, index, convert in plan
        }

    return shape


def _value(item: Scalar | Follow | Selection, model: Model) -> Shape | None:
    if isinstance(item, Selection):
        return _selection(item, model)
    if isinstance(item, Scalar):
        if item.prop.kind is Kind.ID:
            type_name = item.type_name
            return lambda key: None if key is None else _global_id(type_name, key)
        return None
    return _follow(item, model)


def _follow(follow: Follow, model: Model) -> Shape:
    if follow.page is not None:
        return _page(follow.page, model)
    if follow.wrapper is not None:
        one = _fields(list(follow.wrapper), model, tagged=False)
    else:
        assert follow.target is not None
        one = _selection(follow.target, model)
    if follow.relation.many:
        return lambda values: list(map(one, values))
    return one  # None for None


_FIRST_SLOT = 2  # an item is [key, id, slot 0, slot 1, ...]


def _page(page: Page, model: Model) -> Shape:
    slots = [_selection(slot, model) for slot in page.slots]
    parts = page.parts
    order = page.sort.name
    previous = page.after is not None

    def cursor(item: list[Any]) -> str:
        return encode(order, item[0], item[1])

    def shape(value: list[Any]) -> dict[str, Any]:
        total, read, limit = value
        read = read or []
        items = read[:limit]
        answer: dict[str, Any] = {}
        for key, part in parts:
            if part.what == "totalCount":
                answer[key] = total
            elif part.what == "__typename":
                answer[key] = part.type_name
            elif part.what == "nodes":
                run, at = slots[part.slot], _FIRST_SLOT + part.slot
                answer[key] = [run(item[at]) for item in items]
            elif part.what == "edges":
                answer[key] = [_edge(part.fields, slots, item, cursor) for item in items]
            else:
                answer[key] = _page_info(part.fields, items, len(read) > limit, previous, cursor)
        return answer

    return shape


def _edge(
    fields: tuple[tuple[str, str, int], ...],
    slots: list[Shape],
    item: list[Any],
    cursor: Callable[[Any], str],
) -> Any:
    edge: dict[str, Any] = {}
    for key, name, slot in fields:
        if name == "cursor":
            edge[key] = cursor(item)
        elif name == "node":
            edge[key] = slots[slot](item[_FIRST_SLOT + slot])
        else:
            edge[key] = name  # __typename
    return edge


def _page_info(
    fields: tuple[tuple[str, str, int], ...],
    items: list[Any],
    more: bool,
    previous: bool,
    cursor: Callable[[Any], str],
) -> Any:
    info: dict[str, Any] = {}
    for key, name, _ in fields:
        if name == "hasNextPage":
            info[key] = more
        elif name == "hasPreviousPage":
            info[key] = previous
        elif name == "startCursor":
            info[key] = cursor(items[0]) if items else None
        elif name == "endCursor":
            info[key] = cursor(items[-1]) if items else None
        else:
            info[key] = name  # __typename
    return info
