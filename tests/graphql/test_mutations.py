"""Changing the graph: registrations, capabilities, partnership and sandbox lifecycles.

Every refusal comes back as `userErrors` naming the field, and leaves the graph as it was.
"""

from __future__ import annotations

from typing import Any

from hub.db.database import Database
from hub.graphql.relay import to_global_id
from hub.seeds.loading import graph_counts
from tests.conftest import GraphQLClient

HUDSON = to_global_id("Institution", "hudson-ridge-bank")
THAMESGATE = to_global_id("Institution", "thamesgate-bank")
LIANYU_DATA = to_global_id("TechEnterprise", "lianyu-data")
YUNHE_DATA = to_global_id("TechEnterprise", "yunhe-data")
AI = to_global_id("Capability", "ai")
PRIVACY = to_global_id("Capability", "privacy-computing")
STREET = to_global_id("Zone", "financial-street")
BATCH_4 = to_global_id("SandboxBatch", "batch-4")

REGISTER = """mutation($input: RegisterInstitutionInput!) { registerInstitution(input: $input) {
    institution { id name nameZh kind homeCountry zone { name } }
    userErrors { field message code } } }"""

PROPOSE = """mutation($input: ProposePartnershipInput!) { proposePartnership(input: $input) {
    partnership { id kind status proposedOn parties { role organisation { id } } }
    userErrors { field message code } } }"""

MOVE = """mutation($id: ID!) {
  accept: acceptPartnership(input: {id: $id}) { partnership { status startedOn } userErrors { field code message } }
}"""


def errors_of(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def unchanged(db: Database, before: dict[str, int]) -> None:
    assert await graph_counts(db) == before


async def test_register_institution(seeded: Database, gql: GraphQLClient) -> None:
    data = await gql(
        REGISTER,
        {
            "input": {
                "name": "Edelweiss Private Bank (China)",
                "nameZh": "雪绒花私人银行（中国）",
                "kind": "BANK",
                "homeCountry": "CH",
                "ownership": "WHOLLY_FOREIGN_OWNED",
                "zoneId": STREET,
            }
        },
    )
    payload = data["registerInstitution"]
    assert payload["userErrors"] == []
    created = payload["institution"]
    assert created["zone"]["name"] == "Beijing Financial Street"
    found = await gql('{ search(text: "雪绒花") { node { ... on Institution { id } } } }')
    assert found["search"][0]["node"]["id"] == created["id"]


async def test_register_institution_refusals_write_nothing(seeded: Database, gql: GraphQLClient) -> None:
    before = await graph_counts(seeded)
    cases = [
        ({"name": "  ", "homeCountry": "CH"}, [("input.name", "REQUIRED")]),
        ({"name": "X", "homeCountry": "XX"}, [("input.homeCountry", "INVALID_COUNTRY")]),
        ({"name": "X", "homeCountry": "ch"}, [("input.homeCountry", "INVALID_COUNTRY")]),
        ({"name": "X", "homeCountry": "CH", "founded": "2999-01-01"}, [("input.founded", "INVALID_DATE")]),
        (
            {"name": "X", "homeCountry": "CH", "zoneId": to_global_id("Zone", "atlantis")},
            [("input.zoneId", "NOT_FOUND")],
        ),
        ({"name": "X", "homeCountry": "CH", "zoneId": AI}, [("input.zoneId", "INVALID_ID")]),
        ({"name": "x" * 201, "homeCountry": "CH"}, [("input.name", "TOO_LONG")]),
    ]
    for fields, expected in cases:
        variables = {"input": {"kind": "BANK", "ownership": "BRANCH", **fields}}
        payload = (await gql(REGISTER, variables))["registerInstitution"]
        assert payload["institution"] is None
        assert errors_of(payload) == expected, fields
        assert all(e["message"] for e in payload["userErrors"])
    await unchanged(seeded, before)


async def test_enum_outside_its_values_is_a_graphql_error(seeded: Database, gql: GraphQLClient) -> None:
    before = await graph_counts(seeded)
    variables = {"input": {"name": "X", "kind": "HEDGE_FUND", "homeCountry": "CH", "ownership": "BRANCH"}}
    body = await gql.raw(REGISTER, variables)
    assert "HEDGE_FUND" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] in {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}
    await unchanged(seeded, before)


