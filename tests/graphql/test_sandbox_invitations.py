"""Co-applicants and providers named in a partner's sandbox application join only when they confirm.

The defect from issue 10: a partner of one bank applied naming another institution as
co-applicant, and the project was created with that institution as APPLICANT, without its consent.
"""

from __future__ import annotations

from typing import Any

import httpx

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.relay import from_global_id, to_global_id
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import GraphQLClient, serve

THAMESGATE = to_global_id("Institution", "thamesgate-bank")
HUDSON = to_global_id("Institution", "hudson-ridge-bank")
KESTREL = to_global_id("Institution", "kestrel-bank")
LIANYU = to_global_id("TechEnterprise", "lianyu-data")
BATCH_4 = to_global_id("SandboxBatch", "batch-4")

PROJECT = """sandboxProject { id status
    participants { role organisation { id } }
    invitations { role status invitedOn answeredOn organisation { id } project { id } } }
  userErrors { field code message }"""
APPLY = f"mutation($input: ApplyToSandboxInput!) {{ applyToSandbox(input: $input) {{ {PROJECT} }} }}"
CONFIRM = f"""mutation($p: ID!, $o: ID!) {{
  confirmSandboxParticipation(input: {{projectId: $p, organisationId: $o}}) {{ {PROJECT} }} }}"""
DECLINE = f"""mutation($p: ID!, $o: ID!) {{
  declineSandboxParticipation(input: {{projectId: $p, organisationId: $o}}) {{ {PROJECT} }} }}"""
SEE = """query($p: ID!) { node(id: $p) { ... on SandboxProject {
    participants { role organisation { id } }
    invitations { status organisation { id } } } } }"""
INBOX = """{ viewer { sandboxInvitations { role status project { id name } organisation { id } } } }"""


