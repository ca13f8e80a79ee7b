"""PROPOSED and DECLINED partnerships, and terms, are private to their parties, regulators and admins."""

from __future__ import annotations

from typing import Any

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import GraphQLClient, serve

HUDSON = to_global_id("Institution", "hudson-ridge-bank")
LIANYU = to_global_id("TechEnterprise", "lianyu-data")


async def _as(db: Database, settings: Settings, role: Role, org: str | None, query: str) -> dict[str, Any]:
    key = (await ApiKeys(db).create(role, org)).key
    async with serve(settings, db, {"Authorization": f"Bearer {key}"}) as http:
        body: dict[str, Any] = (await http.post("/graphql", json={"query": query})).json()
    assert "errors" not in body, body
    return body["data"]


async def test_private_partnerships_by_role(
    seeded: Database, test_settings: Settings, gql: GraphQLClient
) -> None:
    created = await gql(
        f'mutation {{ proposePartnership(input: {{proposerId: "{HUDSON}", recipientId: "{LIANYU}", '
        'title: "Private AML pilot", terms: "fees 1% of savings"}) { partnership { id } } }'
    )
    pid = created["proposePartnership"]["partnership"]["id"]
    query = f"""{{
        node(id: "{pid}") {{ id ... on Partnership {{ terms }} }}
        proposed: partnerships(first: 100, filter: {{status: PROPOSED}}) {{ totalCount nodes {{ id }} }}
        declined: partnerships(first: 100, filter: {{status: DECLINED}}) {{ totalCount }}
        active: partnerships(first: 1, filter: {{status: ACTIVE}}) {{ totalCount nodes {{ terms }} }}
        hudson: node(id: "{HUDSON}") {{ ... on Institution {{ partnerships(first: 100) {{ nodes {{ status }} }} }} }}
    }}"""
    admin = await gql(query)
    analyst = await _as(seeded, test_settings, Role.ANALYST, None, query)
    party = await _as(seeded, test_settings, Role.PARTNER, "lianyu-data", query)
    outsider = await _as(seeded, test_settings, Role.PARTNER, "kestrel-bank", query)
    regulator = await _as(seeded, test_settings, Role.REGULATOR, None, query)

    assert (
        admin["node"]["terms"] == regulator["node"]["terms"] == party["node"]["terms"] == "fees 1% of savings"
    )
    assert analyst["node"] is None and outsider["node"] is None  # as if it did not exist
    assert admin["proposed"]["totalCount"] == regulator["proposed"]["totalCount"] > 1
    assert analyst["proposed"]["totalCount"] == 0 and analyst["declined"]["totalCount"] == 0
    assert pid in {n["id"] for n in party["proposed"]["nodes"]}
    assert pid not in {n["id"] for n in outsider["proposed"]["nodes"]}
    assert analyst["active"]["totalCount"] == admin["active"]["totalCount"] > 0
    assert {n["status"] for n in analyst["hudson"]["partnerships"]["nodes"]} <= {"ACTIVE", "ENDED"}
    assert "PROPOSED" in {n["status"] for n in admin["hudson"]["partnerships"]["nodes"]}

    # Once ACTIVE, everyone sees the partnership, but its terms stay with the parties.
    await gql(f'mutation {{ acceptPartnership(input: {{id: "{pid}"}}) {{ userErrors {{ code }} }} }}')
    terms = f'{{ node(id: "{pid}") {{ ... on Partnership {{ status terms }} }} }}'
    assert (await _as(seeded, test_settings, Role.ANALYST, None, terms))["node"] == {
        "status": "ACTIVE",
        "terms": None,
    }
    assert (await _as(seeded, test_settings, Role.PARTNER, "hudson-ridge-bank", terms))["node"]["terms"] == (
        "fees 1% of savings"
    )
