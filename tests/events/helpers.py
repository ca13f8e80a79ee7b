"""What the event tests share: keys for each kind of caller and the mutations that make events."""

from __future__ import annotations

from typing import Any

import httpx

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys

THAMESGATE = to_global_id("Institution", "thamesgate-bank")
HUDSON = to_global_id("Institution", "hudson-ridge-bank")
KESTREL = to_global_id("Institution", "kestrel-bank")
LIANYU = to_global_id("TechEnterprise", "lianyu-data")
BATCH_4 = to_global_id("SandboxBatch", "batch-4")

PROPOSE = """mutation($p: ID!, $r: ID!, $t: String!) {
  proposePartnership(input: {proposerId: $p, recipientId: $r, title: $t}) {
    partnership { id status } userErrors { field code message } } }"""
ACCEPT = """mutation($id: ID!) { acceptPartnership(input: {id: $id}) {
    partnership { id status } userErrors { field code message } } }"""
APPLY = """mutation($input: ApplyToSandboxInput!) { applyToSandbox(input: $input) {
    sandboxProject { id status } userErrors { field code message } } }"""
REGISTER = """mutation($id: ID!, $b: ID!) { registerSandboxProject(input: {id: $id, batchId: $b}) {
    sandboxProject { id status } userErrors { field code message } } }"""
START_TESTING = """mutation($id: ID!) { startSandboxTesting(input: {id: $id}) {
    sandboxProject { id status } userErrors { field code message } } }"""
EVENTS = """query($first: Int, $after: String, $types: [String!]) {
  events(first: $first, after: $after, types: $types) {
    pageInfo { hasNextPage endCursor }
    nodes { id sequence type subjectType subjectId organisationIds payload at } } }"""


async def key(db: Database, role: Role, org: str | None = None) -> str:
    return (await ApiKeys(db).create(role, org)).key


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def call(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The `data` of an operation that must succeed, without userErrors."""
    body: dict[str, Any] = (
        await http.post("/graphql", json={"query": query, "variables": variables or {}})
    ).json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    for payload in data.values():
        if isinstance(payload, dict) and "userErrors" in payload:
            assert payload["userErrors"] == [], payload["userErrors"]
    return data


async def propose(
    http: httpx.AsyncClient, proposer: str, recipient: str, title: str = "AML analytics"
) -> str:
    data = await call(http, PROPOSE, {"p": proposer, "r": recipient, "t": title})
    return str(data["proposePartnership"]["partnership"]["id"])


async def apply_joint(http: httpx.AsyncClient, name: str = "Cross-border KYC") -> str:
    """A joint sandbox project of Thamesgate (applicant) and Lianyu (provider), registered by an admin."""
    data = await call(
        http,
        APPLY,
        {
            "input": {
                "name": name,
                "serviceType": "FINANCIAL_SERVICE",
                "riskLevel": "LOW",
                "applicantIds": [THAMESGATE],
                "providerIds": [LIANYU],
            }
        },
    )
    return str(data["applyToSandbox"]["sandboxProject"]["id"])


async def pulled(http: httpx.AsyncClient, types: list[str] | None = None) -> list[dict[str, Any]]:
    """Every event the caller may hear, page by page."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        data = await call(http, EVENTS, {"first": 50, "after": after, "types": types})
        found += data["events"]["nodes"]
        if not data["events"]["pageInfo"]["hasNextPage"]:
            return found
        after = data["events"]["pageInfo"]["endCursor"]
