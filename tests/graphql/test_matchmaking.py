"""Recommended partners through the API: exclusions, filters, dismissal, reasons."""

from __future__ import annotations

from typing import Any

from hub.db.database import Database
from hub.graphql.relay import to_global_id
from tests.conftest import GraphQLClient

THAMESGATE = to_global_id("Institution", "thamesgate-bank")
HUDSON = to_global_id("Institution", "hudson-ridge-bank")
YUNHE_CLOUD = to_global_id("TechEnterprise", "yunhe-cloud")
LIANYU_DATA = to_global_id("TechEnterprise", "lianyu-data")
STREET = to_global_id("Zone", "financial-street")
AI = to_global_id("Capability", "ai")

FIELDS = """candidate { id name homeCountry zone { id } ... on Institution { kind soughtCapabilities { id } }
    ... on TechEnterprise { offeredCapabilities { capability { id } } } }
    score reasons { kind detail contribution }"""

TECH = f"query($id: ID!, $first: Int!, $f: RecommendationFilterInput) {{ recommendedTechPartners(institutionId: $id, first: $first, filter: $f) {{ {FIELDS} }} }}"
PEERS = f"query($id: ID!, $first: Int!, $f: RecommendationFilterInput) {{ recommendedPeers(institutionId: $id, first: $first, filter: $f) {{ {FIELDS} }} }}"
INSTITUTIONS = f"query($id: ID!, $first: Int!, $f: RecommendationFilterInput) {{ recommendedInstitutions(techEnterpriseId: $id, first: $first, filter: $f) {{ {FIELDS} }} }}"

FEEDBACK = """mutation($input: RecommendationFeedbackInput!) { recommendationFeedback(input: $input) {
    partnership { id status kind } userErrors { field code message } } }"""


async def _open_partners(gql: GraphQLClient, org: str) -> set[str]:
    data = await gql(
        """query($id: ID!) { node(id: $id) { ... on Organisation {
            a: partners(first: 100, status: ACTIVE) { nodes { id } }
            p: partners(first: 100, status: PROPOSED) { nodes { id } } } } }""",
        {"id": org},
    )
    return {n["id"] for n in data["node"]["a"]["nodes"] + data["node"]["p"]["nodes"]}


def _check_shape(recommendations: list[dict[str, Any]]) -> None:
    scores = [r["score"] for r in recommendations]
    assert scores == sorted(scores, reverse=True)
    for r in recommendations:
        assert isinstance(r["score"], float)
        assert r["reasons"], r
        assert abs(sum(x["contribution"] for x in r["reasons"]) - r["score"]) < 1e-4
        assert all(x["detail"] for x in r["reasons"])


async def test_tech_partners_with_reasons_and_exclusions(seeded: Database, gql: GraphQLClient) -> None:
    recs = (await gql(TECH, {"id": THAMESGATE, "first": 10}))["recommendedTechPartners"]
    assert len(recs) == 10
    _check_shape(recs)
    ids = {r["candidate"]["id"] for r in recs}
    assert YUNHE_CLOUD not in ids  # its ACTIVE partner
    assert not ids & await _open_partners(gql, THAMESGATE)
    fit = [x for r in recs for x in r["reasons"] if x["kind"] == "CAPABILITY_FIT"]
    assert fit and all("capabilities sought" in x["detail"] for x in fit)


async def test_peers_and_institutions(seeded: Database, gql: GraphQLClient) -> None:
    peers = (await gql(PEERS, {"id": HUDSON, "first": 5}))["recommendedPeers"]
    _check_shape(peers)
    assert HUDSON not in {r["candidate"]["id"] for r in peers}
    assert not {r["candidate"]["id"] for r in peers} & await _open_partners(gql, HUDSON)
    assert any(x["kind"] == "SAME_SECTOR" for r in peers for x in r["reasons"])
    institutions = (await gql(INSTITUTIONS, {"id": LIANYU_DATA, "first": 5}))["recommendedInstitutions"]
    _check_shape(institutions)
    assert all("kind" in r["candidate"] for r in institutions)
    assert not {r["candidate"]["id"] for r in institutions} & await _open_partners(gql, LIANYU_DATA)


