"""/metrics in the Prometheus text format, for an ADMIN key only; its counters move with requests."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from hub.db.database import Database
from hub.domain.enums import Role
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import serve


async def _samples(client: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def _value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_counters_move_with_the_requests(seeded: Database, client: httpx.AsyncClient) -> None:
    before = await _samples(client)
    for _ in range(3):
        ok = await client.post(
            "/graphql", json={"query": "query MetricZones { zones(first: 2) { totalCount } }"}
        )
        assert ok.status_code == 200
    bad = await client.post("/graphql", json={"query": "query MetricTypo { zonez { totalCount } }"})
    assert bad.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    after = await _samples(client)

    def moved(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert moved("hub_requests_total", route="/graphql", operation="MetricZones", outcome="ok") == 3
    assert moved("hub_errors_total", operation="MetricTypo", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert moved("hub_request_duration_seconds_count", route="/graphql") == 4
    assert moved("hub_query_cost_count") == 4
    assert moved("hub_neo4j_transaction_seconds_count", mode="read") >= 3
    assert _value(after, "hub_neo4j_sessions_in_use") >= 0


async def test_rate_limit_refusals_are_counted(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    settings = test_settings.model_copy(update={"rate_limit_points_per_minute": 5})
    async with serve(settings, seeded, auth) as client:
        before = await _samples(client)
        answers = [
            await client.post("/graphql", json={"query": "query Few { zones(first: 2) { totalCount } }"})
            for _ in range(8)
        ]
        after = await _samples(client)
    refused = [a for a in answers if a.status_code == 429]
    assert refused, [a.status_code for a in answers]
    moved = _value(after, "hub_rate_limit_refusals_total", route="/graphql") - _value(
        before, "hub_rate_limit_refusals_total", route="/graphql"
    )
    assert moved == len(refused)


async def test_metrics_are_for_admins_only(seeded: Database, anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/metrics")).status_code == 401
    analyst = (await ApiKeys(seeded).create(Role.ANALYST, None, "metrics test")).key
    refused = await anonymous.get("/metrics", headers={"Authorization": f"Bearer {analyst}"})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
