"""A plan (hub/model/plan.py) as one Cypher statement, and running it.

The statement returns one row with one column, `data`: a list with one value per root field
of the operation, in order. Every object is a list of its fields' values in response order
(objects that may be of several types start with their type's name); a connection is
`[total, items, limit]`, with up to limit + 1 items (the one more says another page follows),
each `[key, id, <one object per selection slot>]`: its position in the order, for its cursor.
Pages are keyset pages: after a cursor, a predicate on the ordering key and the id seeks past
it (hub/db/cypher.py `seek`), never a SKIP. The shaper (hub/graphql/compiled/shaper.py) reads
exactly this layout.

The text is made only of the model's literal templates and of names made here; values are
`$parameters` (the plan's `Param`s, named `$p0`, `$p1`, ... in the order they are met).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString

from hub.db.cypher import seek
from hub.db.database import Database
from hub.model.keyset import SortKey
from hub.model.plan import (
    AppliedFilter,
    DenseRead,
    Follow,
    Lookup,
    Operation,
    Page,
    Param,
    RootPage,
    Scalar,
    SearchHits,
    Selection,
    TypeName,
)
from hub.model.types import Kind, Model

# A page reads the ordering's index instead of a dense start's node when d^2 > fetch x t x DENSE
# (_Emitter.choose): on 100,000 organisations a node check in the index read cost about 6x a row
# read from the node (bench/profiling.md, "A dense start"); 8 leans to the node, whose cost is
# bounded by its degree.
DENSE: LiteralString = "8"


def _name(prefix: LiteralString, number: int) -> LiteralString:
    """`prefix` followed by a number: the only text here that is not a model literal."""
    # mypy reads LiteralString as str; a checker that enforces it sees this one exception.
    return prefix + str(int(number))  # type: ignore[return-value,operator,unused-ignore]


@dataclass(frozen=True, slots=True)
class Statement:
    text: LiteralString
    params: tuple[tuple[str, Param], ...]  # parameter name (without $) -> where its value comes from


def emit(operation: Operation, model: Model) -> Statement:
    return _Emitter(model).operation(operation)


def emit_projection(selection: Selection, model: Model, n: LiteralString) -> Statement:
    """An expression reading `selection` of the node bound to `n` in another statement (a
    compiled mutation's payload, read back in the change's statement), with its parameters."""
    emitter = _Emitter(model)
    return Statement(emitter.selection(selection, n), tuple(emitter.params))


async def run(db: Database, *, text: LiteralString, params: dict[str, Any]) -> list[Any]:
    """The `data` list of a compiled statement (one read, one round trip)."""
    row = await db.read_single(text, **params)
    data: list[Any] = row["data"]
    return data


class _Emitter:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.params: list[tuple[str, Param]] = []
        self.named: dict[int, LiteralString] = {}
        self.variables = 0
        self.conditional = False

    def operation(self, operation: Operation) -> Statement:
        calls: list[LiteralString] = []
        values: list[LiteralString] = []
        for _, item in operation.roots:
            if isinstance(item, TypeName):
                values.append("null")
            elif isinstance(item, RootPage):
                values.append(self.root_page(item, calls))
            elif isinstance(item, SearchHits):
                values.append(self.search(item, calls))
            else:
                values.append(self.lookup(item, calls))
        text = " ".join(calls) + " RETURN [" + ", ".join(values) + "] AS data"
        if self.conditional:
            text = "CYPHER 25 " + text  # WHEN (Cypher 25's conditional query) is used
        return Statement(text, tuple(self.params))

    # -- names ------------------------------------------------------------------------------

    def param(self, param: Param) -> LiteralString:
        known = self.named.get(id(param))
        if known is None:
            known = _name("p", len(self.params))
            self.params.append((known, param))
            self.named[id(param)] = known
        return "$" + known

    def var(self) -> LiteralString:
        self.variables += 1
        return _name("v", self.variables)

    # -- roots ------------------------------------------------------------------------------

    def root_page(self, item: RootPage, calls: list[LiteralString]) -> LiteralString:
        n = self.var()
        node_type = self.model.node(item.root.type_name)
        if item.start is not None and item.start_value is not None:
            pattern = item.start.match.replace("{n}", n).replace("{value}", self.param(item.start_value))
        else:
            pattern = "(" + n + ":" + node_type.label + ")"
        filters: list[LiteralString] = [self.predicate(f, {"{n}": n}) for f in item.filters]
        predicates: list[LiteralString] = list(filters)
        if node_type.visible_when is not None:
            predicates.append(node_type.visible_when.replace("{n}", n))
        page = item.page
        total: LiteralString = "null"
        if page.counted:
            total = _name("c", self.variables)
            calls.append(
                self.root_count(pattern, filters, node_type.restricted_to, n, total, item.count_label)
            )
        if item.index is not None:
            pattern += " " + item.index.replace("{n}", n)
        limit = self.param(page.limit)
        after = self.after(page, n)  # its parameters check the cursor even when no item is read
        hints: list[LiteralString] = [hint.replace("{n}", n) for hint in item.hints]
        # After a cursor, its range on the key (`key >= $k`) is what the index seeks by; the
        # hint's `key IS NOT NULL` beside it would let Neo4j seek by that instead and filter.
        reading = predicates + (after or hints)
        items: LiteralString = "null"
        if page.items:
            items = _name("i", self.variables)
            order = ", ".join(
                key.replace("{n}", n) + (" DESC" if descending else "") for key, descending in item.order
            )
            fetch = self.param(page.fetch)
            ordered = " WITH " + n + " ORDER BY " + order + ", " + n + ".id LIMIT " + fetch
            read = "MATCH " + pattern + _where(reading) + ordered
            collected = "RETURN collect(" + self.slots(page, n) + ") AS " + items
            if item.dense is None or item.start_value is None:
                calls.append("CALL () { " + read + " " + collected + " }")
            else:
                indexed = self.indexed_read(item.dense, node_type.label, n, predicates, after) + ordered
                calls.append(
                    self.choose(item.dense, item.start_value, node_type.label, n, fetch, read, indexed)
                )
                calls[-1] += " " + collected + " }"
        return "[" + total + ", " + items + ", " + limit + "]"

    def indexed_read(
        self,
        dense: DenseRead,
        label: LiteralString,
        n: LiteralString,
        predicates: list[LiteralString],
        after: list[LiteralString],
    ) -> LiteralString:
        """Every node of `label` in the ordering's index order, kept when the start's filters and
        the others select it: a page reads about page / share nodes, share being the part of
        the label the start's node selects."""
        replaced: list[LiteralString] = [self.predicate(f, {"{n}": n}) for f in dense.replaced]
        present: LiteralString = n + "." + dense.prop + " IS NOT NULL"
        return (
            "MATCH ("
            + n
            + ":"
            + label
            + ") USING INDEX "
            + n
            + ":"
            + label
            + "("
            + dense.prop
            + ")"
            + _where(replaced + predicates + (after or [present]))
        )

    def choose(
        self,
        dense: DenseRead,
        value: Param,
        label: LiteralString,
        n: LiteralString,
        fetch: LiteralString,
        related: LiteralString,
        indexed: LiteralString,
    ) -> LiteralString:
        """The opening of a call that reads a page from the start's node or from the ordering's
        index, whichever reads fewer nodes: from the node, its degree d (all of them are read and
        sorted); from the index, about fetch x t / d of the label's t nodes, each checked against
        the filter at several times the cost of a row read from the node. So the index when
        d^2 > fetch x t x DENSE. Both counts come from Neo4j's stores (getDegree, the count
        store); a conditional query runs one read (Cypher 25's WHEN), planned apart."""
        self.conditional = True
        s, d, t = n + "_s", n + "_d", n + "_t"
        anchor = dense.dense.anchor.replace("{s}", s).replace("{value}", self.param(value))
        return (
            "CALL () { OPTIONAL MATCH "
            + anchor
            + " WITH COUNT { "
            + dense.dense.degree.replace("{s}", s)
            + " } AS "
            + d
            + ", COUNT { (:"
            + label
            + ") } AS "
            + t
            + " CALL ("
            + d
            + ", "
            + t
            + ") { WHEN "
            + d
            + " * "
            + d
            + " <= "
            + fetch
            + " * "
            + t
            + " * "
            + DENSE
            + " THEN { "
            + related
            + " RETURN "
            + n
            + " } ELSE { "
            + indexed
            + " RETURN "
            + n
            + " } }"
        )

    @staticmethod
    def root_count(
        pattern: LiteralString,
        filters: list[LiteralString],
        restricted_to: LiteralString | None,
        n: LiteralString,
        total: LiteralString,
        count_label: LiteralString | None = None,
    ) -> LiteralString:
        """How many nodes the filters select that the caller may see. No ordering hint: a count
        reads in any order, and the planner picks the index the filters need. With a visibility
        rule, two branches of which `$seesAll` runs one: a caller who sees everything is
        counted by the filters alone (Neo4j evaluates `$seesAll OR ...` on every row otherwise,
        2x the floor's time on 184,592 partnerships), the others by the rule as well.

        With a `count_label` (no filter, or one equality on a property the model mirrors as
        labels), the first branch reads that label's number from the count store instead:
        `MATCH (n:L) RETURN count(n)` alone in its subquery, which Neo4j answers with one
        NodeCountFromCountStore (behind the `$seesAll` guard it scanned the label), the guard
        applied to its one row after."""
        counted: LiteralString = " RETURN count(" + n + ") AS " + total
        everything: LiteralString = "MATCH " + pattern + _where(filters) + counted
        if count_label is not None:
            everything = "MATCH (" + n + ":" + count_label + ")" + counted
        if restricted_to is None:
            return "CALL () { " + everything + " }"
        guard: LiteralString = "WITH $seesAll AS " + n + "_all WHERE "
        if count_label is None:
            sees_all = guard + n + "_all " + everything
        else:
            sees_all = "CALL () { " + everything + " } WITH " + total + " WHERE $seesAll RETURN " + total
        restricted: list[LiteralString] = [*filters, restricted_to.replace("{n}", n)]
        return (
            "CALL () { CALL () { "
            + sees_all
            + " UNION ALL "
            + guard
            + "NOT "
            + n
            + "_all MATCH "
            + pattern
            + _where(restricted)
            + counted
            + " } RETURN sum("
            + total
            + ") AS "
            + total
            + " }"
        )

    def search(self, item: SearchHits, calls: list[LiteralString]) -> LiteralString:
        """Hits best first; the label filter and LIMIT stop reading once enough are found."""
        n, score, label = self.var(), self.var(), self.var()
        column = _name("s", self.variables)
        calls.append(
            "CALL () { CALL db.index.fulltext.queryNodes('"
            + item.search.index
            + "', "
            + self.param(item.query)
            + ") YIELD node AS "
            + n
            + ", score AS "
            + score
            + " WITH "
            + n
            + ", "
            + score
            + " WHERE any("
            + label
            + " IN labels("
            + n
            + ") WHERE "
            + label
            + " IN "
            + self.param(item.labels)
            + ") WITH "
            + n
            + ", "
            + score
            + " LIMIT "
            + self.param(item.limit)
            + " RETURN collect(["
            + score
            + ", "
            + self.selection(item.target, n)
            + "]) AS "
            + column
            + " }"
        )
        return column

    def lookup(self, item: Lookup, calls: list[LiteralString]) -> LiteralString:
        found: list[LiteralString] = []
        for type_name, keys in item.keys.items():
            n, i, key = self.var(), self.var(), self.var()
            node_type = self.model.node(type_name)
            ids = self.param(keys)
            where = _where([node_type.visible_when.replace("{n}", n)] if node_type.visible_when else [])
            column = _name("l", self.variables)
            calls.append(
                "CALL () { UNWIND range(0, size("
                + ids
                + ") - 1) AS "
                + i
                + " WITH "
                + i
                + ", "
                + ids
                + "["
                + i
                + "] AS "
                + key
                + " MATCH ("
                + n
                + ":"
                + node_type.label
                + " {id: "
                + key
                + "})"
                + where
                + " RETURN collect(["
                + i
                + ", "
                + self.selection(item.target, n, only=type_name)
                + "]) AS "
                + column
                + " }"
            )
            found.append(column)
        return "[" + ", ".join(found) + "]"

    # -- below ------------------------------------------------------------------------------

    def selection(self, selection: Selection, n: LiteralString, only: str | None = None) -> LiteralString:
        types = [only] if only is not None else list(selection.by_type)
        if len(types) == 1:
            return self.fields(selection, types[0], n)
        branches: list[LiteralString] = [
            "WHEN " + n + ":" + self.model.node(t).label + " THEN " + self.fields(selection, t, n, tag=True)
            for t in types
        ]
        return "CASE " + " ".join(branches) + " END"

    def fields(
        self, selection: Selection, type_name: str, n: LiteralString, tag: bool = False
    ) -> LiteralString:
        values: list[LiteralString] = ["'" + self.model.node(type_name).label + "'"] if tag else []
        for _, item in selection.by_type[type_name]:
            if isinstance(item, Scalar):
                values.append(_scalar(item, n))
            elif isinstance(item, Follow):
                values.append(self.follow(item, n))
        return "[" + ", ".join(values) + "]"

    def follow(self, follow: Follow, src: LiteralString) -> LiteralString:
        relation = follow.relation
        dst = self.var()
        holes: dict[LiteralString, LiteralString] = {"{src}": src, "{dst}": dst}
        if "{rel}" in relation.pattern:
            holes["{rel}"] = self.var()
        if "{mid}" in relation.pattern:
            holes["{mid}"] = self.var()
        pattern = _fill(relation.pattern, holes)
        predicates: list[LiteralString] = [self.predicate(f, holes) for f in follow.filters]
        if follow.label is not None:
            predicates.append(_fill(follow.label, holes))
        if relation.where is not None:
            predicates.append(_fill(relation.where, holes))
        targets = self.model.members(relation.target)
        if len(targets) == 1 and (visible := self.model.node(targets[0]).visible_when) is not None:
            predicates.append(visible.replace("{n}", dst))
        carried = dst + (", " + holes["{rel}"] if "{rel}" in holes else "")
        order = (_fill(relation.order, holes) + ", " if relation.order else "") + dst + ".id"
        if follow.page is not None:
            return self.page(follow, pattern, predicates, dst, order)
        body = "MATCH " + pattern + _where(predicates)
        value = self.item(follow, dst, holes.get("{rel}"))
        if not relation.many:
            return "COLLECT { " + body + " RETURN " + value + " LIMIT 1 }[0]"
        return "COLLECT { " + body + " WITH " + carried + " ORDER BY " + order + " RETURN " + value + " }"

    def page(
        self,
        follow: Follow,
        pattern: LiteralString,
        predicates: list[LiteralString],
        dst: LiteralString,
        order: LiteralString,
    ) -> LiteralString:
        page = follow.page
        assert page is not None
        distinct = follow.relation.distinct
        limit = self.param(page.limit)
        after = self.after(page, dst)  # its parameters check the cursor even when no item is read
        total: LiteralString = "null"
        items: LiteralString = "null"
        if page.counted:
            body = "MATCH " + pattern + _where(predicates)
            total = "COUNT { " + body + (" RETURN DISTINCT " + dst if distinct else "") + " }"
        if page.items:
            carried = ("DISTINCT " if distinct else "") + dst
            items = (
                "COLLECT { MATCH "
                + pattern
                + _where(predicates + after)
                + " WITH "
                + carried
                + " ORDER BY "
                + order
                + " LIMIT "
                + self.param(page.fetch)
                + " RETURN "
                + self.slots(page, dst)
                + " }"
            )
        return "[" + total + ", " + items + ", " + limit + "]"

    def after(self, page: Page, n: LiteralString) -> list[LiteralString]:
        """The predicate that seeks past the `after` cursor, if one was given."""
        if page.after is None:
            return []
        key, ident = page.after
        return [seek(page.sort, n, self.param(key), self.param(ident))]

    def slots(self, page: Page, n: LiteralString) -> LiteralString:
        """An item of a page: its position (its cursor's key and id), then each slot's object."""
        objects = "".join(", " + self.selection(slot, n) for slot in page.slots)
        return "[" + _position(page.sort, n) + ", " + n + ".id" + objects + "]"

    def item(self, follow: Follow, dst: LiteralString, rel: LiteralString | None) -> LiteralString:
        if follow.wrapper is None:
            assert follow.target is not None
            return self.selection(follow.target, dst)
        values: list[LiteralString] = []
        for _, part in follow.wrapper:
            if isinstance(part, Scalar):
                assert rel is not None
                values.append(_scalar(part, rel))
            elif isinstance(part, Selection):
                values.append(self.selection(part, dst))
        return "[" + ", ".join(values) + "]"

    def predicate(self, applied: AppliedFilter, holes: dict[LiteralString, LiteralString]) -> LiteralString:
        text = _fill(applied.filter.template, holes)
        for hole, param in applied.values.items():
            text = text.replace(_hole(hole), self.param(param))
        return text


