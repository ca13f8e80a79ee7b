"""A partnership's status is mirrored as a label (hub/model/graph.py: ActivePartnership, ...):
after the seed load, every lifecycle transition, the synthetic load and the migration, no
partnership carries other status labels than its status says."""

from __future__ import annotations

from typing import Any

from hub.db.database import Database
from hub.db.migrations import apply_schema
from hub.db.repositories.value_labels import (
    Mirrored,
    in_line_statement,
    mirrored,
    mismatched_statement,
    partnership_status,
    relabel,
)
from hub.domain.commands import ProposePartnership
from hub.domain.enums import PartnershipStatus
from hub.seeds.loading import load_synthetic
from hub.services.partnerships import PartnershipService

STATUS = next(m for m in mirrored() if m.label == "Partnership" and m.prop == "status")


async def mismatched(db: Database) -> int:
    """Partnerships whose status labels are not exactly their status's one label."""
    rows = await db.read(mismatched_statement(STATUS), **STATUS.params())
    count: int = rows[0]["mismatched"]
    return count


async def labels_of(db: Database, partnership_id: str) -> list[str]:
    rows = await db.read(
        "MATCH (p:Partnership {id: $id}) RETURN [l IN labels(p) WHERE l <> 'Partnership'] AS labels",
        id=partnership_id,
    )
    return sorted(rows[0]["labels"])


async def counts_by_label(db: Database) -> dict[str, int]:
    by_label: dict[str, int] = {}
    for value, label in partnership_status().of.items():
        rows = await db.read(
            "MATCH (p:Partnership {status: $value}) RETURN count(p) AS holding, "
            "count(CASE WHEN $label IN labels(p) THEN 1 END) AS labelled",
            value=value,
            label=label,
        )
        assert rows[0]["holding"] == rows[0]["labelled"], value
        by_label[label] = rows[0]["labelled"]
    return by_label


def test_each_status_has_its_label_named_from_the_enum() -> None:
    assert partnership_status().of == {
        "PROPOSED": "ProposedPartnership",
        "ACTIVE": "ActivePartnership",
        "DECLINED": "DeclinedPartnership",
        "ENDED": "EndedPartnership",
    }
    assert set(partnership_status().of) == {s.value for s in PartnershipStatus}


async def test_the_seed_load_labels_every_partnership(seeded: Database) -> None:
    assert await mismatched(seeded) == 0
    by_label = await counts_by_label(seeded)
    assert all(by_label.values()), by_label  # the seed graph holds every status: all were checked


async def test_every_lifecycle_transition_moves_the_label_with_the_status(seeded: Database) -> None:
    service = PartnershipService(seeded)
    proposed = await service.propose(ProposePartnership("thamesgate-bank", "lianyu-data", "Labels"))
    assert await labels_of(seeded, proposed.id) == ["ProposedPartnership"]
    assert await mismatched(seeded) == 0
    await service.accept(proposed.id)
    assert await labels_of(seeded, proposed.id) == ["ActivePartnership"]
    assert await mismatched(seeded) == 0
    await service.end(proposed.id)
    assert await labels_of(seeded, proposed.id) == ["EndedPartnership"]
    assert await mismatched(seeded) == 0
    declined = await service.propose(ProposePartnership("kestrel-bank", "lianyu-data", "Declined"))
    await service.decline(declined.id)
    assert await labels_of(seeded, declined.id) == ["DeclinedPartnership"]
    assert await mismatched(seeded) == 0


async def test_the_synthetic_load_labels_every_partnership(empty_graph: Database) -> None:
    await load_synthetic(empty_graph, 300, seed=7)
    assert await mismatched(empty_graph) == 0
    assert sum((await counts_by_label(empty_graph)).values()) > 500  # 3 per organisation


async def _unlabel(db: Database, m: Mirrored) -> None:
    """A store as the hub left it before the labels, with some wrong ones written by hand."""
    await db.write("MATCH (p:Partnership) REMOVE p:$($valueLabels)", **m.params())
    await db.write(
        "MATCH (p:Partnership {status: 'ACTIVE'}) WITH p ORDER BY p.id LIMIT 3 "
        "SET p:ProposedPartnership, p:EndedPartnership"
    )


async def test_the_migration_labels_a_store_written_before_the_labels(seeded: Database) -> None:
    before = await counts_by_label(seeded)
    await _unlabel(seeded, STATUS)
    total = sum(before.values())
    assert await mismatched(seeded) == total
    await apply_schema(seeded)  # where the project's migrations run
    assert await mismatched(seeded) == 0
    assert await counts_by_label(seeded) == before


async def test_the_migration_walks_in_batches_and_again_changes_nothing(seeded: Database) -> None:
    await _unlabel(seeded, STATUS)
    total = sum((await counts_by_label_unchecked(seeded)).values())
    done = await relabel(seeded, STATUS, batch=7)  # many batches: each reads on from the last id
    assert (done.read, done.fixed) == (total, total)
    assert await mismatched(seeded) == 0
    again = await relabel(seeded, STATUS, batch=7)
    assert (again.read, again.fixed) == (0, 0)  # in line: told by one read, nothing walked


async def test_labels_swapped_between_two_partnerships_are_found_and_fixed(seeded: Database) -> None:
    # Every count by label still equals the count by status: only reading the nodes tells.
    swapped = await _swap(seeded)
    assert await mismatched(seeded) == 2
    assert (await seeded.read(in_line_statement(STATUS), **STATUS.params()))[0]["off"] > 0
    done = await relabel(seeded, STATUS)
    assert done.fixed == 2
    assert await labels_of(seeded, swapped["active"]) == ["ActivePartnership"]
    assert await labels_of(seeded, swapped["ended"]) == ["EndedPartnership"]


async def _swap(db: Database) -> dict[str, Any]:
    rows = await db.write(
        "MATCH (a:ActivePartnership) WITH a LIMIT 1 MATCH (e:EndedPartnership) WITH a, e LIMIT 1 "
        "REMOVE a:ActivePartnership, e:EndedPartnership SET a:EndedPartnership, e:ActivePartnership "
        "RETURN a.id AS active, e.id AS ended"
    )
    return rows[0]


async def counts_by_label_unchecked(db: Database) -> dict[str, int]:
    rows = await db.read("MATCH (p:Partnership) RETURN p.status AS status, count(*) AS count")
    return {r["status"]: r["count"] for r in rows}
