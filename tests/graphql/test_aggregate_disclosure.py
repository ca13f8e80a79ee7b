"""The disclosure rule of `aggregate` (docs/security.md), against the real Neo4j.

The attack from issue 10: a PROPOSED partnership counted by HOME_COUNTRY and ZONE over a one-day
window names a cell that only two institutions share, so whoever reads the count learns who
proposed on that day. Regulators and admins still get exact counts.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.seeds.files import read_seed_dir
from hub.seeds.loading import DEFAULT_SEED_DIR
from hub.settings import Settings
from tests.conftest import GraphQLClient, serve

SEEDS = read_seed_dir(DEFAULT_SEED_DIR)
PRIVATE = {"PROPOSED", "DECLINED"}

BY_PLACE = """query($from: Date, $to: Date, $status: PartnershipStatus) {
  aggregate(subject: PARTNERSHIPS, groupBy: [HOME_COUNTRY, ZONE],
            filter: {partnershipStatus: $status, from: $from, to: $to}) { keys count } }"""
BY_STATUS = """query($from: Date, $to: Date) {
  aggregate(subject: PARTNERSHIPS, groupBy: [STATUS], filter: {from: $from, to: $to}) { keys count } }"""


def _table(groups: list[dict[str, Any]]) -> dict[tuple[str, ...], int]:
    return {tuple(g["keys"]): int(g["count"]) for g in groups}


async def _as(
    db: Database, settings: Settings, role: Role, org: str | None, query: str, variables: dict[str, Any]
) -> dict[tuple[str, ...], int]:
    key = (await ApiKeys(db).create(role, org)).key
    async with serve(settings, db, {"Authorization": f"Bearer {key}"}) as http:
        body = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
    assert "errors" not in body, body
    return _table(body["data"]["aggregate"])


async def _propose(gql: GraphQLClient, proposer: str, recipient: str) -> None:
    kind = "Institution" if any(i.id == recipient for i in SEEDS.institutions) else "TechEnterprise"
    data = await gql(
        f"""mutation {{ proposePartnership(input: {{proposerId: "{to_global_id("Institution", proposer)}",
            recipientId: "{to_global_id(kind, recipient)}", title: "Confidential pilot"}}) {{
            partnership {{ status proposedOn }} userErrors {{ message }} }} }}"""
    )
    payload = data["proposePartnership"]
    assert payload["userErrors"] == [] and payload["partnership"]["status"] == "PROPOSED", payload


def _free_pairs(count: int) -> list[tuple[str, str]]:
    """`count` pairs of an institution and a tech enterprise, all different, with no open
    partnership between them in the seed graph (so each may propose)."""
    taken = {
        frozenset((p.proposer, p.recipient))
        for p in SEEDS.partnerships
        if p.status.value in {"PROPOSED", "ACTIVE"}
    }
    pairs: list[tuple[str, str]] = []
    techs = [t.id for t in SEEDS.tech_enterprises]
    for institution in (i.id for i in SEEDS.institutions):
        used = {t for _, t in pairs}
        tech = next((t for t in techs if t not in used and frozenset((institution, t)) not in taken), None)
        if tech is not None:
            pairs.append((institution, tech))
        if len(pairs) == count:
            return pairs
    raise AssertionError("the seed graph has too few free pairs")


def _month(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


async def test_one_day_window_singles_out_no_one(
    seeded: Database, test_settings: Settings, gql: GraphQLClient
) -> None:
    # Thamesgate and Albion Crown are the only institutions from GB in the Lize district.
    sharing = [i.id for i in SEEDS.institutions if (i.home_country, i.zone) == ("GB", "lize-fbd")]
    assert sorted(sharing) == ["albion-crown-bank", "thamesgate-bank"]
    await _propose(gql, "thamesgate-bank", "lianyu-data")
    today = date.today().isoformat()
    one_day = {"from": today, "to": today, "status": "PROPOSED"}

    regulator = await _as(seeded, test_settings, Role.REGULATOR, None, BY_PLACE, one_day)
    admin = _table((await gql(BY_PLACE, one_day))["aggregate"])
    party = await _as(seeded, test_settings, Role.PARTNER, "thamesgate-bank", BY_PLACE, one_day)
    third_party = await _as(seeded, test_settings, Role.PARTNER, "kestrel-bank", BY_PLACE, one_day)
    analyst = await _as(seeded, test_settings, Role.ANALYST, None, BY_PLACE, one_day)

    cell = next(k for k in regulator if k[0] == "GB")
    assert regulator == admin == {cell: 1}  # exact for regulators and admins
    assert party == {cell: 1}  # the proposer sees its own proposal, counted or listed
    assert third_party == {}  # before the rule: {("GB", "Lize Financial Business District"): 1}
    assert analyst == {}


async def test_partners_count_what_they_may_see(
    seeded: Database, test_settings: Settings, gql: GraphQLClient
) -> None:
    everything = {"from": None, "to": None}
    regulator = await _as(seeded, test_settings, Role.REGULATOR, None, BY_STATUS, everything)
    assert regulator == dict(Counter((p.status.value,) for p in SEEDS.partnerships))
    for org in ("kestrel-bank", "thamesgate-bank", "yunhe-cloud"):
        seen = Counter(
            (p.status.value,)
            for p in SEEDS.partnerships
            if p.status.value not in PRIVATE or org in (p.proposer, p.recipient)
        )
        partner = await _as(seeded, test_settings, Role.PARTNER, org, BY_STATUS, everything)
        assert partner == dict(seen), org


async def test_analysts_count_private_partnerships_only_in_crowds(
    seeded: Database, test_settings: Settings, gql: GraphQLClient
) -> None:
    """Five proposals this month from five institutions to five tech enterprises form a crowd an
    analyst may count, by status over the whole month; four do not, and no window, grouping or
    difference of two answers shows either any other way."""
    first, last = _month(date.today())
    before = {p.id for p in SEEDS.partnerships if first <= p.proposed_on <= last}
    assert not before  # the seed graph has nothing this month: the crowd is ours alone
    pairs = _free_pairs(5)
    month = {"from": first.isoformat(), "to": last.isoformat()}
    # A window of the month but its last day: no whole month, so no crowd.
    short = {"from": first.isoformat(), "to": (last - timedelta(days=1)).isoformat()}
    by_month_status = BY_STATUS.replace("[STATUS]", "[MONTH, STATUS]")
    by_place = {**month, "status": "PROPOSED"}

    async def analyst(query: str, variables: dict[str, Any]) -> dict[tuple[str, ...], int]:
        return await _as(seeded, test_settings, Role.ANALYST, None, query, variables)

    for bank, tech in pairs[:4]:
        await _propose(gql, bank, tech)
    assert await analyst(BY_STATUS, month) == {}  # four proposers: too small a crowd
    assert await analyst(BY_STATUS, {"from": None, "to": None}) == dict(
        Counter((p.status.value,) for p in SEEDS.partnerships if p.status.value not in PRIVATE)
    )  # and the seed graph's private partnerships are in no crowd of five either

    await _propose(gql, *pairs[4])
    assert await _as(seeded, test_settings, Role.REGULATOR, None, BY_STATUS, month) == {("PROPOSED",): 5}
    assert await analyst(BY_STATUS, month) == {("PROPOSED",): 5}
    assert await analyst(by_month_status, month) == {(first.isoformat()[:7], "PROPOSED"): 5}
    # Differencing: the month minus its last day, or a one-day window, shows nothing of the crowd.
    assert await analyst(BY_STATUS, short) == {}
    today = date.today().isoformat()
    assert await analyst(BY_STATUS, {"from": today, "to": today}) == {}
    # Who and where stay out: by country and zone an analyst sees no private partnership.
    assert await analyst(BY_PLACE, by_place) == {}
    assert len(await _as(seeded, test_settings, Role.REGULATOR, None, BY_PLACE, by_place)) >= 3
    # Partners get no crowds: a third party counts none of the five, a party its own one.
    outsider = next(i.id for i in SEEDS.institutions if i.id not in {a for a, _ in pairs})
    assert await _as(seeded, test_settings, Role.PARTNER, outsider, BY_STATUS, month) == {}
    assert await _as(seeded, test_settings, Role.PARTNER, pairs[0][0], BY_STATUS, month) == {("PROPOSED",): 1}
