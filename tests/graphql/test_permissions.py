"""The policy matrix: each role against each rule, with an allowed and a refused case.

Allowed means the hub let the operation through (it may still answer userErrors about the
data); refused means a FORBIDDEN error, and the graph is left as it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.seeds.loading import graph_counts
from hub.settings import Settings
from tests.conftest import serve

HUDSON, THAMES = "hudson-ridge-bank", "thamesgate-bank"
G_HUDSON = to_global_id("Institution", HUDSON)
G_LIANYU = to_global_id("TechEnterprise", "lianyu-data")
G_BATCH = to_global_id("SandboxBatch", "batch-4")

WHO = ["partner:own", "partner:other", "analyst", "regulator", "admin"]


async def _key(db: Database, who: str) -> str:
    if who == "partner:own":
        return (await ApiKeys(db).create(Role.PARTNER, HUDSON)).key
    if who == "partner:other":
        return (await ApiKeys(db).create(Role.PARTNER, THAMES)).key
    return (await ApiKeys(db).create(Role(who.upper()), None)).key


async def _admin_query(db: Database, settings: Settings, admin: dict[str, str], query: str) -> dict[str, Any]:
    async with serve(settings, db, admin) as http:
        body: dict[str, Any] = (await http.post("/graphql", json={"query": query})).json()
        return body["data"]


async def _proposal_to_hudson(db: Database, s: Settings, admin: dict[str, str]) -> str:
    # A fresh proposal from Thamesgate to Hudson, so Hudson is the recipient.
    query = f"""mutation {{ proposePartnership(input: {{proposerId: "{to_global_id("Institution", THAMES)}",
        recipientId: "{G_HUDSON}", title: "Joint reporting"}}) {{ partnership {{ id }} }} }}"""
    return str((await _admin_query(db, s, admin, query))["proposePartnership"]["partnership"]["id"])


async def _active_of_hudson(db: Database, s: Settings, admin: dict[str, str]) -> str:
    query = f"""{{ partnerships(first: 1, filter: {{organisationId: "{G_HUDSON}", status: ACTIVE}}) {{ nodes {{ id }} }} }}"""
    return str((await _admin_query(db, s, admin, query))["partnerships"]["nodes"][0]["id"])


async def _project_of_hudson(db: Database, s: Settings, admin: dict[str, str]) -> str:
    query = f"""mutation {{ applyToSandbox(input: {{name: "P", serviceType: FINANCIAL_SERVICE, riskLevel: LOW,
        applicantIds: ["{G_HUDSON}"]}}) {{ sandboxProject {{ id }} }} }}"""
    return str((await _admin_query(db, s, admin, query))["applyToSandbox"]["sandboxProject"]["id"])


async def _invitation_of_hudson(db: Database, s: Settings, admin: dict[str, str]) -> str:
    # Thamesgate's partner names Hudson as co-applicant: Hudson is invited, not yet a participant.
    thamesgate = {"Authorization": f"Bearer {(await ApiKeys(db).create(Role.PARTNER, THAMES)).key}"}
    query = f"""mutation {{ applyToSandbox(input: {{name: "P", serviceType: FINANCIAL_SERVICE, riskLevel: LOW,
        applicantIds: ["{to_global_id("Institution", THAMES)}", "{G_HUDSON}"]}}) {{ sandboxProject {{ id }} }} }}"""
    return str((await _admin_query(db, s, thamesgate, query))["applyToSandbox"]["sandboxProject"]["id"])


@dataclass(frozen=True)
class Rule:
    name: str
    allowed: frozenset[str]
    build: Callable[[Database, Settings, dict[str, str]], Awaitable[str]]


def _fixed(query: str) -> Callable[[Database, Settings, dict[str, str]], Awaitable[str]]:
    async def build(db: Database, s: Settings, admin: dict[str, str]) -> str:
        return query

    return build


def _with(
    make: Callable[..., Awaitable[str]], template: str
) -> Callable[[Database, Settings, dict[str, str]], Awaitable[str]]:
    async def build(db: Database, s: Settings, admin: dict[str, str]) -> str:
        return template.replace("$ID", await make(db, s, admin))

    return build


RULES = [
    Rule(
        "registerInstitution",
        frozenset({"regulator", "admin"}),
        _fixed(
            'mutation { registerInstitution(input: {name: "N", kind: BANK, homeCountry: "FR", ownership: BRANCH}) { userErrors { code } } }'
        ),
    ),
    Rule(
        "updateOrganisation",
        frozenset({"partner:own", "admin"}),
        _fixed(
            f'mutation {{ updateOrganisation(input: {{id: "{G_HUDSON}", description: "d"}}) {{ userErrors {{ code }} }} }}'
        ),
    ),
    Rule(
        "proposePartnership",
        frozenset({"partner:own", "admin"}),
        _fixed(
            f'mutation {{ proposePartnership(input: {{proposerId: "{G_HUDSON}", recipientId: "{G_LIANYU}", title: "T"}}) '
            "{ userErrors { code } } }"
        ),
    ),
    Rule(
        "acceptPartnership",
        frozenset({"partner:own", "admin"}),
        _with(
            _proposal_to_hudson, 'mutation { acceptPartnership(input: {id: "$ID"}) { userErrors { code } } }'
        ),
    ),
    Rule(
        "endPartnership",
        frozenset({"partner:own", "admin"}),
        _with(_active_of_hudson, 'mutation { endPartnership(input: {id: "$ID"}) { userErrors { code } } }'),
    ),
    Rule(
        "applyToSandbox",
        frozenset({"partner:own", "admin"}),
        _fixed(
            f'mutation {{ applyToSandbox(input: {{name: "P", serviceType: FINANCIAL_SERVICE, riskLevel: LOW, '
            f'applicantIds: ["{G_HUDSON}"]}}) {{ userErrors {{ code }} }} }}'
        ),
    ),
    Rule(
        "confirmSandboxParticipation",
        frozenset({"partner:own", "admin"}),
        _with(
            _invitation_of_hudson,
            f'mutation {{ confirmSandboxParticipation(input: {{projectId: "$ID", organisationId: "{G_HUDSON}"}}) '
            "{ userErrors { code } } }",
        ),
    ),
    Rule(
        "declineSandboxParticipation",
        frozenset({"partner:own", "admin"}),
        _with(
            _invitation_of_hudson,
            f'mutation {{ declineSandboxParticipation(input: {{projectId: "$ID", organisationId: "{G_HUDSON}"}}) '
            "{ userErrors { code } } }",
        ),
    ),
    Rule(
        "registerSandboxProject",
        frozenset({"regulator", "admin"}),
        _with(
            _project_of_hudson,
            f'mutation {{ registerSandboxProject(input: {{id: "$ID", batchId: "{G_BATCH}"}}) {{ userErrors {{ code }} }} }}',
        ),
    ),
    Rule(
        "recommendationFeedback",
        frozenset({"partner:own", "admin"}),
        _fixed(
            f'mutation {{ recommendationFeedback(input: {{partyId: "{G_HUDSON}", candidateId: "{G_LIANYU}", '
            "action: DISMISS}) { userErrors { code } } }"
        ),
    ),
    Rule(
        "grantAward",
        frozenset({"regulator", "admin"}),
        _fixed(
            f'mutation {{ grantAward(input: {{projectId: "{to_global_id("SandboxProject", "sbx-001")}", '
            'name: "Capital Financial Innovation Award 2021", year: 2021, prizeYuan: 5000000}) { userErrors { code } } }'
        ),
    ),
    Rule(
        "refreshNetworkMeasures",
        frozenset({"analyst", "regulator", "admin"}),
        _fixed("mutation { refreshNetworkMeasures { ties } }"),
    ),
    Rule(
        "networkMeasures",
        frozenset({"analyst", "regulator", "admin"}),
        _fixed("{ networkMeasures { ties ranking(first: 3) { organisation { name } } } }"),
    ),
    Rule(
        "recommendedTechPartners",
        frozenset({"partner:own", "analyst", "regulator", "admin"}),
        _fixed(f'{{ recommendedTechPartners(institutionId: "{G_HUDSON}", first: 3) {{ score }} }}'),
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
@pytest.mark.parametrize("who", WHO)
async def test_policy_matrix(
    seeded: Database, test_settings: Settings, auth: dict[str, str], rule: Rule, who: str
) -> None:
    query = await rule.build(seeded, test_settings, auth)
    key = await _key(seeded, who)
    before = await graph_counts(seeded)
    entries_before = await _audit(seeded)
    async with serve(test_settings, seeded, {"Authorization": f"Bearer {key}"}) as http:
        body = (await http.post("/graphql", json={"query": query})).json()
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
    new_entries = (await _audit(seeded))[len(entries_before) :]
    if who in rule.allowed:
        assert "FORBIDDEN" not in codes, body
        assert body["data"] is not None
    else:
        assert codes == ["FORBIDDEN"], body
        assert not any((body["data"] or {}).values())  # null, or its nullable field null
        assert await graph_counts(seeded) == before
    if query.startswith("mutation"):
        # Every mutation, allowed or refused, leaves exactly one audit entry.
        assert [(e["operation"], e["outcome"]) for e in new_entries] == [
            (
                rule.name,
                "ALLOWED"
                if who in rule.allowed and not body["data"][rule.name].get("userErrors")
                else "REFUSED",
            )
        ]
    else:
        assert new_entries == []


async def _audit(db: Database) -> list[dict[str, Any]]:
    return await db.read(
        "MATCH (a:AuditEntry) RETURN a.operation AS operation, a.outcome AS outcome ORDER BY a.at, a.id"
    )


async def test_refusal_does_not_leak_existence(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    existing = await _proposal_to_hudson(seeded, test_settings, auth)
    missing = to_global_id("Partnership", "p-does-not-exist")
    key = (await ApiKeys(seeded).create(Role.PARTNER, "kestrel-bank")).key
    answers = []
    async with serve(test_settings, seeded, {"Authorization": f"Bearer {key}"}) as http:
        for pid in (existing, missing):
            q = f'mutation {{ acceptPartnership(input: {{id: "{pid}"}}) {{ userErrors {{ code }} }} }}'
            answers.append((await http.post("/graphql", json={"query": q})).json())
    assert answers[0]["errors"][0]["message"] == answers[1]["errors"][0]["message"]
    assert (
        answers[0]["errors"][0]["extensions"]
        == answers[1]["errors"][0]["extensions"]
        == {"code": "FORBIDDEN"}
    )
