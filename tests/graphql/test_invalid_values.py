"""A value of the wrong type is refused saying where it is: inside a variable, the variable and the
place in it; as a literal, the location of the value. Both read paths answer alike, and a refused
mutation writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from hub.db.database import Database
from hub.graphql.relay import to_global_id
from hub.settings import Settings
from tests.conftest import GraphQLClient, serve

PARTNERSHIPS = "query($f: PartnershipFilterInput) { partnerships(first: 1, filter: $f) { totalCount } }"
REGISTER = "mutation($i: RegisterInstitutionInput!) { registerInstitution(input: $i) { institution { id } } }"
DECLARE = (
    "mutation($i: DeclareOfferedCapabilitiesInput!) {"
    " declareOfferedCapabilities(input: $i) { techEnterprise { id } } }"
)
LIANYU = to_global_id("TechEnterprise", "lianyu-data")
PRIVACY = to_global_id("Capability", "privacy-computing")
INSTITUTION = {
    "name": "Misdated Bank",
    "homeCountry": "GB",
    "kind": "BANK",
    "ownership": "BRANCH",
    "founded": "1990-01-01",
}


def only_error(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer.get("data") is None, answer
    (error,) = answer["errors"]
    assert "Traceback" not in error["message"] and "Error(" not in error["message"], error
    return dict(error)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "executor"])
async def test_a_bad_value_in_a_variable_names_the_variable_and_its_field(
    seeded: Database, test_settings: Settings, auth: dict[str, str], compiled: bool
) -> None:
    settings = test_settings.model_copy(update={"compiled_reads": compiled})
    async with serve(settings, seeded, auth) as http:
        gql = GraphQLClient(http)
        bad_date = only_error(
            await gql.raw(PARTNERSHIPS, {"f": {"proposedFrom": "2025-01-01", "proposedTo": "2025-02-30"}})
        )
        bad_status = only_error(await gql.raw(PARTNERSHIPS, {"f": {"kind": "COOPERATION", "status": "FOO"}}))
        bad_founded = only_error(await gql.raw(REGISTER, {"i": {**INSTITUTION, "founded": "2020-13-01"}}))
        bad_kind = only_error(await gql.raw(REGISTER, {"i": {**INSTITUTION, "kind": "BAKERY"}}))
        offers = [
            {"capabilityId": PRIVACY, "maturity": "PROVEN"},
            {"capabilityId": PRIVACY, "maturity": "RIPE"},
        ]
        bad_maturity = only_error(
            await gql.raw(DECLARE, {"i": {"techEnterpriseId": LIANYU, "offers": offers}})
        )
        written = await gql("{ institutions(filter: {kind: BANK}) { nodes { name } } }")
    assert bad_date["message"] == (
        "Variable '$f' has invalid value at .proposedTo: "
        'Value cannot represent a Date: "2025-02-30". day is out of range for month'
    )
    assert bad_status["message"] == (
        "Variable '$f' has invalid value at .status: Value 'FOO' does not exist in 'PartnershipStatus' enum."
    )
    assert bad_founded["message"].startswith("Variable '$i' has invalid value at .founded: "), bad_founded
    assert bad_kind["message"].startswith("Variable '$i' has invalid value at .kind: "), bad_kind
    assert bad_maturity["message"].startswith("Variable '$i' has invalid value at .offers[1].maturity: ")
    for error in (bad_date, bad_status, bad_founded, bad_kind, bad_maturity):
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["locations"] == [{"line": 1, "column": 7 if error in (bad_date, bad_status) else 10}]
    assert "Misdated Bank" not in {n["name"] for n in written["institutions"]["nodes"]}


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "executor"])
async def test_a_bad_literal_is_refused_at_its_location(
    seeded: Database, test_settings: Settings, auth: dict[str, str], compiled: bool
) -> None:
    settings = test_settings.model_copy(update={"compiled_reads": compiled})
    date = '{ partnerships(first: 1, filter: {proposedFrom: "2025-02-30"}) { totalCount } }'
    time = '{\n  auditLog(filter: {from: "not-a-time"}) { totalCount }\n}'
    async with serve(settings, seeded, auth) as http:
        bad_date = only_error(await GraphQLClient(http).raw(date))
        bad_time = only_error(await GraphQLClient(http).raw(time))
    assert bad_date["message"] == 'Value cannot represent a Date: "2025-02-30". day is out of range for month'
    assert bad_date["locations"] == [{"line": 1, "column": date.index('"2025') + 1}]
    assert bad_time["message"].startswith('Value cannot represent a DateTime: "not-a-time".'), bad_time
    assert bad_time["locations"] == [{"line": 2, "column": time.split("\n")[1].index('"not') + 1}]
    for error in (bad_date, bad_time):
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", error
