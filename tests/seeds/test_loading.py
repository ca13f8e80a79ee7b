"""Loading seeds: idempotent, all or nothing; synthetic graphs are deterministic."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from hub.db.database import Database
from hub.errors import SeedError
from hub.seeds.files import read_seed_dir
from hub.seeds.loading import DEFAULT_SEED_DIR, graph_counts, load_seed_dir, load_synthetic
from hub.seeds.synthetic import generate


async def test_seeding_twice_leaves_every_count_unchanged(empty_graph: Database) -> None:
    await load_seed_dir(empty_graph)
    first = await graph_counts(empty_graph)
    await load_seed_dir(empty_graph)
    assert await graph_counts(empty_graph) == first
    assert first["Institution:Organisation"] == 45
    assert first["-[PARTY_TO]-"] == 2 * first["Partnership"]


async def test_a_bad_record_writes_nothing(seeded: Database, tmp_path: Path) -> None:
    before = await graph_counts(seeded)
    root = tmp_path / "seeds"
    shutil.copytree(DEFAULT_SEED_DIR, root)
    institutions = yaml.safe_load((root / "institutions.yaml").read_text(encoding="utf-8"))
    institutions.append({**institutions[0], "id": "brand-new-bank", "name": "Brand New Bank"})
    (root / "institutions.yaml").write_text(
        yaml.safe_dump(institutions, allow_unicode=True), encoding="utf-8"
    )
    awards = yaml.safe_load((root / "awards.yaml").read_text(encoding="utf-8"))
    awards[0]["project"] = "sbx-999"
    (root / "awards.yaml").write_text(yaml.safe_dump(awards, allow_unicode=True), encoding="utf-8")

    with pytest.raises(
        SeedError,
        match=re.escape("awards.yaml: id 'cfia-2020-01': project: unknown sandbox project 'sbx-999'"),
    ):
        await load_seed_dir(seeded, root)
    assert await graph_counts(seeded) == before
    rows = await seeded.read("MATCH (n:Institution {id: 'brand-new-bank'}) RETURN n")
    assert rows == []


async def test_a_clash_with_the_graph_rolls_the_whole_load_back(empty_graph: Database) -> None:
    # Only the graph can tell: an existing node of the other kind already holds a seeded id.
    await empty_graph.write("CREATE (:Organisation:TechEnterprise {id: 'thamesgate-bank', name: 'squatter'})")
    with pytest.raises(
        SeedError,
        match=re.escape(
            "institutions.yaml: id 'thamesgate-bank': the graph already holds a TechEnterprise with this id"
        ),
    ):
        await load_seed_dir(empty_graph)
    counts = await graph_counts(empty_graph)
    assert counts == {"Organisation:TechEnterprise": 1}


def test_synthetic_is_deterministic_and_shaped() -> None:
    taxonomy = read_seed_dir(DEFAULT_SEED_DIR)
    a = generate(2000, 42, taxonomy)
    b = generate(2000, 42, taxonomy)
    c = generate(2000, 43, taxonomy)
    assert a.tables == b.tables
    assert a.tables["partnerships"] != c.tables["partnerships"]
    assert len(a.tables["institutions"]) + len(a.tables["tech_enterprises"]) == 2000
    degrees: dict[str, int] = {}
    for row in a.tables["partnerships"]:
        for party in (row["proposer"], row["recipient"]):
            degrees[party] = degrees.get(party, 0) + 1
    ranked = sorted(degrees.values(), reverse=True)
    # Preferential attachment: a heavy tail, the busiest far above the median.
    assert ranked[0] >= 5 * ranked[len(ranked) // 2]
    kinds = {row["props"]["kind"] for row in a.tables["partnerships"]}
    assert kinds == {"COOPERATION", "INTRA_SECTOR"}


async def test_synthetic_load_writes_what_it_generated(empty_graph: Database) -> None:
    written = await load_synthetic(empty_graph, 500, 3)
    counts = await graph_counts(empty_graph)
    organisations = counts["Institution:Organisation"] + counts["Organisation:TechEnterprise"]
    assert organisations == 500
    assert written > 2000
    await load_synthetic(empty_graph, 500, 3)
    assert await graph_counts(empty_graph) == counts


async def test_reseeding_an_edited_file_replaces_relationships(seeded: Database, tmp_path: Path) -> None:
    root = tmp_path / "seeds"
    shutil.copytree(DEFAULT_SEED_DIR, root)
    partnerships = yaml.safe_load((root / "partnerships.yaml").read_text(encoding="utf-8"))
    first = partnerships[0]
    new_recipient = "jiuzhou-secure" if first["recipient"] != "jiuzhou-secure" else "huaxin-secure"
    first["recipient"] = new_recipient
    first["kind"] = "COOPERATION"
    first["proposer"] = "hudson-ridge-bank"
    (root / "partnerships.yaml").write_text(
        yaml.safe_dump(partnerships, allow_unicode=True), encoding="utf-8"
    )
    before = await graph_counts(seeded)
    await load_seed_dir(seeded, root)
    rows = await seeded.read(
        "MATCH (o)-[r:PARTY_TO]->(:Partnership {id: $id}) RETURN o.id AS id, r.role AS role ORDER BY role",
        id=first["id"],
    )
    assert rows == [
        {"id": "hudson-ridge-bank", "role": "PROPOSER"},
        {"id": new_recipient, "role": "RECIPIENT"},
    ]
    assert await graph_counts(seeded) == before
