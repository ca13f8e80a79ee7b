"""The grouping statement built per request shape answers as the generic one it replaced (each
dimension a CASE on a parameter, every filter optional), for every subject, pair of dimensions
and set of filters, on the seed graph."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any, LiteralString

from hub.db.database import Database
from hub.db.repositories.aggregates import _filtered, _grouped, counts_statement
from hub.domain.enums import AggregateSubject, Dimension

# The generic statement, as the repository ran it for regulators and admins before.
GENERIC: dict[AggregateSubject, LiteralString] = {
    AggregateSubject.ORGANISATIONS: "MATCH (n:Organisation) WHERE "
    + _filtered("n", "n.founded", "kind")
    + " "
    + _grouped("n.founded"),
    AggregateSubject.PARTNERSHIPS: "MATCH (n:Partnership) WHERE "
    + _filtered("n", "n.proposedOn", "kind")
    + " "
    + _grouped("n.proposedOn"),
    AggregateSubject.SANDBOX_PROJECTS: "MATCH (n:SandboxProject) WHERE "
    + _filtered("n", "n.appliedOn", "serviceType")
    + " "
    + _grouped("n.appliedOn"),
}

# A value of each filter that selects some of each subject's nodes in the seed graph.
VALUES: dict[AggregateSubject, dict[str, Any]] = {
    AggregateSubject.ORGANISATIONS: {"status": "ACTIVE", "kind": "BANK"},
    AggregateSubject.PARTNERSHIPS: {"status": "ACTIVE", "kind": "COOPERATION"},
    AggregateSubject.SANDBOX_PROJECTS: {"status": "TESTING", "kind": "FINANCIAL_SERVICE"},
}
WINDOW = {"from": date(2019, 1, 1), "to": date(2024, 12, 31)}
FILTER_SETS = [
    frozenset(c) for n in range(5) for c in itertools.combinations(("status", "kind", "from", "to"), n)
]


async def test_each_shape_counts_as_the_generic_statement(seeded: Database) -> None:
    shapes = [
        (subject, first, second)
        for subject in AggregateSubject
        for first in Dimension
        for second in (None, *Dimension)
        if second is not first
    ]
    compared = nonempty = 0
    for number, (subject, first, second) in enumerate(shapes):
        given = FILTER_SETS[number % len(FILTER_SETS)]
        if number % 3 == 0:
            given = frozenset()  # every shape's unfiltered count is the one asked most
        values = {**VALUES[subject], **WINDOW}
        params = {k: (values[k] if k in given else None) for k in ("status", "kind", "from", "to")}
        params |= {"d1": first.value, "d2": "NONE" if second is None else second.value}
        expected = await seeded.read(GENERIC[subject], **params)
        got = await seeded.read(counts_statement(subject, first, second, given), **params)
        assert [dict(r) for r in got] == [dict(r) for r in expected], (subject, first, second, given)
        compared += 1
        nonempty += bool(expected)
    assert compared == len(shapes) and nonempty > len(shapes) // 2  # the comparison saw real groups


async def test_counts_by_a_labelled_status_read_from_the_count_store_count_as_the_generic_statement(
    seeded: Database,
) -> None:
    # Partnerships by STATUS alone, unfiltered: one count-store read per status label.
    params = {"status": None, "kind": None, "from": None, "to": None, "d1": "STATUS", "d2": "NONE"}
    expected = await seeded.read(GENERIC[AggregateSubject.PARTNERSHIPS], **params)
    statement = counts_statement(AggregateSubject.PARTNERSHIPS, Dimension.STATUS, None, frozenset())
    assert "NodeCountFromCountStore" in await _plan(seeded, statement)
    got = await seeded.read(statement, **params)
    assert [dict(r) for r in got] == [dict(r) for r in expected]
    assert len(expected) == 4  # every status is held in the seed graph


async def _plan(db: Database, statement: LiteralString) -> str:
    async with db.driver.session(database=db.name) as session:
        summary = await (await session.run("EXPLAIN " + statement)).consume()
    return str(summary.plan)
