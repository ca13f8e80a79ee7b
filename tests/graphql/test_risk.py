"""The risk views name the concentrations planted in the seed data (graph_seeds/README.md)."""

from __future__ import annotations

from hub.db.database import Database
from hub.domain.enums import Role
from hub.security.api_keys import ApiKeys
from hub.services.risk import herfindahl
from hub.settings import Settings
from tests.conftest import GraphQLClient, serve

RISK = """{
  providerDependence(first: 3) { provider { name } institutions byKind { kind share } }
  capabilityConcentration(first: 20) { capability { name } hhi activePartnerships leaders { name share } }
  soleProviderReliance { institution { name } provider { name } }
  stuckSandboxProjects { project { name status riskLevel } daysInTest overdue highRisk }
}"""


def test_herfindahl() -> None:
    assert herfindahl(10, 100) == 1.0  # one provider with all 10
    assert herfindahl(4, 4) == 0.25  # four providers with 1 each
    assert herfindahl(10, 6 * 6 + 4 * 4) == 0.52  # shares 0.6 and 0.4
    assert herfindahl(0, 0) == 0.0


async def test_risk_views_name_the_planted_concentrations(seeded: Database, gql: GraphQLClient) -> None:
    data = await gql(RISK)
    top = data["providerDependence"][0]
    assert (top["provider"]["name"], top["institutions"]) == ("Yunhe Cloud Systems", 15)
    banks = next(k["share"] for k in top["byKind"] if k["kind"] == "BANK")
    assert banks > 0.8
    assert data["providerDependence"][1]["provider"]["name"] == "Lianyu Chain Technology"

    cloud = next(c for c in data["capabilityConcentration"] if c["capability"]["name"] == "Cloud computing")
    assert cloud["leaders"][0]["name"] == "Yunhe Cloud Systems"
    assert cloud["hhi"] > 0.25
    hhis = [c["hhi"] for c in data["capabilityConcentration"]]
    assert hhis == sorted(hhis, reverse=True)

    reliant = {(r["institution"]["name"], r["provider"]["name"]) for r in data["soleProviderReliance"]}
    for bank in ("Thamesgate Bank (China)", "Albion Crown Bank (China)", "Kestrel Bank (China)"):
        assert (bank, "Yunhe Cloud Systems") in reliant

    stuck = data["stuckSandboxProjects"]
    planted = [s for s in stuck if s["highRisk"] and s["overdue"]]
    assert len(planted) >= 2
    assert all(s["project"]["status"] in {"REGISTERED", "TESTING"} for s in stuck)


async def test_partners_do_not_read_risk_views(seeded: Database, test_settings: Settings) -> None:
    key = (await ApiKeys(seeded).create(Role.PARTNER, "hudson-ridge-bank")).key
    async with serve(test_settings, seeded, {"Authorization": f"Bearer {key}"}) as http:
        body = (await http.post("/graphql", json={"query": "{ providerDependence { institutions } }"})).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