async def test_update_organisation(seeded: Database, gql: GraphQLClient) -> None:
    mutation = """mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) {
        organisation { name ... on TechEnterprise { employees } zone { id } } userErrors { field code } } }"""
    ok = await gql(mutation, {"input": {"id": LIANYU_DATA, "employees": 450, "zoneId": STREET}})
    assert ok["updateOrganisation"]["userErrors"] == []
    org = ok["updateOrganisation"]["organisation"]
    assert org["employees"] == 450 and org["zone"]["id"] == STREET
    before = await graph_counts(seeded)
    refused = await gql(mutation, {"input": {"id": HUDSON, "employees": 10}})
    assert errors_of(refused["updateOrganisation"]) == [("input.employees", "NOT_APPLICABLE")]
    missing = await gql(mutation, {"input": {"id": to_global_id("Institution", "gone"), "name": "Y"}})
    assert errors_of(missing["updateOrganisation"]) == [("input.id", "NOT_FOUND")]
    # An institution's key under the other type's id is no organisation, as `node` says too.
    mislabelled = to_global_id("TechEnterprise", "hudson-ridge-bank")
    other = await gql(mutation, {"input": {"id": mislabelled, "name": "Renamed through the wrong type"}})
    assert errors_of(other["updateOrganisation"]) == [("input.id", "NOT_FOUND")]
    assert (await gql("query($i: ID!) { node(id: $i) { id } }", {"i": mislabelled}))["node"] is None
    await unchanged(seeded, before)
    name = await gql("query($i: ID!) { node(id: $i) { ... on Institution { name } } }", {"i": HUDSON})
    assert name["node"]["name"] != "Renamed through the wrong type"


async def test_declare_capabilities(seeded: Database, gql: GraphQLClient) -> None:
    sought = await gql(
        """mutation($i: ID!, $c: [ID!]!) { declareSoughtCapabilities(input: {institutionId: $i, capabilityIds: $c}) {
            institution { soughtCapabilities { id } } userErrors { field code } } }""",
        {"i": HUDSON, "c": [AI, PRIVACY]},
    )
    assert {c["id"] for c in sought["declareSoughtCapabilities"]["institution"]["soughtCapabilities"]} == {
        AI,
        PRIVACY,
    }
    offered = await gql(
        """mutation($t: ID!, $o: [OfferInput!]!) { declareOfferedCapabilities(input: {techEnterpriseId: $t, offers: $o}) {
            techEnterprise { offeredCapabilities { maturity capability { id } } } userErrors { field code } } }""",
        {"t": LIANYU_DATA, "o": [{"capabilityId": AI, "maturity": "MATURE"}]},
    )
    assert offered["declareOfferedCapabilities"]["techEnterprise"]["offeredCapabilities"] == [
        {"maturity": "MATURE", "capability": {"id": AI}}
    ]
    before = await graph_counts(seeded)
    refused = await gql(
        """mutation($i: ID!, $c: [ID!]!) { declareSoughtCapabilities(input: {institutionId: $i, capabilityIds: $c}) {
            institution { id } userErrors { field code } } }""",
        {"i": HUDSON, "c": [AI, to_global_id("Capability", "telepathy")]},
    )
    assert errors_of(refused["declareSoughtCapabilities"]) == [("input.capabilityIds.1", "NOT_FOUND")]
    duplicate = await gql(
        """mutation($i: ID!, $c: [ID!]!) { declareSoughtCapabilities(input: {institutionId: $i, capabilityIds: $c}) {
            institution { id } userErrors { field code } } }""",
        {"i": HUDSON, "c": [AI, AI, PRIVACY, AI, PRIVACY]},
    )
    # Each repeated id is told once, where it repeats first.
    assert errors_of(duplicate["declareSoughtCapabilities"]) == [
        ("input.capabilityIds.1", "DUPLICATE"),
        ("input.capabilityIds.4", "DUPLICATE"),
    ]
    await unchanged(seeded, before)
    still = await gql(
        "query($i: ID!) { node(id: $i) { ... on Institution { soughtCapabilities { id } } } }", {"i": HUDSON}
    )
    assert {c["id"] for c in still["node"]["soughtCapabilities"]} == {AI, PRIVACY}


