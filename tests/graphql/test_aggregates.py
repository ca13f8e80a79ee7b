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
             banks: aggregate(subject: ORGANISATIONS, groupBy: [HOME_COUNTRY], filter: {institutionKind: BANK}) { keys count }
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


# --- Item 3 of issue 10: typed filters, one dimension once --------------------------------------


async def test_filters_are_typed_per_subject(seeded: Database, gql: GraphQLClient) -> None:
    data = await gql(
        """{ declined: aggregate(subject: PARTNERSHIPS, groupBy: [KIND], filter: {partnershipStatus: DECLINED}) { keys count }
             intra: aggregate(subject: PARTNERSHIPS, groupBy: [STATUS], filter: {partnershipKind: INTRA_SECTOR}) { keys count }
             testing: aggregate(subject: SANDBOX_PROJECTS, groupBy: [KIND], filter: {sandboxStatus: TESTING}) { keys count }
             products: aggregate(subject: SANDBOX_PROJECTS, groupBy: [STATUS], filter: {serviceType: TECHNOLOGY_PRODUCT}) { keys count } }"""
    )
    declined = Counter((p.kind.value,) for p in SEEDS.partnerships if p.status.value == "DECLINED")
    assert _table(data["declined"]) == dict(declined)
    intra = Counter((p.status.value,) for p in SEEDS.partnerships if p.kind.value == "INTRA_SECTOR")
    assert _table(data["intra"]) == dict(intra)
    testing = Counter((p.service_type.value,) for p in SEEDS.projects if p.status.value == "TESTING")
    assert _table(data["testing"]) == dict(testing)
    products = Counter(
        (p.status.value,) for p in SEEDS.projects if p.service_type.value == "TECHNOLOGY_PRODUCT"
    )
    assert _table(data["products"]) == dict(products) and products


async def test_unknown_status_is_refused_not_answered_empty(seeded: Database, gql: GraphQLClient) -> None:
    # Before: `status: "BOGUS"` was a free string and the answer an empty list.
    body = await gql.raw(
        "{ aggregate(subject: PARTNERSHIPS, groupBy: [YEAR], filter: {partnershipStatus: BOGUS}) { count } }"
    )
    assert "data" not in body  # a request error: execution never began
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "BOGUS" in body["errors"][0]["message"] and "PartnershipStatus" in body["errors"][0]["message"]
    strings = await gql.raw(
        '{ aggregate(subject: PARTNERSHIPS, groupBy: [YEAR], filter: {status: "PROPOSED"}) { count } }'
    )
    assert strings["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_filter_of_another_subject_is_refused(seeded: Database, gql: GraphQLClient) -> None:
    body = await gql.raw(
        "{ aggregate(subject: SANDBOX_PROJECTS, groupBy: [YEAR], filter: {partnershipStatus: PROPOSED}) { count } }"
    )
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "filter.partnershipStatus"}
    assert "SANDBOX_PROJECTS" in error["message"] and "sandboxStatus, serviceType" in error["message"]
    reversed_window = await gql.raw(
        '{ aggregate(subject: PARTNERSHIPS, groupBy: [YEAR], filter: {from: "2025-02-01", to: "2025-01-01"}) { count } }'
    )
    assert reversed_window["errors"][0]["extensions"]["argument"] == "filter.to"


async def test_a_dimension_named_twice_is_refused(seeded: Database, gql: GraphQLClient) -> None:
    # Before: groupBy [YEAR, YEAR] answered as if it were a table of YEAR by YEAR.
    body = await gql.raw("{ aggregate(subject: PARTNERSHIPS, groupBy: [YEAR, YEAR]) { keys count } }")
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "groupBy"}
    assert "YEAR twice" in error["message"]
    assert body["data"] is None  # refused by the resolver: execution began
