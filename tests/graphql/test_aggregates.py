"""Aggregates: counts grouped by one or two dimensions agree with the seed files."""

from __future__ import annotations

from collections import Counter

from hub.db.database import Database
from hub.seeds.files import read_seed_dir
from hub.seeds.loading import DEFAULT_SEED_DIR
from tests.conftest import GraphQLClient

SEEDS = read_seed_dir(DEFAULT_SEED_DIR)


def _table(groups: list[dict[str, object]]) -> dict[tuple[str, ...], int]:
    return {tuple(g["keys"]): int(g["count"]) for g in groups}  # type: ignore[arg-type, call-overload]


async def test_partnerships_by_kind_and_status(seeded: Database, gql: GraphQLClient) -> None:
    data = await gql("{ aggregate(subject: PARTNERSHIPS, groupBy: [KIND, STATUS]) { keys count } }")
    expected = Counter((p.kind.value, p.status.value) for p in SEEDS.partnerships)
    assert _table(data["aggregate"]) == dict(expected)


async def test_time_series_and_filters(seeded: Database, gql: GraphQLClient) -> None:
    data = await gql(
        """{ years: aggregate(subject: PARTNERSHIPS, groupBy: [YEAR]) { keys count }
             months: aggregate(subject: PARTNERSHIPS, groupBy: [MONTH], filter: {from: "2025-01-01", to: "2025-12-31"}) { keys count }
             banks: aggregate(subject: ORGANISATIONS, groupBy: [HOME_COUNTRY], filter: {kind: "BANK"}) { keys count }
             capabilities: aggregate(subject: SANDBOX_PROJECTS, groupBy: [CAPABILITY]) { keys count } }"""
    )
    assert _table(data["years"]) == dict(Counter((str(p.proposed_on.year),) for p in SEEDS.partnerships))
    months = _table(data["months"])
    assert all(k[0].startswith("2025-") for k in months)
    assert sum(months.values()) == sum(1 for p in SEEDS.partnerships if p.proposed_on.year == 2025)
    banks = Counter((i.home_country,) for i in SEEDS.institutions if i.kind.value == "BANK")
    assert _table(data["banks"]) == dict(banks)
    uses = Counter(c for p in SEEDS.projects for c in p.technologies)
    names = {c.id: c.name for c in SEEDS.capabilities}
    assert _table(data["capabilities"]) == {(names[c],): n for c, n in uses.items()}


async def test_group_by_needs_one_or_two_dimensions(seeded: Database, gql: GraphQLClient) -> None:
    body = await gql.raw("{ aggregate(subject: PARTNERSHIPS, groupBy: [KIND, STATUS, YEAR]) { count } }")
    assert body["errors"][0]["extensions"]["argument"] == "groupBy"