async def test_partnership_lifecycle(seeded: Database, gql: GraphQLClient) -> None:
    proposed = (
        await gql(
            PROPOSE, {"input": {"proposerId": HUDSON, "recipientId": LIANYU_DATA, "title": "AML analytics"}}
        )
    )["proposePartnership"]
    assert proposed["userErrors"] == []
    partnership = proposed["partnership"]
    assert (partnership["kind"], partnership["status"]) == ("COOPERATION", "PROPOSED")
    assert {(p["role"], p["organisation"]["id"]) for p in partnership["parties"]} == {
        ("PROPOSER", HUDSON),
        ("RECIPIENT", LIANYU_DATA),
    }
    accepted = (await gql(MOVE, {"id": partnership["id"]}))["accept"]
    assert accepted["partnership"]["status"] == "ACTIVE" and accepted["partnership"]["startedOn"]

    before = await graph_counts(seeded)
    again = (await gql(MOVE, {"id": partnership["id"]}))["accept"]
    assert again["partnership"] is None
    assert errors_of(again) == [("input.id", "INVALID_TRANSITION")]
    assert "cannot ACCEPT an ACTIVE partnership; allowed actions: END" in again["userErrors"][0]["message"]
    duplicate = (
        await gql(PROPOSE, {"input": {"proposerId": LIANYU_DATA, "recipientId": HUDSON, "title": "Again"}})
    )["proposePartnership"]
    assert errors_of(duplicate) == [("input.recipientId", "DUPLICATE")]
    await unchanged(seeded, before)

    ended = await gql(
        "mutation($id: ID!) { endPartnership(input: {id: $id}) { partnership { status endedOn } userErrors { code } } }",
        {"id": partnership["id"]},
    )
    assert ended["endPartnership"]["partnership"]["status"] == "ENDED"


async def test_intra_sector_proposal_and_decline(seeded: Database, gql: GraphQLClient) -> None:
    payload = (
        await gql(
            PROPOSE,
            {"input": {"proposerId": HUDSON, "recipientId": THAMESGATE, "title": "Joint e-CNY pilot"}},
        )
    )["proposePartnership"]
    assert payload["partnership"]["kind"] == "INTRA_SECTOR"
    declined = await gql(
        "mutation($id: ID!) { declinePartnership(input: {id: $id}) { partnership { status decidedOn } } }",
        {"id": payload["partnership"]["id"]},
    )
    assert declined["declinePartnership"]["partnership"]["status"] == "DECLINED"


async def test_partnership_proposal_refusals(seeded: Database, gql: GraphQLClient) -> None:
    before = await graph_counts(seeded)
    cases = [
        (
            {"proposerId": HUDSON, "recipientId": HUDSON, "title": "Me"},
            [("input.recipientId", "INVALID_PARTIES")],
        ),
        (
            {"proposerId": LIANYU_DATA, "recipientId": YUNHE_DATA, "title": "Tech"},
            [("input.recipientId", "INVALID_PARTIES")],
        ),
        (
            {"proposerId": HUDSON, "recipientId": to_global_id("TechEnterprise", "ghost"), "title": "T"},
            [("input.recipientId", "NOT_FOUND")],
        ),
        (
            {"proposerId": "not-an-id", "recipientId": LIANYU_DATA, "title": "T"},
            [("input.proposerId", "INVALID_ID")],
        ),
        ({"proposerId": HUDSON, "recipientId": LIANYU_DATA, "title": ""}, [("input.title", "REQUIRED")]),
    ]
    for fields, expected in cases:
        payload = (await gql(PROPOSE, {"input": fields}))["proposePartnership"]
        assert errors_of(payload) == expected, fields
    missing = await gql(MOVE, {"id": to_global_id("Partnership", "p-9999")})
    assert errors_of(missing["accept"]) == [("input.id", "NOT_FOUND")]
    await unchanged(seeded, before)


SANDBOX_FIELDS = "sandboxProject { id status registeredOn testingStartedOn closedOn batch { number } participants { role organisation { id } } technologies { id } } userErrors { field code message }"


async def test_sandbox_lifecycle(seeded: Database, gql: GraphQLClient) -> None:
    applied = await gql(
        f"""mutation($input: ApplyToSandboxInput!) {{ applyToSandbox(input: $input) {{ {SANDBOX_FIELDS} }} }}""",
        {
            "input": {
                "name": "Federated AML model",
                "serviceType": "TECHNOLOGY_PRODUCT",
                "riskLevel": "MEDIUM",
                "applicantIds": [HUDSON],
                "providerIds": [LIANYU_DATA],
                "capabilityIds": [PRIVACY, AI],
            }
        },
    )
    project = applied["applyToSandbox"]["sandboxProject"]
    assert project["status"] == "PUBLIC_COMMENT"
    assert {(p["role"], p["organisation"]["id"]) for p in project["participants"]} == {
        ("APPLICANT", HUDSON),
        ("TECHNOLOGY_PROVIDER", LIANYU_DATA),
    }
    pid = project["id"]
    early_exit = await gql(
        f"mutation($id: ID!) {{ exitSandbox(input: {{id: $id}}) {{ {SANDBOX_FIELDS} }} }}", {"id": pid}
    )
    assert errors_of(early_exit["exitSandbox"]) == [("input.id", "INVALID_TRANSITION")]
    registered = await gql(
        f"mutation($id: ID!, $b: ID!) {{ registerSandboxProject(input: {{id: $id, batchId: $b}}) {{ {SANDBOX_FIELDS} }} }}",
        {"id": pid, "b": BATCH_4},
    )
    assert registered["registerSandboxProject"]["sandboxProject"]["batch"] == {"number": 4}
    testing = await gql(
        f"mutation($id: ID!) {{ startSandboxTesting(input: {{id: $id}}) {{ {SANDBOX_FIELDS} }} }}",
        {"id": pid},
    )
    assert testing["startSandboxTesting"]["sandboxProject"]["status"] == "TESTING"
    exited = await gql(
        f"mutation($id: ID!) {{ exitSandbox(input: {{id: $id}}) {{ {SANDBOX_FIELDS} }} }}", {"id": pid}
    )
    assert exited["exitSandbox"]["sandboxProject"]["status"] == "EXITED"
    assert exited["exitSandbox"]["sandboxProject"]["closedOn"]
    withdraw = await gql(
        f"mutation($id: ID!) {{ withdrawSandboxProject(input: {{id: $id}}) {{ {SANDBOX_FIELDS} }} }}",
        {"id": pid},
    )
    assert "none (it is final)" in withdraw["withdrawSandboxProject"]["userErrors"][0]["message"]


