"""Idempotency keys: a mutation sent again with its `Idempotency-Key` is answered, not applied again."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import httpx

from hub.db import idempotency
from hub.db.database import Database
from hub.domain import models
from hub.domain.enums import (
    InstitutionKind,
    OwnershipForm,
    PartnershipKind,
    PartnershipStatus,
    RiskLevel,
    Role,
    SandboxStatus,
    ServiceType,
)
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import serve

HUDSON = to_global_id("Institution", "hudson-ridge-bank")
LIANYU_DATA = to_global_id("TechEnterprise", "lianyu-data")

PROPOSE = """mutation($input: ProposePartnershipInput!) { proposePartnership(input: $input) {
    partnership { id kind status proposedOn title parties { role organisation { id } } }
    userErrors { field message code } } }"""

REGISTER = """mutation($name: String!) { registerInstitution(input: {
    name: $name, kind: BANK, homeCountry: "CH", ownership: WHOLLY_FOREIGN_OWNED }) {
    institution { id name } userErrors { field code } } }"""

PAIR = """MATCH (:Organisation {id: 'hudson-ridge-bank'})-[:PARTY_TO]->(p:Partnership)
          <-[:PARTY_TO]-(:Organisation {id: 'lianyu-data'}) RETURN count(p) AS n"""


def _proposal(title: str = "Privacy-preserving AML analytics") -> dict[str, Any]:
    return {"input": {"proposerId": HUDSON, "recipientId": LIANYU_DATA, "title": title}}


async def _send(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any], key: str | None
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


async def _count(db: Database, query: str) -> int:
    return int((await db.read(query))[0]["n"])


async def _institutions(db: Database) -> int:
    return await _count(db, "MATCH (n:Institution) RETURN count(n) AS n")


async def test_a_retry_returns_the_first_result_and_writes_nothing(
    seeded: Database, client: httpx.AsyncClient
) -> None:
    first = await _send(client, PROPOSE, _proposal(), "proposal-1")
    payload = first.json()["data"]["proposePartnership"]
    assert payload["userErrors"] == [] and payload["partnership"]["status"] == "PROPOSED"
    assert "idempotent-replayed" not in first.headers

    again = await _send(client, PROPOSE, _proposal(), "proposal-1")
    assert again.status_code == 200
    # Without the key the retry is refused as a DUPLICATE: the client cannot tell it landed.
    assert again.json()["data"]["proposePartnership"] == payload
    assert again.headers["idempotent-replayed"] == "true"
    assert await _count(seeded, PAIR) == 1


async def test_a_retried_registration_registers_once(seeded: Database, client: httpx.AsyncClient) -> None:
    before = await _institutions(seeded)
    answers = [await _send(client, REGISTER, {"name": "Edelweiss Bank"}, "register-1") for _ in range(3)]
    assert all("data" in a.json() for a in answers), [a.text for a in answers]
    ids = {a.json()["data"]["registerInstitution"]["institution"]["id"] for a in answers}
    assert len(ids) == 1
    assert await _institutions(seeded) == before + 1
    # Without a key, the same registration sent again is a second institution.
    await _send(client, REGISTER, {"name": "Edelweiss Bank"}, None)
    assert await _institutions(seeded) == before + 2


async def test_concurrent_requests_with_one_key_apply_once(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    before = await _institutions(seeded)
    # The twins wait for the first one's commit (its lock on the key): on a loaded machine longer
    # than admission control's default wait for a slot, so this caller gets a patient worker.
    patient = test_settings.model_copy(update={"admission_wait_ms": 30_000})
    async with serve(patient, seeded, auth) as client:
        answers = await asyncio.gather(
            *(_send(client, REGISTER, {"name": "Matterhorn Bank"}, "register-race") for _ in range(5))
        )
    assert all("data" in a.json() for a in answers), [a.text for a in answers]
    ids = {a.json()["data"]["registerInstitution"]["institution"]["id"] for a in answers}
    assert len(ids) == 1, [a.text for a in answers]
    assert await _institutions(seeded) == before + 1
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 4


async def test_a_key_reused_for_another_mutation_is_refused(
    seeded: Database, client: httpx.AsyncClient
) -> None:
    await _send(client, PROPOSE, _proposal(), "reused")
    before = await _institutions(seeded)
    for query, variables in (
        (PROPOSE, _proposal("Another title")),
        (REGISTER, {"name": "Edelweiss Bank"}),
    ):
        body = (await _send(client, query, variables, "reused")).json()
        error = body["errors"][0]
        assert error["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED", body
        assert "'reused' was already used" in error["message"]
    assert await _count(seeded, PAIR) == 1
    assert await _institutions(seeded) == before
    refused = await seeded.read("MATCH (a:AuditEntry {outcome: 'REFUSED'}) RETURN a.operation AS op")
    assert sorted(r["op"] for r in refused) == ["proposePartnership", "registerInstitution"]


async def test_keys_belong_to_their_caller(
    seeded: Database, client: httpx.AsyncClient, test_settings: Settings
) -> None:
    await _send(client, PROPOSE, _proposal(), "shared-key")
    other = (await ApiKeys(seeded).create(Role.ADMIN, None, "another admin")).key
    async with serve(test_settings, seeded, {"Authorization": f"Bearer {other}"}) as http:
        answer = await _send(http, REGISTER, {"name": "Edelweiss Bank"}, "shared-key")
    assert answer.json()["data"]["registerInstitution"]["institution"]["name"] == "Edelweiss Bank"


async def test_a_refused_mutation_leaves_its_key_unused(seeded: Database, client: httpx.AsyncClient) -> None:
    refused = await _send(client, PROPOSE, _proposal("  "), "corrected")
    assert refused.json()["data"]["proposePartnership"]["userErrors"][0]["field"] == "input.title"
    accepted = await _send(client, PROPOSE, _proposal(), "corrected")
    assert accepted.json()["data"]["proposePartnership"]["userErrors"] == []
    assert await _count(seeded, PAIR) == 1


async def test_keys_expire_after_their_retention(seeded: Database, client: httpx.AsyncClient) -> None:
    await _send(client, REGISTER, {"name": "Edelweiss Bank"}, "old-key")
    await seeded.write("MATCH (k:IdempotencyKey) SET k.expiresAt = datetime() - duration('PT1S')")
    # Past its retention the key is free again: a new mutation may use it.
    again = await _send(client, REGISTER, {"name": "Matterhorn Bank"}, "old-key")
    assert again.json()["data"]["registerInstitution"]["institution"]["name"] == "Matterhorn Bank"
    stored = await seeded.read("MATCH (k:IdempotencyKey) RETURN k.expiresAt > datetime() AS alive")
    assert stored == [{"alive": True}]
    await seeded.write("MATCH (k:IdempotencyKey) SET k.expiresAt = datetime() - duration('PT1S')")
    assert await idempotency.purge_expired(seeded) == 1
    assert await _count(seeded, "MATCH (k:IdempotencyKey) RETURN count(k) AS n") == 0


async def test_the_key_names_one_mutation(seeded: Database, client: httpx.AsyncClient) -> None:
    before = await _institutions(seeded)
    two = """mutation { a: registerInstitution(input: {name: "A Bank", kind: BANK, homeCountry: "CH",
        ownership: WHOLLY_FOREIGN_OWNED}) { institution { id } }
      b: registerInstitution(input: {name: "B Bank", kind: BANK, homeCountry: "CH",
        ownership: WHOLLY_FOREIGN_OWNED}) { institution { id } } }"""
    body = (await _send(client, two, {}, "two-at-once")).json()
    assert {e["extensions"]["code"] for e in body["errors"]} == {"IDEMPOTENCY_KEY_INVALID"}
    assert "applies to one mutation, and this operation has 2" in body["errors"][0]["message"]
    for bad in ("", "x" * 256, "two words"):
        body = (await _send(client, REGISTER, {"name": "C Bank"}, bad)).json()
        assert body["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_INVALID", (bad, body)
    assert await _institutions(seeded) == before
    # Queries change nothing: the header is ignored there.
    query = await client.post(
        "/graphql", json={"query": "{ zones { totalCount } }"}, headers={"Idempotency-Key": ""}
    )
    assert query.json()["data"]["zones"]["totalCount"] == 5


async def test_a_replay_is_audited_as_such(seeded: Database, client: httpx.AsyncClient) -> None:
    for _ in range(2):
        await _send(client, REGISTER, {"name": "Edelweiss Bank"}, "audited")
    trail = """{ auditLog(first: 5, filter: {operation: "registerInstitution"}) {
        nodes { outcome idempotencyKey replayed } } }"""
    body = (await client.post("/graphql", json={"query": trail})).json()
    assert body["data"]["auditLog"]["nodes"] == [  # newest first
        {"outcome": "ALLOWED", "idempotencyKey": "audited", "replayed": True},
        {"outcome": "ALLOWED", "idempotencyKey": "audited", "replayed": False},
    ]


def test_stored_results_come_back_as_the_same_records() -> None:
    records = [
        None,
        models.Institution(
            "i",
            "Bank",
            "银行",
            InstitutionKind.BANK,
            "CH",
            OwnershipForm.WHOLLY_FOREIGN_OWNED,
            ("a",),
            date(2001, 2, 3),
        ),
        models.TechEnterprise("t", "Tech", None, "CN", employees=12),
        models.Partnership(
            "p",
            PartnershipKind.COOPERATION,
            PartnershipStatus.ACTIVE,
            "T",
            date(2025, 1, 2),
            date(2025, 2, 3),
        ),
        models.SandboxProject(
            "s",
            "P",
            None,
            ServiceType.FINANCIAL_SERVICE,
            SandboxStatus.TESTING,
            RiskLevel.HIGH,
            date(2025, 3, 4),
        ),
        models.Award("a", "Award", 2024, 5_000_000),
    ]
    for record in records:
        assert idempotency.decode(idempotency.encode(record)) == record


UPDATE = """mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) {
    organisation { ... on Institution { description } } userErrors { field code } } }"""
EVENTS = "MATCH (e:Event {type: 'organisation.updated'}) RETURN count(e) AS n"


async def test_a_retried_update_is_applied_once_and_a_refused_one_leaves_its_key_unused(
    seeded: Database, client: httpx.AsyncClient
) -> None:
    # An update is one statement (Database.change); with a key it runs in the transaction that
    # claims the key, so a refusal rolls the claim back and a retry replays the first answer.
    refused = await _send(client, UPDATE, {"input": {"id": HUDSON, "employees": 5}}, "update-1")
    assert refused.json()["data"]["updateOrganisation"]["userErrors"] == [
        {"field": "input.employees", "code": "NOT_APPLICABLE"}
    ]
    assert await _count(seeded, EVENTS) == 0
    change = {"input": {"id": HUDSON, "description": "Trade finance"}}
    first = (await _send(client, UPDATE, change, "update-1")).json()
    assert first["data"]["updateOrganisation"]["organisation"]["description"] == "Trade finance"
    again = await _send(client, UPDATE, change, "update-1")
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first
    assert await _count(seeded, EVENTS) == 1
    trail = """{ auditLog(first: 5, filter: {operation: "updateOrganisation"}) {
        nodes { outcome replayed } } }"""
    body = (await client.post("/graphql", json={"query": trail})).json()
    assert body["data"]["auditLog"]["nodes"] == [
        {"outcome": "ALLOWED", "replayed": True},
        {"outcome": "ALLOWED", "replayed": False},
        {"outcome": "REFUSED", "replayed": False},
    ]
