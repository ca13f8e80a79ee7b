"""The audit log: every mutation recorded with who, what and the outcome; regulators read it."""

from __future__ import annotations

import json

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import GraphQLClient, serve

HUDSON = to_global_id("Institution", "hudson-ridge-bank")
LIANYU = to_global_id("TechEnterprise", "lianyu-data")

LOG = """query($f: AuditFilterInput) { auditLog(first: 20, filter: $f) { totalCount
    nodes { at subject role organisationId operation input outcome errors } } }"""


async def test_allowed_and_refused_mutations_are_recorded(seeded: Database, gql: GraphQLClient) -> None:
    proposed = await gql(
        f'mutation {{ proposePartnership(input: {{proposerId: "{HUDSON}", recipientId: "{LIANYU}", title: "AML"}}) '
        "{ partnership { id } } }"
    )
    pid = proposed["proposePartnership"]["partnership"]["id"]
    await gql(
        f'mutation {{ endPartnership(input: {{id: "{pid}"}}) {{ userErrors {{ code }} }} }}'
    )  # PROPOSED: refused

    log = (await gql(LOG))["auditLog"]
    assert log["totalCount"] == 2
    refused, allowed = log["nodes"]  # newest first
    assert (allowed["operation"], allowed["outcome"], allowed["role"]) == (
        "proposePartnership",
        "ALLOWED",
        "ADMIN",
    )
    assert json.loads(allowed["input"])["input"]["title"] == "AML"
    assert allowed["subject"].startswith("key:")
    assert (refused["operation"], refused["outcome"]) == ("endPartnership", "REFUSED")
    assert "cannot END a PROPOSED partnership" in refused["errors"][0]
    only_refused = (await gql(LOG, {"f": {"outcome": "REFUSED"}}))["auditLog"]
    assert only_refused["totalCount"] == 1
    by_operation = (await gql(LOG, {"f": {"operation": "proposePartnership"}}))["auditLog"]
    assert by_operation["totalCount"] == 1


async def test_a_rolled_back_change_leaves_only_its_refusal(seeded: Database, gql: GraphQLClient) -> None:
    # The transition fails inside its transaction: the ALLOWED entry written there rolls back too.
    missing = to_global_id("Partnership", "p-nowhere")
    await gql(f'mutation {{ acceptPartnership(input: {{id: "{missing}"}}) {{ userErrors {{ code }} }} }}')
    log = (await gql(LOG))["auditLog"]
    assert [(n["operation"], n["outcome"]) for n in log["nodes"]] == [("acceptPartnership", "REFUSED")]


async def test_only_regulators_and_admins_read_the_log(seeded: Database, test_settings: Settings) -> None:
    keys = ApiKeys(seeded)
    for role, org, allowed in [
        (Role.REGULATOR, None, True),
        (Role.ANALYST, None, False),
        (Role.PARTNER, "hudson-ridge-bank", False),
    ]:
        key = (await keys.create(role, org)).key
        async with serve(test_settings, seeded, {"Authorization": f"Bearer {key}"}) as http:
            body = (await http.post("/graphql", json={"query": LOG})).json()
        if allowed:
            assert "errors" not in body, body
        else:
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
