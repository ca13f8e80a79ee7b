"""Seed files: the shipped ecosystem meets its brief; every kind of bad record is refused by name."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from hub.domain.enums import PartnershipKind, PartnershipStatus
from hub.errors import SeedError
from hub.seeds.files import read_seed_dir
from hub.seeds.loading import DEFAULT_SEED_DIR


def test_shipped_seeds_meet_the_brief() -> None:
    seeds = read_seed_dir(DEFAULT_SEED_DIR)
    assert len(seeds.institutions) >= 40
    assert len({i.kind for i in seeds.institutions}) >= 6
    assert len({i.home_country for i in seeds.institutions}) >= 10
    assert len(seeds.tech_enterprises) >= 60
    assert len(seeds.capabilities) >= 15
    assert len(seeds.partnerships) >= 150
    assert {p.kind for p in seeds.partnerships} == set(PartnershipKind)
    assert {p.status for p in seeds.partnerships} == set(PartnershipStatus)
    assert len({p.proposed_on.year for p in seeds.partnerships}) >= 4
    per_batch = Counter(p.batch for p in seeds.projects)
    second = next(b for b in seeds.batches if b.number == 2)
    assert per_batch[second.id] == 11
    assert len(seeds.zones) >= 3
    first_year = min(a.year for a in seeds.awards)
    firsts = [a for a in seeds.awards if a.year == first_year]
    assert len(firsts) == 10
    assert all(a.prize_yuan == 5_000_000 for a in firsts)
    assert all(i.name_zh for i in seeds.institutions)


def edited(tmp_path: Path, file: str, edit: Callable[[Any], None]) -> Path:
    root = tmp_path / "seeds"
    shutil.copytree(DEFAULT_SEED_DIR, root)
    data = yaml.safe_load((root / file).read_text(encoding="utf-8"))
    edit(data)
    (root / file).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def problems_of(root: Path) -> list[str]:
    with pytest.raises(SeedError) as refused:
        read_seed_dir(root)
    return [str(p) for p in refused.value.problems]


def test_missing_field_is_named(tmp_path: Path) -> None:
    root = edited(tmp_path, "institutions.yaml", lambda d: d[2].pop("kind"))
    [problem] = problems_of(root)
    assert problem.startswith("institutions.yaml: record #3 (id 'kestrel-bank'): kind: Field required")


def test_value_outside_its_enum_is_named(tmp_path: Path) -> None:
    root = edited(tmp_path, "institutions.yaml", lambda d: d[0].update(kind="HEDGE_FUND"))
    [problem] = problems_of(root)
    assert "record #1 (id 'thamesgate-bank'): kind: Input should be 'BANK'" in problem


def first_id(file: str) -> str:
    records = yaml.safe_load((DEFAULT_SEED_DIR / file).read_text(encoding="utf-8"))
    return str(records[0]["id"])


def test_unknown_reference_is_named(tmp_path: Path) -> None:
    root = edited(tmp_path, "partnerships.yaml", lambda d: d[0].update(recipient="no-such-firm"))
    [problem] = problems_of(root)
    pid = first_id("partnerships.yaml")
    assert problem == f"partnerships.yaml: id '{pid}': recipient: unknown organisation 'no-such-firm'"


def test_duplicate_id_is_named(tmp_path: Path) -> None:
    def duplicate(d: Any) -> None:
        d.append(dict(d[0]))

    root = edited(tmp_path, "capabilities.yaml", duplicate)
    [problem] = problems_of(root)
    assert problem == "capabilities.yaml: id 'ai': id is used 2 times; ids must be unique"


def test_duplicate_id_across_organisation_files(tmp_path: Path) -> None:
    def clash(d: Any) -> None:
        d[0]["id"] = "thamesgate-bank"

    root = edited(tmp_path, "tech_enterprises.yaml", clash)
    problems = problems_of(root)
    assert any("id 'thamesgate-bank': id is used 2 times" in p for p in problems)


def test_malformed_date_is_named(tmp_path: Path) -> None:
    root = edited(tmp_path, "partnerships.yaml", lambda d: d[0].update(proposedOn="2021-13-40"))
    [problem] = problems_of(root)
    pid = first_id("partnerships.yaml")
    assert problem.startswith(
        f"partnerships.yaml: record #1 (id '{pid}'): proposedOn: Input should be a valid date"
    )


def test_bad_country_and_kind_mismatch(tmp_path: Path) -> None:
    root = edited(tmp_path, "institutions.yaml", lambda d: d[1].update(homeCountry="UK"))
    [problem] = problems_of(root)
    assert "homeCountry: Value error, 'UK' is not an upper-case ISO 3166-1 alpha-2 country code" in problem


def test_lifecycle_rules_across_fields(tmp_path: Path) -> None:
    def break_dates(d: Any) -> None:
        d[0].update(status="ENDED")
        d[0].pop("endedOn", None)

    root = edited(tmp_path, "partnerships.yaml", break_dates)
    pid = first_id("partnerships.yaml")
    assert f"partnerships.yaml: id '{pid}': endedOn: required when status is ENDED" in problems_of(root)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    def many(d: Any) -> None:
        d[0].pop("name")
        d[1].update(kind="NOPE")
        d[2].update(zone="atlantis")

    root = edited(tmp_path, "institutions.yaml", many)
    assert len(problems_of(root)) == 3


def test_missing_file_is_named(tmp_path: Path) -> None:
    root = tmp_path / "seeds"
    shutil.copytree(DEFAULT_SEED_DIR, root)
    (root / "awards.yaml").unlink()
    assert "awards.yaml: (file): file is missing" in problems_of(root)
