"""The labels that mirror a property's values (hub/model/types.py `ValueLabels`): the parameters
every write passes to set them with the property, the statement that finds nodes whose labels
differ from their property, and the migration that brings an existing store into line.

A write sets the property and the labels in one statement: `REMOVE n:$($valueLabels)` (every
label of the set) then `SET n:$($labelOf[<the value written>])`. Names reach Cypher only as
parameters, made from the model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, LiteralString

from hub.db.database import Runner
from hub.model.graph import MODEL
from hub.model.types import ValueLabels


@dataclass(frozen=True, slots=True)
class Mirrored:
    """One property of one node type whose values are mirrored as labels."""

    label: LiteralString  # the node type's label
    prop: LiteralString
    labels: ValueLabels

    def params(self) -> dict[str, Any]:
        return label_params(self.labels)


def label_params(labels: ValueLabels) -> dict[str, Any]:
    """`$valueLabels`, every label of the set (removed first), and `$labelOf`, the label of each
    value (then set)."""
    return {"valueLabels": list(labels.labels), "labelOf": dict(labels.of)}


def mirrored() -> tuple[Mirrored, ...]:
    """Every mirrored property of the model."""
    return tuple(
        Mirrored(node.label, prop.prop, prop.labels)
        for node in MODEL.nodes
        for prop in node.props
        if prop.labels is not None
    )


def partnership_status() -> ValueLabels:
    labels = MODEL.node("Partnership").value_labels("status")
    assert labels is not None, "the model mirrors a partnership's status as labels"
    return labels


def counted_by_value(labels: ValueLabels) -> LiteralString:
    """A subquery giving each value (`value`) and its label's number in the count store
    (`count`): one NodeCountFromCountStore per value, since only a label written in the text
    is read from the count store (`MATCH (n:$($label))` looks every node up), and only by a
    count alone (`RETURN 'ACTIVE' AS value, count(n)` groups, and scans the label)."""
    branches: list[LiteralString] = [
        "CALL () { MATCH (n:" + label + ") RETURN count(n) AS count } RETURN '" + value + "' AS value, count"
        for value, label in labels.of.items()
    ]
    return "CALL () { " + " UNION ALL ".join(branches) + " }"


def in_line_statement(m: Mirrored) -> LiteralString:
    """Whether every value's label is on exactly the nodes holding the value (`off` = 0): each
    node holding it carries its label (read from the property's index, no property read) and the
    label counts no more nodes than hold the value. Tells a store in line in a fraction of the
    time a walk of every node takes."""
    return (
        counted_by_value(m.labels)
        + " CALL (value) { MATCH (n:"
        + m.label
        + ") WHERE n."
        + m.prop
        + " = value RETURN count(n) AS holding, "
        "count(CASE WHEN NOT $labelOf[value] IN labels(n) THEN 1 END) AS unlabelled } "
        "RETURN count(CASE WHEN count <> holding OR unlabelled > 0 THEN 1 END) AS off"
    )


def _expected(n: LiteralString, prop: LiteralString) -> LiteralString:
    """The value labels node `n` should carry: its value's, or none for a value outside the set."""
    return (
        "CASE WHEN $labelOf["
        + n
        + "."
        + prop
        + "] IS NULL THEN [] ELSE [$labelOf["
        + n
        + "."
        + prop
        + "]] END"
    )


def _carried(n: LiteralString) -> LiteralString:
    return "[l IN labels(" + n + ") WHERE l IN $valueLabels]"


def mismatched_statement(m: Mirrored) -> LiteralString:
    """How many nodes carry other value labels than their property says (0 when all agree)."""
    return (
        "MATCH (n:"
        + m.label
        + ") WHERE "
        + _carried("n")
        + " <> "
        + _expected("n", m.prop)
        + " RETURN count(n) AS mismatched"
    )


def relabel_statement(m: Mirrored) -> LiteralString:
    """One batch of the migration: the next `$batch` nodes after id `$after`, read in the order
    of the unique id index (so a batch costs its own size, however far the walk has come), those
    whose labels differ from their property set right."""
    return (
        "MATCH (n:" + m.label + ") WHERE n.id > $after WITH n ORDER BY n.id LIMIT $batch "
        "WITH collect(n) AS batch "
        "CALL (batch) { UNWIND batch AS n WITH n, "
        + _expected("n", m.prop)
        + " AS expected WHERE "
        + _carried("n")
        + " <> expected "
        "REMOVE n:$($valueLabels) SET n:$(expected) RETURN count(n) AS fixed } "
        "RETURN batch[-1].id AS last, size(batch) AS read, fixed"
    )


@dataclass(frozen=True, slots=True)
class Relabelled:
    label: str
    read: int
    fixed: int
    seconds: float


RELABEL_BATCH = 10_000


async def relabel(db: Runner, m: Mirrored, batch: int = RELABEL_BATCH) -> Relabelled:
    """Sets the value labels of every node of `m`'s type whose labels differ from its property,
    batch by batch (each batch its own transaction, so a large store is not one huge one).
    Idempotent: a store already in line is told so by one read, and nothing is walked."""
    started = time.perf_counter()
    after, read, fixed = "", 0, 0
    if (await db.read(in_line_statement(m), **m.params()))[0]["off"] == 0:
        return Relabelled(m.label, read, fixed, time.perf_counter() - started)
    statement = relabel_statement(m)
    while True:
        rows = await db.write(statement, after=after, batch=batch, **m.params())
        if not rows or rows[0]["read"] == 0:
            break
        read += rows[0]["read"]
        fixed += rows[0]["fixed"]
        after = rows[0]["last"]
    return Relabelled(m.label, read, fixed, time.perf_counter() - started)
