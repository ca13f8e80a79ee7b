"""Two paths, one answer, for mutations: `updateOrganisation` answered by the compiled mutation
(hub/graphql/compiled/mutations.py: the payload read back by the change's own statement) and by
the standard executor give byte-equal `data`, equal errors and status, and leave equal audit
entries and events in the graph, for every kind of caller.

Each operation is sent to the hub with compiled mutations, then to the hub without them, on the
same graph: an update's effect does not depend on whether it ran before (the same values are set
again), so both answers describe the same graph, and each request's own audit entry and event
are compared (without their ids, times and sequence numbers).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.compiled.mutations import CompiledMutations
from hub.graphql.relay import to_global_id
from hub.graphql.schema import schema
from hub.settings import Settings
from tests.graphql.compiled.paths import both_paths
from tests.graphql.compiled.test_differential import CALLERS

EXAMPLES = int(os.environ.get("HUB_DIFFERENTIAL_EXAMPLES", "25"))

HUDSON = to_global_id("Institution", "hudson-ridge-bank")
KESTREL = to_global_id("Institution", "kestrel-bank")
LIANYU = to_global_id("TechEnterprise", "lianyu-data")
STREET = to_global_id("Zone", "financial-street")
CBD = to_global_id("Zone", "beijing-cbd")

IDS = [
    HUDSON,
    KESTREL,
    LIANYU,
    # An institution's key under the other type's name: the statement matches any organisation.
    to_global_id("TechEnterprise", "hudson-ridge-bank"),
    to_global_id("Institution", "no-such-bank"),
    STREET,
    CBD,
    to_global_id("Zone", "no-such-zone"),
    "bm90LWFuLWlk",
    "x",
]
SCALARS = {
    "ID": st.sampled_from(IDS).map(nodes.String),
    "String": st.sampled_from(
        ["Trade finance", "Hudson Ridge Bank (China)", "", "  ", "GB", "XX", "cn", "a\tb", "x" * 300]
    ).map(nodes.String),
    "Int": st.sampled_from([1, 3, 20, 0, -1, 450, 101]).map(nodes.Int),
    "Date": st.sampled_from(["2019-01-01", "1999-12-31", "2999-01-01"]).map(nodes.String),
}

PAYLOAD = """organisation { __typename id name nameZh homeCountry founded description
  zone { id name } ... on Institution { kind ownership licences soughtCapabilities { name } }
  ... on TechEnterprise { employees offeredCapabilities { maturity capability { name } } }
  partnerships(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { title status terms } } }