class Caller:
    """One key's view of the hub: every request with that key, the raw body back."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = (
            await self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        ).json()
        return body


async def _key(db: Database, role: Role, org: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {(await ApiKeys(db).create(role, org)).key}"}


def _members(project: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["role"], p["organisation"]["id"]) for p in project["participants"]}


def _invited(project: dict[str, Any]) -> set[tuple[str, str]]:
    return {(i["status"], i["organisation"]["id"]) for i in project["invitations"]}


async def _participations(db: Database, project_key: str) -> set[tuple[str, str]]:
    rows = await db.read(
        "MATCH (o:Organisation)-[r:PARTICIPATES_IN]->(:SandboxProject {id: $id}) RETURN o.id AS org, r.role AS role",
        id=project_key,
    )
    return {(r["role"], r["org"]) for r in rows}


async def _audit(db: Database, operation: str) -> list[str]:
    rows = await db.read(
        "MATCH (a:AuditEntry {operation: $op}) RETURN a.outcome AS outcome ORDER BY a.at, a.id", op=operation
    )
    return [r["outcome"] for r in rows]


async def test_named_organisations_join_only_when_they_confirm(
    seeded: Database, test_settings: Settings, gql: GraphQLClient
) -> None:
    async with (
        serve(test_settings, seeded, await _key(seeded, Role.PARTNER, "thamesgate-bank")) as t,
        serve(test_settings, seeded, await _key(seeded, Role.PARTNER, "hudson-ridge-bank")) as h,
        serve(test_settings, seeded, await _key(seeded, Role.PARTNER, "lianyu-data")) as ly,
        serve(test_settings, seeded, await _key(seeded, Role.PARTNER, "kestrel-bank")) as k,
        serve(test_settings, seeded, await _key(seeded, Role.ANALYST, None)) as a,
    ):
        thamesgate, hudson, lianyu, kestrel, analyst = Caller(t), Caller(h), Caller(ly), Caller(k), Caller(a)
        applied = await thamesgate(
            APPLY,
            {
                "input": {
                    "name": "Joint cross-border payments pilot",
                    "serviceType": "FINANCIAL_SERVICE",
                    "riskLevel": "MEDIUM",
                    "applicantIds": [THAMESGATE, HUDSON],
                    "providerIds": [LIANYU],
                }
            },
        )
        project = applied["data"]["applyToSandbox"]["sandboxProject"]
        pid = project["id"]
        key = from_global_id(pid)[1]  # type: ignore[index]
        # Before: Hudson Ridge was an APPLICANT and Lianyu a TECHNOLOGY_PROVIDER at once.
        assert _members(project) == {("APPLICANT", THAMESGATE)}
        assert await _participations(seeded, key) == {("APPLICANT", "thamesgate-bank")}
        assert _invited(project) == {("PENDING", HUDSON), ("PENDING", LIANYU)}
        assert all(i["project"]["id"] == pid and i["answeredOn"] is None for i in project["invitations"])

        # Who may see the invitations: participants, the invited (its own), regulators, admins.
        assert _invited((await hudson(SEE, {"p": pid}))["data"]["node"]) == {("PENDING", HUDSON)}
        assert (await kestrel(SEE, {"p": pid}))["data"]["node"]["invitations"] == []
        assert (await analyst(SEE, {"p": pid}))["data"]["node"]["invitations"] == []
        assert len((await gql(SEE, {"p": pid}))["node"]["invitations"]) == 2

        # The invited find it in their inbox.
        inbox = (await hudson(INBOX))["data"]["viewer"]["sandboxInvitations"]
        assert [(i["project"]["id"], i["role"], i["status"]) for i in inbox] == [
            (pid, "APPLICANT", "PENDING")
        ]
        assert (await kestrel(INBOX))["data"]["viewer"]["sandboxInvitations"] == []

        # Nobody answers for another: not the applicant, not a stranger.
        for caller in (thamesgate, kestrel):
            refused = await caller(CONFIRM, {"p": pid, "o": HUDSON})
            assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]
        not_invited = (await kestrel(CONFIRM, {"p": pid, "o": KESTREL}))["data"][
            "confirmSandboxParticipation"
        ]
        assert [(e["field"], e["code"]) for e in not_invited["userErrors"]] == [
            ("input.organisationId", "NOT_INVITED")
        ]
        assert await _participations(seeded, key) == {("APPLICANT", "thamesgate-bank")}

        confirmed = (await hudson(CONFIRM, {"p": pid, "o": HUDSON}))["data"]["confirmSandboxParticipation"]
        assert confirmed["userErrors"] == []
        assert _members(confirmed["sandboxProject"]) == {("APPLICANT", THAMESGATE), ("APPLICANT", HUDSON)}
        # A participant now, Hudson Ridge sees every invitation of the project.
        assert _invited(confirmed["sandboxProject"]) == {("CONFIRMED", HUDSON), ("PENDING", LIANYU)}
        declined = (await lianyu(DECLINE, {"p": pid, "o": LIANYU}))["data"]["declineSandboxParticipation"]
        assert declined["userErrors"] == []
        assert _members(declined["sandboxProject"]) == {("APPLICANT", THAMESGATE), ("APPLICANT", HUDSON)}
        assert await _participations(seeded, key) == {
            ("APPLICANT", "thamesgate-bank"),
            ("APPLICANT", "hudson-ridge-bank"),
        }
        answered = (await thamesgate(SEE, {"p": pid}))["data"]["node"]
        assert _invited(answered) == {("CONFIRMED", HUDSON), ("DECLINED", LIANYU)}

        # An answer is final.
        again = (await lianyu(CONFIRM, {"p": pid, "o": LIANYU}))["data"]["confirmSandboxParticipation"]
        assert [(e["field"], e["code"]) for e in again["userErrors"]] == [
            ("input.projectId", "INVALID_TRANSITION")
        ]
        assert "cannot CONFIRM a DECLINED sandbox invitation" in again["userErrors"][0]["message"]

    # One audit entry per mutation, allowed or refused.
    assert await _audit(seeded, "applyToSandbox") == ["ALLOWED"]
    assert await _audit(seeded, "confirmSandboxParticipation") == [
        "REFUSED",
        "REFUSED",
        "REFUSED",
        "ALLOWED",
        "REFUSED",
    ]
    assert await _audit(seeded, "declineSandboxParticipation") == ["ALLOWED"]


async def test_unanswered_invitations_lapse_when_public_comment_ends(
    seeded: Database, test_settings: Settings, gql: GraphQLClient
) -> None:
    async with (
        serve(test_settings, seeded, await _key(seeded, Role.PARTNER, "thamesgate-bank")) as t,
        serve(test_settings, seeded, await _key(seeded, Role.PARTNER, "hudson-ridge-bank")) as h,
    ):
        input_ = {"name": "Lapsing pilot", "serviceType": "FINANCIAL_SERVICE", "riskLevel": "LOW"}
        applied = await Caller(t)(APPLY, {"input": {**input_, "applicantIds": [THAMESGATE, HUDSON]}})
        pid = applied["data"]["applyToSandbox"]["sandboxProject"]["id"]
        registered = await gql(
            f"mutation($p: ID!, $b: ID!) {{ registerSandboxProject(input: {{id: $p, batchId: $b}}) {{ {PROJECT} }} }}",
            {"p": pid, "b": BATCH_4},
        )
        project = registered["registerSandboxProject"]["sandboxProject"]
        assert project["status"] == "REGISTERED" and _invited(project) == {("LAPSED", HUDSON)}
        late = (await Caller(h)(CONFIRM, {"p": pid, "o": HUDSON}))["data"]["confirmSandboxParticipation"]
        assert [e["code"] for e in late["userErrors"]] == ["INVALID_TRANSITION"]
        assert _members((await gql(SEE, {"p": pid}))["node"]) == {("APPLICANT", THAMESGATE)}


async def test_admins_register_joint_projects_directly(seeded: Database, gql: GraphQLClient) -> None:
    applied = await gql(
        APPLY,
        {
            "input": {
                "name": "Joint application received on paper",
                "serviceType": "TECHNOLOGY_PRODUCT",
                "riskLevel": "LOW",
                "applicantIds": [THAMESGATE, HUDSON],
                "providerIds": [LIANYU],
            }
        },
    )
    project = applied["applyToSandbox"]["sandboxProject"]
    assert _members(project) == {
        ("APPLICANT", THAMESGATE),
        ("APPLICANT", HUDSON),
        ("TECHNOLOGY_PROVIDER", LIANYU),
    }
    assert project["invitations"] == []
