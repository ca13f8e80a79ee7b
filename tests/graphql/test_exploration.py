"""Neighbourhoods, shortest paths and ego networks, on the seed graph, as analysts see them."""

from __future__ import annotations

from typing import Any

import pytest

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import GraphQLClient, serve

YUNHE = to_global_id("TechEnterprise", "yunhe-cloud")
THAMESGATE = to_global_id("Institution", "thamesgate-bank")
ALBION_AM = to_global_id("Institution", "albion-crown-asset-manager")
HIDDEN = to_global_id("Partnership", "p-0026")  # PROPOSED: albion-crown-asset-manager -> lianyu-data

NEIGHBOURHOOD = """
query ($id: ID!, $depth: Int!, $max: Int!) {
  neighbourhood(id: $id, depth: $depth, maxNodes: $max) {
    truncated
    nodes { id __typename ... on Organisation { name } ... on Partnership { status } }
    edges { id type source target }
  }
}"""

PATHS = """
query ($from: ID!, $to: ID!, $hops: Int!) {
  shortestPaths(from: $from, to: $to, maxHops: $hops, first: 5) {
    hops nodes { id __typename } edges { type source target }
  }
}"""

EGO = """
query ($id: ID!, $max: Int!) {
  egoNetwork(id: $id, maxNodes: $max) {
    truncated nodes { id ... on Organisation { name } } edges { type source target partnership status }
  }
}"""


async def _as(role: Role, db: Database, settings: Settings, query: str, variables: dict[str, Any]) -> Any:
    key = (await ApiKeys(db).create(role, "albion-crown-asset-manager" if role is Role.PARTNER else None)).key
    async with serve(settings, db, {"Authorization": f"Bearer {key}"}) as http:
        return (await http.post("/graphql", json={"query": query, "variables": variables})).json()


async def test_neighbourhood_of_a_provider_reaches_its_clients(seeded: Database, gql: GraphQLClient) -> None:
    one = (await gql(NEIGHBOURHOOD, {"id": YUNHE, "depth": 1, "max": 150}))["neighbourhood"]
    kinds = {n["__typename"] for n in one["nodes"]}
    assert {"TechEnterprise", "Partnership", "Capability", "Zone"} <= kinds
    assert "Institution" not in kinds  # clients are two steps away, through partnerships
    assert not one["truncated"]

    two = (await gql(NEIGHBOURHOOD, {"id": YUNHE, "depth": 2, "max": 500}))["neighbourhood"]
    names = {n.get("name") for n in two["nodes"]}
    assert "Thamesgate Bank (China)" in names
    ids = {n["id"] for n in two["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in two["edges"])
    assert len({e["id"] for e in two["edges"]}) == len(two["edges"])
    # every partnership of the provider is linked to it
    partnerships = {n["id"] for n in two["nodes"] if n["__typename"] == "Partnership"}
    linked = {e["target"] for e in two["edges"] if e["type"] == "PARTY_TO" and e["source"] == YUNHE}
    assert linked and linked <= partnerships


async def test_neighbourhood_is_capped_and_says_so(seeded: Database, gql: GraphQLClient) -> None:
    capped = (await gql(NEIGHBOURHOOD, {"id": YUNHE, "depth": 3, "max": 25}))["neighbourhood"]
    assert len(capped["nodes"]) == 25
    assert capped["truncated"] is True
    assert capped["nodes"][0]["id"] == YUNHE


async def test_hidden_partnerships_stay_hidden_from_analysts_not_from_their_parties(
    seeded: Database, test_settings: Settings
) -> None:
    variables = {"id": ALBION_AM, "depth": 1, "max": 200}
    analyst = await _as(Role.ANALYST, seeded, test_settings, NEIGHBOURHOOD, variables)
    party = await _as(Role.PARTNER, seeded, test_settings, NEIGHBOURHOOD, variables)
    analyst_ids = {n["id"] for n in analyst["data"]["neighbourhood"]["nodes"]}
    party_ids = {n["id"] for n in party["data"]["neighbourhood"]["nodes"]}
    assert HIDDEN not in analyst_ids
    assert HIDDEN in party_ids
    hidden_start = await _as(Role.ANALYST, seeded, test_settings, NEIGHBOURHOOD, {**variables, "id": HIDDEN})
    assert hidden_start["data"]["neighbourhood"] is None


async def test_shortest_paths_run_through_partnerships_and_projects(
    seeded: Database, gql: GraphQLClient
) -> None:
    direct = (await gql(PATHS, {"from": THAMESGATE, "to": YUNHE, "hops": 4}))["shortestPaths"]
    assert direct and all(p["hops"] == 1 for p in direct)
    path = direct[0]
    assert path["nodes"][0]["id"] == THAMESGATE and path["nodes"][-1]["id"] == YUNHE
    assert path["nodes"][1]["__typename"] in {"Partnership", "SandboxProject"}

    far = (await gql(PATHS, {"from": THAMESGATE, "to": ALBION_AM, "hops": 6}))["shortestPaths"]
    assert far
    hops = {p["hops"] for p in far}
    assert len(hops) == 1 and hops.pop() >= 2  # all of one, shortest, length
    for p in far:
        for edge, (a, b) in zip(p["edges"], zip(p["nodes"], p["nodes"][1:], strict=False), strict=True):
            assert {edge["source"], edge["target"]} == {a["id"], b["id"]}

    none = (await gql(PATHS, {"from": THAMESGATE, "to": ALBION_AM, "hops": 1}))["shortestPaths"]
    assert none == []


async def test_ego_network_links_partners_among_themselves(seeded: Database, gql: GraphQLClient) -> None:
    ego = (await gql(EGO, {"id": YUNHE, "max": 100}))["egoNetwork"]
    assert ego["nodes"][0]["id"] == YUNHE
    assert len(ego["nodes"]) >= 16  # the 15 planted clients and the provider
    ids = {n["id"] for n in ego["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in ego["edges"])
    assert all(e["type"] == "PARTNERSHIP" and e["status"] == "ACTIVE" for e in ego["edges"])
    assert sum(YUNHE in (e["source"], e["target"]) for e in ego["edges"]) >= 15

    small = (await gql(EGO, {"id": YUNHE, "max": 5}))["egoNetwork"]
    assert len(small["nodes"]) == 5 and small["truncated"] is True


@pytest.mark.parametrize(
    ("query", "variables", "argument"),
    [
        (NEIGHBOURHOOD, {"id": YUNHE, "depth": 4, "max": 10}, "depth"),
        (NEIGHBOURHOOD, {"id": YUNHE, "depth": 1, "max": 501}, "maxNodes"),
        (NEIGHBOURHOOD, {"id": "not-an-id", "depth": 1, "max": 10}, "id"),
        (PATHS, {"from": HIDDEN, "to": YUNHE, "hops": 2}, "from"),
        (PATHS, {"from": YUNHE, "to": YUNHE, "hops": 2}, "to"),
        (PATHS, {"from": THAMESGATE, "to": YUNHE, "hops": 7}, "maxHops"),
        (EGO, {"id": YUNHE, "max": 1}, "maxNodes"),
    ],
)
async def test_bad_arguments_are_named(
    seeded: Database, gql: GraphQLClient, query: str, variables: dict[str, Any], argument: str
) -> None:
    body = await gql.raw(query, variables)
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    assert error["message"].startswith(f"{argument}: ")