def _hole(name: str) -> LiteralString:
    """The hole `{value}` or `{value_<argument>}`: names from the model, never from a caller."""
    return "{" + name + "}"  # type: ignore[return-value,operator,unused-ignore]


def _fill(template: LiteralString, holes: dict[LiteralString, LiteralString]) -> LiteralString:
    for hole, name in holes.items():
        template = template.replace(hole, name)
    return template


def _where(predicates: list[LiteralString]) -> LiteralString:
    return " WHERE " + " AND ".join(predicates) if predicates else ""


def _position(sort: SortKey, n: LiteralString) -> LiteralString:
    """The ordering key's value as a cursor holds it (a date as its ISO string)."""
    if sort.prop is None:
        return "null"
    value: LiteralString = n + "." + sort.prop
    return "toString(" + value + ")" if sort.kind is Kind.DATE else value


def _scalar(item: Scalar, n: LiteralString) -> LiteralString:
    prop = item.prop
    value: LiteralString = n + "." + prop.prop
    if prop.default is not None:
        value = "coalesce(" + value + ", " + prop.default + ")"
    if prop.kind is Kind.DATE:
        value = "toString(" + value + ")"
    if prop.visible_when is not None:
        value = "CASE WHEN " + prop.visible_when.replace("{n}", n) + " THEN " + value + " END"
    return value