async def test_sandbox_application_refusals(seeded: Database, gql: GraphQLClient) -> None:
    before = await graph_counts(seeded)
    base = {"name": "P", "serviceType": "FINANCIAL_SERVICE", "riskLevel": "LOW"}
    cases = [
        ({"applicantIds": []}, [("input.applicantIds", "REQUIRED")]),
        ({"applicantIds": [LIANYU_DATA]}, [("input.applicantIds.0", "INVALID_ID")]),
        ({"applicantIds": [HUDSON], "providerIds": [THAMESGATE]}, [("input.providerIds.0", "INVALID_ID")]),
        (
            {
                "applicantIds": [HUDSON, THAMESGATE],
                "providerIds": [LIANYU_DATA, YUNHE_DATA, to_global_id("TechEnterprise", "x")],
            },
            [("input.providerIds", "COUNT")],
        ),
        (
            {"applicantIds": [HUDSON], "plannedGoLive": "2001-01-01"},
            [("input.plannedGoLive", "INVALID_DATE")],
        ),
        (
            {"applicantIds": [HUDSON], "capabilityIds": [to_global_id("Capability", "alchemy")]},
            [("input.capabilityIds.0", "NOT_FOUND")],
        ),
        # A repeat is told once, in the list and at the index where it repeats.
        (
            {"applicantIds": [HUDSON], "providerIds": [LIANYU_DATA, LIANYU_DATA, LIANYU_DATA]},
            [("input.providerIds.1", "DUPLICATE")],
        ),
        ({"applicantIds": [to_global_id("Institution", "nobody")]}, [("input.applicantIds.0", "NOT_FOUND")]),
    ]
    for fields, expected in cases:
        payload = (
            await gql(
                f"mutation($input: ApplyToSandboxInput!) {{ applyToSandbox(input: $input) {{ {SANDBOX_FIELDS} }} }}",
                {"input": {**base, **fields}},
            )
        )["applyToSandbox"]
        assert errors_of(payload) == expected, fields
    await unchanged(seeded, before)


async def test_grant_award(seeded: Database, gql: GraphQLClient) -> None:
    project = to_global_id("SandboxProject", "sbx-001")
    mutation = """mutation($input: GrantAwardInput!) { grantAward(input: $input) {
        award { name year prizeYuan project { id } } userErrors { field code } } }"""
    ok = await gql(
        mutation, {"input": {"projectId": project, "name": "CFIA 2021", "year": 2021, "prizeYuan": 5_000_000}}
    )
    assert ok["grantAward"]["award"] == {
        "name": "CFIA 2021",
        "year": 2021,
        "prizeYuan": 5_000_000,
        "project": {"id": project},
    }
    before = await graph_counts(seeded)
    bad = await gql(mutation, {"input": {"projectId": project, "name": " ", "year": 1999, "prizeYuan": -1}})
    assert errors_of(bad["grantAward"]) == [
        ("input.name", "REQUIRED"),
        ("input.year", "OUT_OF_RANGE"),
        ("input.prizeYuan", "OUT_OF_RANGE"),
    ]
    missing = await gql(
        mutation,
        {
            "input": {
                "projectId": to_global_id("SandboxProject", "nope"),
                "name": "X",
                "year": 2021,
                "prizeYuan": 1,
            }
        },
    )
    assert errors_of(missing["grantAward"]) == [("input.projectId", "NOT_FOUND")]
    await unchanged(seeded, before)
