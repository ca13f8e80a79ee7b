"""Network measures through the API: computed after seeding, refreshed on demand, ranked, guarded."""

from __future__ import annotations

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.services.network.service import NetworkMeasures
from hub.settings import Settings
from tests.conftest import GraphQLClient, serve

MEASURES = """{
  networkMeasures {
    computedAt organisations ties communities modularity betweennessSources
    ranking(by: DEGREE, first: 3) { organisation { id name } position { degree pagerank betweenness community } }
    topCommunities(first: 3) { id size institutions techEnterprises centralMembers { name } }
  }
}"""


async def test_seeding_measures_the_network(seeded: Database, gql: GraphQLClient) -> None:
    m = (await gql(MEASURES))["networkMeasures"]
    assert m["organisations"] == 45 + 64
    assert m["betweennessSources"] == m["organisations"]  # exact on a small graph
    top = m["ranking"][0]
    # the planted provider has the most partners: its 15 clients and more
    assert top["organisation"]["name"] == "Yunhe Cloud Systems"
    assert top["position"]["degree"] >= 15
    degrees = [r["position"]["degree"] for r in m["ranking"]]
    assert degrees == sorted(degrees, reverse=True)
    sizes = [c["size"] for c in m["topCommunities"]]
    assert sizes == sorted(sizes, reverse=True)
    first = m["topCommunities"][0]
    assert first["institutions"] + first["techEnterprises"] == first["size"]
    assert len(first["centralMembers"]) == 5


async def test_measures_follow_the_graph_when_refreshed(seeded: Database, gql: GraphQLClient) -> None:
    before = (await gql(MEASURES))["networkMeasures"]
    # End every ACTIVE partnership of the planted provider: it drops out of the ACTIVE network.
    await seeded.write(
        "MATCH (:TechEnterprise {id: 'yunhe-cloud'})-[:PARTY_TO]->(p:Partnership {status: 'ACTIVE'}) "
        "SET p.status = 'ENDED'"
    )
    stale = (await gql(MEASURES))["networkMeasures"]
    assert stale["computedAt"] == before["computedAt"]  # requests never recompute
    refreshed = (await gql("mutation { refreshNetworkMeasures { computedAt ties } }"))[
        "refreshNetworkMeasures"
    ]
    assert refreshed["computedAt"] > before["computedAt"]
    assert refreshed["ties"] < before["ties"]
    yunhe = to_global_id("TechEnterprise", "yunhe-cloud")
    node = await gql(
        f'{{ node(id: "{yunhe}") {{ ... on Organisation {{ network {{ degree betweenness }} }} }} }}'
    )
    assert node["node"]["network"] == {"degree": 0, "betweenness": 0.0}


async def test_large_graphs_are_measured_in_a_worker_process(seeded: Database) -> None:
    # The same seed graph, measured the way a graph of more than 5,000 organisations is.
    inline = await NetworkMeasures(seeded).refresh()
    positions = await NetworkMeasures(seeded).positions(["yunhe-cloud", "thamesgate-bank"])
    worker = await NetworkMeasures(seeded, in_process_up_to=0).refresh()
    assert (worker.organisations, worker.ties, worker.communities) == (
        inline.organisations,
        inline.ties,
        inline.communities,
    )
    assert await NetworkMeasures(seeded).positions(["yunhe-cloud", "thamesgate-bank"]) == positions


async def test_partners_do_not_read_network_measures(seeded: Database, test_settings: Settings) -> None:
    key = (await ApiKeys(seeded).create(Role.PARTNER, "hudson-ridge-bank")).key
    async with serve(test_settings, seeded, {"Authorization": f"Bearer {key}"}) as http:
        body = (await http.post("/graphql", json={"query": "{ networkMeasures { ties } }"})).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