userErrors { field message code }"""

# Hand-picked: (operation, variables).
OPERATIONS: list[tuple[str, dict[str, Any]]] = [
    (
        "mutation($id: ID!, $d: String!) { updateOrganisation(input: {id: $id, description: $d}) {"
        " organisation { ... on Institution { name description } } userErrors { code } } }",
        {"id": HUDSON, "d": "benchmark"},
    ),
    (
        "mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { " + PAYLOAD + " } }",
        {"i": {"id": HUDSON, "zoneId": CBD, "licences": ["Banking", "FX"], "founded": "2001-02-03"}},
    ),
    (
        "mutation($i: UpdateOrganisationInput!) { changed: updateOrganisation(input: $i) {"
        " __typename errors: userErrors { __typename why: message field } org: organisation {"
        " ...Named ... on TechEnterprise { staff: employees } } } }"
        " fragment Named on Organisation { __typename id name zone { name } }",
        {"i": {"id": LIANYU, "employees": 450, "zoneId": STREET, "nameZh": "联寓数据"}},
    ),
    # Refused by the statement: not applicable, unknown zone, unknown organisation.
    (
        "mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { " + PAYLOAD + " } }",
        {"i": {"id": HUDSON, "employees": 10}},
    ),
    (
        "mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { " + PAYLOAD + " } }",
        {"i": {"id": LIANYU, "zoneId": to_global_id("Zone", "nowhere"), "licences": ["x"]}},
    ),
    (
        'mutation { updateOrganisation(input: {id: "'
        + to_global_id("Institution", "gone")
        + '", name: "Y"}) { organisation { id } userErrors { field message code } } }',
        {},
    ),
    # Refused by the service's checks and the id's decoding, before any statement.
    (
        "mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { " + PAYLOAD + " } }",
        {
            "i": {
                "id": HUDSON,
                "name": " ",
                "homeCountry": "XX",
                "founded": "2999-01-01",
                "description": "a\u0007",
            }
        },
    ),
    (
        "mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { userErrors { field code } } }",
        {"i": {"id": STREET, "name": "Street"}},
    ),
    # Refused before running: a text input the hub refuses, a bad variable, an invalid document.
    (
        'mutation($d: String!) { updateOrganisation(input: {id: "'
        + HUDSON
        + '", description: $d}) { userErrors { code } } }',
        {"d": "bank\u202e"},
    ),
    ("mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { userErrors { code } } }", {}),
    ("mutation { updateOrganisation(input: {id: 1}) { organisation { nope } } }", {}),
    # For the executor: two root fields, @include at the root, a field outside the model.
    (
        'mutation($id: ID!) { a: updateOrganisation(input: {id: $id, description: "A"}) { userErrors { code } }'
        ' b: updateOrganisation(input: {id: $id, description: "B"}) { organisation { description } } }',
        {"id": HUDSON},
    ),
    (
        'mutation($id: ID!, $yes: Boolean!) { updateOrganisation(input: {id: $id, description: "C"}) @include(if: $yes)'
        " { organisation { description } } }",
        {"id": HUDSON, "yes": True},
    ),
    (
        'mutation($id: ID!) { updateOrganisation(input: {id: $id, description: "D"}) {'
        " organisation { ... on Institution { network { degree } } } } }",
        {"id": HUDSON},
    ),
]


def _pair(
    db: Database, settings: Settings, role: Role, org: str | None
) -> contextlib.AbstractAsyncContextManager[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    return both_paths(db, settings, role, org, "compiled_mutations", rate_limit_points_per_minute=10**9)


@pytest.fixture(params=CALLERS, ids=[f"{r.value}-{o}" for r, o in CALLERS])
async def pair(
    request: pytest.FixtureRequest, seeded: Database, test_settings: Settings
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    role, org = request.param
    async with _pair(seeded, test_settings, role, org) as clients:
        yield clients


AUDIT = "MATCH (a:AuditEntry) RETURN a {.*} AS row ORDER BY a.at"
EVENTS = "MATCH (e:Event) RETURN e {.*} AS row ORDER BY e.sequence"


async def _traces(db: Database) -> tuple[list[Any], list[Any]]:
    audit = [{k: v for k, v in r["row"].items() if k not in {"id", "at"}} for r in await db.read(AUDIT)]
    events = [
        {k: v for k, v in r["row"].items() if k not in {"id", "at", "sequence"}}
        for r in await db.read(EVENTS)
    ]
    return audit, events


async def _sent(
    db: Database, http: httpx.AsyncClient, query: str, variables: dict[str, Any], headers: dict[str, str]
) -> tuple[Any, ...]:
    """What a caller sees (status, `data` as text, errors, extensions, the replay header) and the audit
    entries and events the request left."""
    audit, events = await _traces(db)
    response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    after_audit, after_events = await _traces(db)
    seen = (
        response.status_code,
        json.dumps(body.get("data"), ensure_ascii=False),
        body.get("errors"),
        body.get("extensions"),  # the cost report
        response.headers.get("Idempotent-Replayed"),
        after_audit[len(audit) :],
        after_events[len(events) :],
    )
    sent = headers.get("Idempotency-Key")
    if sent is None:
        return seen
    # Each path is sent its own key (both use the caller's one API key): named alike here.
    return tuple(json.loads(json.dumps(seen, default=str).replace(sent, "the key sent")))


async def _compare(
    db: Database,
    fast: httpx.AsyncClient,
    slow: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any],
    headers: tuple[dict[str, str], dict[str, str]] = ({}, {}),
) -> tuple[Any, ...]:
    compiled = await _sent(db, fast, query, variables, headers[0])
    standard = await _sent(db, slow, query, variables, headers[1])
    assert compiled == standard, (query, variables)
    if json.loads(compiled[1]) is not None:  # it ran: its audit entry says how it ended
        assert len(compiled[5]) >= 1, compiled
    return compiled


async def test_mutations_answer_as_the_executor(
    seeded: Database, pair: tuple[httpx.AsyncClient, httpx.AsyncClient]
) -> None:
    fast, slow = pair
    for query, variables in OPERATIONS:
        await _compare(seeded, fast, slow, query, variables)


async def test_idempotent_replays_answer_as_the_executor(
    seeded: Database, pair: tuple[httpx.AsyncClient, httpx.AsyncClient]
) -> None:
    fast, slow = pair
    query, variables = OPERATIONS[1]
    for attempt in ("first", "replay"):
        headers = ({"Idempotency-Key": "compiled-1"}, {"Idempotency-Key": "standard-1"})
        answer = await _compare(seeded, fast, slow, query, variables, headers)
        if attempt == "replay" and answer[2] is None:
            assert answer[4] == "true"
    # A key sent again with other arguments is refused alike.
    other = {"i": {"id": HUDSON, "description": "other"}}
    headers = ({"Idempotency-Key": "compiled-1"}, {"Idempotency-Key": "standard-1"})
    await _compare(seeded, fast, slow, query, other, headers)


@seed(20261124)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(
    query=mutations(
        schema._schema, fields=["updateOrganisation"], custom_scalars=SCALARS, print_ast=graphql.print_ast
    )
)
async def test_generated_mutations_answer_as_the_executor(
    seeded: Database, pair: tuple[httpx.AsyncClient, httpx.AsyncClient], query: str
) -> None:
    fast, slow = pair
    await _compare(seeded, fast, slow, query, {})


def test_most_generated_mutations_take_the_compiled_path() -> None:
    """The generated operations above are mostly ones the fast path takes (else the test would
    compare the executor with itself)."""
    prepared = CompiledMutations(schema, max_tokens=3000)
    taken: list[bool] = []

    @seed(20261124)
    @settings(max_examples=100, deadline=None, database=None)
    @given(
        query=mutations(
            schema._schema, fields=["updateOrganisation"], custom_scalars=SCALARS, print_ast=graphql.print_ast
        )
    )
    def count(query: str) -> None:
        taken.append(prepared.prepare(query, None, None) is not None)

    count()
    assert sum(taken) >= len(taken) // 2, f"{sum(taken)} of {len(taken)}"


async def test_a_compiled_mutation_is_one_round_trip_whatever_its_payload(
    seeded: Database, test_settings: Settings
) -> None:
    # The payload reads the organisation's zone, capabilities and a page of partnerships: the
    # executor reads them with a statement each; the compiled mutation in the change's statement.
    query, variables = OPERATIONS[1]
    async with _pair(seeded, test_settings, Role.ADMIN, None) as (fast, slow):
        await fast.post("/graphql", json={"query": "{ zones { totalCount } }"})  # the key is remembered
        await slow.post("/graphql", json={"query": "{ zones { totalCount } }"})
        before = seeded.round_trips
        compiled = (await fast.post("/graphql", json={"query": query, "variables": variables})).json()
        compiled_trips = seeded.round_trips - before
        before = seeded.round_trips
        standard = (await slow.post("/graphql", json={"query": query, "variables": variables})).json()
        assert compiled == standard and "errors" not in compiled
        assert compiled["data"]["updateOrganisation"]["organisation"]["zone"]["id"] == CBD
        assert compiled_trips == 1 < seeded.round_trips - before
