"""Messages read as English: "an ANALYST", "an Institution", "an ACTIVE partnership"."""

from __future__ import annotations

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import GraphQLClient, serve

HUDSON = to_global_id("Institution", "hudson-ridge-bank")
LIANYU = to_global_id("TechEnterprise", "lianyu-data")
STREET = to_global_id("Zone", "financial-street")


async def test_refusals_use_the_right_article(
    seeded: Database, gql: GraphQLClient, test_settings: Settings
) -> None:
    key = (await ApiKeys(seeded).create(Role.ANALYST, None)).key
    async with serve(test_settings, seeded, {"Authorization": f"Bearer {key}"}) as http:
        refused = await GraphQLClient(http).raw(
            f'mutation {{ updateOrganisation(input: {{id: "{HUDSON}", name: "X"}}) {{ userErrors {{ field }} }} }}'
        )
    assert refused["errors"][0]["message"].startswith("an ANALYST may not ")

    wrong_id = await gql(
        f'mutation {{ updateOrganisation(input: {{id: "{STREET}", name: "X"}}) {{ userErrors {{ message }} }} }}'
    )
    message = wrong_id["updateOrganisation"]["userErrors"][0]["message"]
    assert message == f"{STREET!r} is not the id of an Institution or a TechEnterprise"

    proposed = await gql(
        f'mutation {{ proposePartnership(input: {{proposerId: "{HUDSON}", recipientId: "{LIANYU}", '
        'title: "AML"}) { partnership { id } } }'
    )
    pid = proposed["proposePartnership"]["partnership"]["id"]
    accept = f'mutation {{ acceptPartnership(input: {{id: "{pid}"}}) {{ userErrors {{ message }} }} }}'
    assert (await gql(accept))["acceptPartnership"]["userErrors"] == []
    again = (await gql(accept))["acceptPartnership"]["userErrors"][0]["message"]
    assert again.startswith("cannot ACCEPT an ACTIVE partnership")
