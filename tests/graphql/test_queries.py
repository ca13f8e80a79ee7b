"""Reading the seeded graph through the API: connections, filters, ordering, navigation, lookups."""

from __future__ import annotations

from hub.db.database import Database
from hub.graphql.relay import to_global_id
from tests.conftest import GraphQLClient

THAMESGATE = to_global_id("Institution", "thamesgate-bank")
YUNHE_CLOUD = to_global_id("TechEnterprise", "yunhe-cloud")
CLOUD = to_global_id("Capability", "cloud")
FINANCIAL_STREET = to_global_id("Zone", "financial-street")


async def test_pagination_walks_the_whole_list_once(seeded: Database, gql: GraphQLClient) -> None:
    query = """query($after: String) { institutions(first: 7, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id name } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = (await gql(query, {"after": after}))["institutions"]
        assert page["totalCount"] == 45
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += [n["name"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 45 == len(set(seen))
    assert seen == sorted(seen)


async def test_first_out_of_range_is_refused(seeded: Database, gql: GraphQLClient) -> None:
    for first in (0, 101, -5):
        body = await gql.raw(f"{{ institutions(first: {first}) {{ totalCount }} }}")
        error = body["errors"][0]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "first"}
        assert "between 1 and 100" in error["message"]


async def test_bad_cursor_is_refused(seeded: Database, gql: GraphQLClient) -> None:
    body = await gql.raw('{ partnerships(after: "not-a-cursor") { totalCount } }')
    assert body["errors"][0]["extensions"]["argument"] == "after"


async def test_institution_filters_combine(seeded: Database, gql: GraphQLClient) -> None:
    data = await gql(
        """query($zone: ID!, $cap: ID!) {
            all: institutions { totalCount }
            banks: institutions(filter: {kind: BANK}) { totalCount nodes { kind } }
            british: institutions(filter: {homeCountry: "GB"}, first: 50) { nodes { homeCountry } }
            street: institutions(filter: {zoneId: $zone}, first: 50) { nodes { zone { id } } }
            cloud: institutions(filter: {capabilityId: $cap}, first: 50) { nodes { soughtCapabilities { id } } }
            recent: institutions(filter: {foundedFrom: "2015-01-01"}, first: 50) { nodes { founded } }
            oldestFirst: institutions(first: 3, orderBy: {field: FOUNDED, direction: ASC}) { nodes { founded } }
        }""",
        {"zone": FINANCIAL_STREET, "cap": CLOUD},
    )
    assert data["banks"]["totalCount"] == 14
    assert {n["kind"] for n in data["banks"]["nodes"]} == {"BANK"}
    assert data["british"]["nodes"] and {n["homeCountry"] for n in data["british"]["nodes"]} == {"GB"}
    assert all(n["zone"]["id"] == FINANCIAL_STREET for n in data["street"]["nodes"])
    assert data["cloud"]["nodes"]
    assert all(CLOUD in {c["id"] for c in n["soughtCapabilities"]} for n in data["cloud"]["nodes"])
    assert all(n["founded"] >= "2015-01-01" for n in data["recent"]["nodes"])
    founded = [n["founded"] for n in data["oldestFirst"]["nodes"]]
    assert founded == sorted(founded)


async def test_partnership_filters_and_order(seeded: Database, gql: GraphQLClient) -> None:
    data = await gql(
        """query($org: ID!) {
            proposed: partnerships(first: 100, filter: {status: PROPOSED}) { totalCount nodes { status } }
            intra: partnerships(first: 100, filter: {kind: INTRA_SECTOR}) { totalCount nodes { kind } }
            y2021: partnerships(first: 100, filter: {proposedFrom: "2021-01-01", proposedTo: "2021-12-31"}) {
                nodes { proposedOn } }
            mine: partnerships(first: 100, filter: {organisationId: $org}) {
                nodes { parties { organisation { id } } } }
            newest: partnerships(first: 5) { nodes { proposedOn } }
        }""",
        {"org": YUNHE_CLOUD},
    )
    assert data["proposed"]["totalCount"] > 0
    assert {n["status"] for n in data["proposed"]["nodes"]} == {"PROPOSED"}
    assert data["intra"]["totalCount"] == 40
    assert all(n["proposedOn"].startswith("2021") for n in data["y2021"]["nodes"])
    assert len(data["mine"]["nodes"]) >= 14
    assert all(YUNHE_CLOUD in {p["organisation"]["id"] for p in n["parties"]} for n in data["mine"]["nodes"])
    newest = [n["proposedOn"] for n in data["newest"]["nodes"]]
    assert newest == sorted(newest, reverse=True)


async def test_relationships_navigate_both_ways(seeded: Database, gql: GraphQLClient) -> None:
    data = await gql(
        """query($inst: ID!, $tech: ID!, $cap: ID!, $zone: ID!) {
            inst: node(id: $inst) { ... on Institution {
                partners(first: 50) { nodes { id } }
                partnerships(first: 50) { totalCount }
                sandboxProjects(first: 10) { nodes { participants { organisation { id } } } } } }
            tech: node(id: $tech) { ... on TechEnterprise {
                partners(first: 50) { totalCount nodes { id } } } }
            cap: node(id: $cap) { ... on Capability {
                providers(first: 50) { nodes { offeredCapabilities { capability { id } } } }
                seekers(first: 50) { totalCount } } }
            zone: node(id: $zone) { ... on Zone { organisations(first: 100) { totalCount nodes { zone { id } } } } }
        }""",
        {"inst": THAMESGATE, "tech": YUNHE_CLOUD, "cap": CLOUD, "zone": FINANCIAL_STREET},
    )
    inst_partners = {n["id"] for n in data["inst"]["partners"]["nodes"]}
    assert YUNHE_CLOUD in inst_partners
    assert THAMESGATE in {n["id"] for n in data["tech"]["partners"]["nodes"]}
    assert data["tech"]["partners"]["totalCount"] >= 14
    for project in data["inst"]["sandboxProjects"]["nodes"]:
        assert THAMESGATE in {p["organisation"]["id"] for p in project["participants"]}
    for provider in data["cap"]["providers"]["nodes"]:
        assert CLOUD in {o["capability"]["id"] for o in provider["offeredCapabilities"]}
    assert data["cap"]["seekers"]["totalCount"] > 0
    zone_orgs = data["zone"]["organisations"]
    assert zone_orgs["totalCount"] > 0
    assert all(n["zone"]["id"] == FINANCIAL_STREET for n in zone_orgs["nodes"])


async def test_sandbox_and_awards(seeded: Database, gql: GraphQLClient) -> None:
    data = await gql(
        """{
            awards(first: 20) { totalCount nodes { year prizeYuan project { name status awards { id } } } }
            sandboxBatches { nodes { number projects { totalCount } } }
            testing: sandboxProjects(first: 100, filter: {status: TESTING}) { nodes { status batch { number } } }
            high: sandboxProjects(first: 100, filter: {riskLevel: HIGH}) { nodes { riskLevel } }
        }"""
    )
    assert data["awards"]["totalCount"] == 10
    assert {n["prizeYuan"] for n in data["awards"]["nodes"]} == {5_000_000}
    assert all(n["project"]["status"] == "EXITED" for n in data["awards"]["nodes"])
    batches = {n["number"]: n["projects"]["totalCount"] for n in data["sandboxBatches"]["nodes"]}
    assert batches[2] == 11
    assert all(n["status"] == "TESTING" and n["batch"] for n in data["testing"]["nodes"])
    assert {n["riskLevel"] for n in data["high"]["nodes"]} == {"HIGH"}


async def test_node_and_nodes(seeded: Database, gql: GraphQLClient) -> None:
    missing = to_global_id("Institution", "no-such-bank")
    data = await gql(
        """query($ids: [ID!]!, $one: ID!) {
            node(id: $one) { id ... on Institution { name } }
            nodes(ids: $ids) { id __typename }
        }""",
        {"one": THAMESGATE, "ids": [YUNHE_CLOUD, missing, "garbage", CLOUD]},
    )
    assert data["node"] == {"id": THAMESGATE, "name": "Thamesgate Bank (China)"}
    assert data["nodes"] == [
        {"id": YUNHE_CLOUD, "__typename": "TechEnterprise"},
        None,
        None,
        {"id": CLOUD, "__typename": "Capability"},
    ]


async def test_search_in_english_and_chinese(seeded: Database, gql: GraphQLClient) -> None:
    query = """query($t: String!) { search(text: $t, first: 10) {
        score node { __typename ... on Institution { id name nameZh } ... on TechEnterprise { id name } } } }"""
    english = (await gql(query, {"t": "Thamesgate bank"}))["search"]
    assert english[0]["node"]["id"] == THAMESGATE
    chinese = (await gql(query, {"t": "泰晤士门银行"}))["search"]
    assert chinese[0]["node"]["id"] == THAMESGATE
    prefix = (await gql(query, {"t": "yunhe"}))["search"]
    assert YUNHE_CLOUD in {h["node"].get("id") for h in prefix}
    scores = [h["score"] for h in english]
    assert scores == sorted(scores, reverse=True)


async def test_search_can_be_narrowed_to_types(seeded: Database, gql: GraphQLClient) -> None:
    query = """query($t: String!, $types: [SearchType!]) { search(text: $t, first: 15, types: $types) {
        score node { __typename } } }"""
    every = (await gql(query, {"t": "data", "types": None}))["search"]
    assert len({h["node"]["__typename"] for h in every}) >= 2
    tech = (await gql(query, {"t": "data", "types": ["TECH_ENTERPRISE"]}))["search"]
    assert tech and {h["node"]["__typename"] for h in tech} == {"TechEnterprise"}
    expected = [h["score"] for h in every if h["node"]["__typename"] == "TechEnterprise"]
    assert [h["score"] for h in tech][: len(expected)] == expected  # same scores, others left out
    body = await gql.raw(query, {"t": "cloud", "types": []})
    assert body["errors"][0]["extensions"]["argument"] == "types"


async def test_search_text_cannot_inject_lucene_syntax(seeded: Database, gql: GraphQLClient) -> None:
    for text in ['bank" OR *:*', "AND OR NOT", "name:(x)", "\\", "((("]:
        body = await gql.raw("query($t: String!) { search(text: $t) { score } }", {"t": text})
        assert "errors" not in body, (text, body)
    body = await gql.raw('{ search(text: "   ") { score } }')
    assert body["errors"][0]["extensions"]["argument"] == "text"


async def test_a_connection_reads_only_what_is_asked_and_still_answers_right(
    seeded: Database, gql: GraphQLClient
) -> None:
    # Items only: nothing is counted; count only: no items are read; pageInfo needs the count.
    full = await gql("{ partnerships(first: 5) { totalCount nodes { id } pageInfo { hasNextPage } } }")
    items = (await gql("{ partnerships(first: 5) { nodes { id } } }"))["partnerships"]
    count = (await gql("{ partnerships(first: 5) { totalCount } }"))["partnerships"]
    page_info = (await gql("{ partnerships(first: 5) { pageInfo { hasNextPage endCursor } } }"))[
        "partnerships"
    ]
    assert items["nodes"] == full["partnerships"]["nodes"] and len(items["nodes"]) == 5
    assert count["totalCount"] == full["partnerships"]["totalCount"] == 190
    assert page_info["pageInfo"]["hasNextPage"] is True and page_info["pageInfo"]["endCursor"]