async def test_filters(seeded: Database, gql: GraphQLClient) -> None:
    cn = (await gql(TECH, {"id": HUDSON, "first": 20, "f": {"homeCountry": "CN"}}))["recommendedTechPartners"]
    assert cn and {r["candidate"]["homeCountry"] for r in cn} == {"CN"}
    zone = (await gql(TECH, {"id": HUDSON, "first": 20, "f": {"zoneId": STREET}}))["recommendedTechPartners"]
    assert all(r["candidate"]["zone"]["id"] == STREET for r in zone)
    ai = (await gql(TECH, {"id": HUDSON, "first": 20, "f": {"capabilityId": AI}}))["recommendedTechPartners"]
    assert ai and all(
        AI in {o["capability"]["id"] for o in r["candidate"]["offeredCapabilities"]} for r in ai
    )
    banks = (await gql(PEERS, {"id": HUDSON, "first": 20, "f": {"kind": "BANK"}}))["recommendedPeers"]
    assert banks and {r["candidate"]["kind"] for r in banks} == {"BANK"}


async def test_dismissed_candidate_is_not_recommended_again(seeded: Database, gql: GraphQLClient) -> None:
    first = (await gql(TECH, {"id": HUDSON, "first": 5}))["recommendedTechPartners"]
    top = first[0]["candidate"]["id"]
    result = await gql(FEEDBACK, {"input": {"partyId": HUDSON, "candidateId": top, "action": "DISMISS"}})
    assert result["recommendationFeedback"] == {"partnership": None, "userErrors": []}
    again = (await gql(TECH, {"id": HUDSON, "first": 50}))["recommendedTechPartners"]
    assert top not in {r["candidate"]["id"] for r in again}
    assert again[0]["candidate"]["id"] == first[1]["candidate"]["id"]


async def test_accepting_proposes_a_partnership(seeded: Database, gql: GraphQLClient) -> None:
    top = (await gql(TECH, {"id": HUDSON, "first": 1}))["recommendedTechPartners"][0]["candidate"]["id"]
    result = (await gql(FEEDBACK, {"input": {"partyId": HUDSON, "candidateId": top, "action": "ACCEPT"}}))[
        "recommendationFeedback"
    ]
    assert result["userErrors"] == []
    assert (result["partnership"]["status"], result["partnership"]["kind"]) == ("PROPOSED", "COOPERATION")
    after = (await gql(TECH, {"id": HUDSON, "first": 50}))["recommendedTechPartners"]
    assert top not in {r["candidate"]["id"] for r in after}
    # Accepting again is the proposal's duplicate, told at this input's field, not the proposal's.
    again = (await gql(FEEDBACK, {"input": {"partyId": HUDSON, "candidateId": top, "action": "ACCEPT"}}))[
        "recommendationFeedback"
    ]
    assert again["partnership"] is None
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [("input.candidateId", "DUPLICATE")]


async def test_bad_requests(seeded: Database, gql: GraphQLClient) -> None:
    missing = await gql.raw(TECH, {"id": to_global_id("Institution", "nobody"), "first": 5})
    assert missing["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    wrong_type = await gql.raw(TECH, {"id": LIANYU_DATA, "first": 5})
    assert wrong_type["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    too_many = await gql.raw(TECH, {"id": HUDSON, "first": 500})
    assert too_many["errors"][0]["extensions"]["argument"] == "first"
    tech_tech = (
        await gql(
            FEEDBACK, {"input": {"partyId": LIANYU_DATA, "candidateId": YUNHE_CLOUD, "action": "DISMISS"}}
        )
    )["recommendationFeedback"]
    assert [(e["field"], e["code"]) for e in tech_tech["userErrors"]] == [
        ("input.candidateId", "INVALID_PARTIES")
    ]


async def test_every_party_of_the_seed_graph_gets_an_answer(seeded: Database, gql: GraphQLClient) -> None:
    # Found by the benchmark: an institution with no intra-sector partners of partners made
    # recommendedPeers fail. Every institution and tech enterprise must get an answer.
    institutions = await seeded.read("MATCH (i:Institution) RETURN i.id AS id ORDER BY id")
    tech = await seeded.read("MATCH (t:TechEnterprise) RETURN t.id AS id ORDER BY id")
    for row in institutions:
        key = to_global_id("Institution", row["id"])
        for query, field in ((PEERS, "recommendedPeers"), (TECH, "recommendedTechPartners")):
            found = (await gql(query, {"id": key, "first": 5, "f": None}))[field]
            assert all(r["candidate"]["id"] != key for r in found), row["id"]
    for row in tech:
        key = to_global_id("TechEnterprise", row["id"])
        found = (await gql(INSTITUTIONS, {"id": key, "first": 5, "f": None}))["recommendedInstitutions"]
        assert all(r["candidate"]["id"] != key for r in found), row["id"]
