"""The audit log: every mutation recorded with who, what and the outcome; regulators read it."""

from __future__ import annotations

import json
import logging

import pytest

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


# A constraint the hub does not define, made by this test only: the service does not expect it,
# so a write that breaks it fails inside Neo4j, as an unforeseen database error would.
TEST_ONLY_CONSTRAINT = (
    "CREATE CONSTRAINT test_only_unique_name_zh IF NOT EXISTS FOR (n:Institution) REQUIRE n.nameZh IS UNIQUE"
)
DROP_TEST_ONLY_CONSTRAINT = "DROP CONSTRAINT test_only_unique_name_zh IF EXISTS"

REGISTER = """mutation($input: RegisterInstitutionInput!) { registerInstitution(input: $input) {
    institution { id } userErrors { field } } }"""


async def test_a_mutation_that_fails_unexpectedly_is_recorded_as_failed(
    empty_graph: Database, gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    bank = {"kind": "BANK", "homeCountry": "CH", "ownership": "WHOLLY_FOREIGN_OWNED"}
    first = await gql(REGISTER, {"input": {**bank, "name": "Alpenrose Bank", "nameZh": "阿尔卑斯银行"}})
    second = await gql(REGISTER, {"input": {**bank, "name": "Edelweiss Bank", "nameZh": "雪绒花银行"}})
    assert first["registerInstitution"]["institution"] and second["registerInstitution"]["institution"]
    update = """mutation($id: ID!) { updateOrganisation(input: {id: $id, nameZh: "阿尔卑斯银行"}) {
        organisation { name } userErrors { field } } }"""
    await empty_graph.write(TEST_ONLY_CONSTRAINT)
    try:
        with caplog.at_level(logging.INFO):
            answer = await gql.raw(update, {"id": second["registerInstitution"]["institution"]["id"]})
    finally:
        await empty_graph.write(DROP_TEST_ONLY_CONSTRAINT)
    assert answer["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert answer["errors"][0]["message"] == "Internal server error"

    failed = (await gql(LOG, {"f": {"outcome": "FAILED"}}))["auditLog"]
    assert failed["totalCount"] == 1
    (entry,) = failed["nodes"]
    assert (entry["operation"], entry["role"]) == ("updateOrganisation", "ADMIN")
    assert json.loads(entry["input"])["input"]["nameZh"] == "阿尔卑斯银行"
    assert entry["errors"] == ["the mutation failed with an internal error; see the hub's log"]
    # Its transaction rolled back: no ALLOWED entry for it, and the name is unchanged.
    assert (await gql(LOG, {"f": {"operation": "updateOrganisation"}}))["auditLog"]["totalCount"] == 1
    names = await gql('{ institutions(filter: {homeCountry: "CH"}) { nodes { nameZh } } }')
    assert sorted(n["nameZh"] for n in names["institutions"]["nodes"]) == ["阿尔卑斯银行", "雪绒花银行"]
    # The log keeps what the client does not see: the database's error, with its traceback.
    (logged,) = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name == "hub.graphql"]
    assert logged.exc_info is not None and "ConstraintValidationFailed" in str(logged.exc_info[1])
