"""Two paths, one answer: every read is answered byte for byte the same by the compiled
statement and by the standard executor, for every kind of caller, on the seed graph."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx
import pytest

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.settings import Settings
from tests.graphql.compiled.paths import both_paths

HUDSON = to_global_id("Institution", "hudson-ridge-bank")
LIANYU = to_global_id("TechEnterprise", "lianyu-data")
YUNHE = to_global_id("TechEnterprise", "yunhe-cloud")
CLOUD = to_global_id("Capability", "cloud")
PRIVACY = to_global_id("Capability", "privacy-computing")

# The callers whose views differ: who sees hidden partnerships and terms, and who does not.
CALLERS: list[tuple[Role, str | None]] = [
    (Role.ADMIN, None),
    (Role.REGULATOR, None),
    (Role.ANALYST, None),
    (Role.PARTNER, "hudson-ridge-bank"),  # a party of several PROPOSED partnerships
    (Role.PARTNER, "kestrel-bank"),  # a stranger to most of them
]

ORGANISATION = """
fragment Org on Organisation {
  __typename id name nameZh homeCountry founded description
  zone { id name district }
  ... on Institution { kind ownership licences soughtCapabilities { name category } }
  ... on TechEnterprise { employees offeredCapabilities { maturity capability { id name } } }
}
"""

OPERATIONS: list[tuple[str, dict[str, Any]]] = [
    (
        "{ institutions(first: 5, filter: {kind: BANK}, orderBy: {field: NAME, direction: ASC}) {"
        " totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
        " edges { cursor node { id name zone { name } partnerships(first: 3, status: ACTIVE) {"
        " totalCount nodes { title status parties { role organisation { name } } } } } } } }",
        {},
    ),
    (
        "query($c: ID!) { techEnterprises(first: 10, filter: {capabilityId: $c}) {"
        " totalCount nodes { ...Org } } }" + ORGANISATION,
        {"c": PRIVACY},
    ),
    (
        "query($c: ID!, $m: Maturity) { techEnterprises(first: 7, filter: {capabilityId: $c, maturity: $m},"
        " orderBy: {field: FOUNDED, direction: DESC}) { totalCount nodes { name founded } } }",
        {"c": CLOUD, "m": "MATURE"},
    ),
    (
        "{ partnerships(first: 100) { totalCount nodes { id kind status title terms proposedOn decidedOn"
        " startedOn endedOn parties { __typename role organisation { ...Org } } } } }" + ORGANISATION,
        {},
    ),
    (
        "query($o: ID) { partnerships(first: 20, filter: {organisationId: $o}, orderBy: {field: TITLE}) {"
        " totalCount pageInfo { hasNextPage endCursor } nodes { title status terms } } }",
        {"o": HUDSON},
    ),
    (
        "{ proposed: partnerships(first: 50, filter: {status: PROPOSED}) { totalCount nodes { id terms } }"
        " declined: partnerships(filter: {status: DECLINED}) { totalCount }"
        " ended: partnerships(first: 3, filter: {status: ENDED, kind: COOPERATION}) { nodes { title } } }",
        {},
    ),
    (  # counts alone: their statement leaves the visibility rule out for callers who see all
        "{ active: partnerships(filter: {status: ACTIVE}) { totalCount }"
        " proposed: partnerships(filter: {status: PROPOSED}) { totalCount } all: partnerships { totalCount } }",
        {},
    ),
    (  # the count store, by each status's label, for callers who see all; else the index
        "{ ended: partnerships(filter: {status: ENDED}) { totalCount }"
        " declined: partnerships(filter: {status: DECLINED}) { totalCount }"
        " both: partnerships(filter: {status: ACTIVE, kind: INTRA_SECTOR}) { totalCount } }",
        {},
    ),
    # One text, one plan per status given (the label is chosen by the value): asked in turn.
    *(
        ("query($s: PartnershipStatus) { partnerships(filter: {status: $s}) { totalCount } }", {"s": s})
        for s in ("ACTIVE", "DECLINED", None, "PROPOSED", "ENDED")
    ),
    (
        "query($id: ID!) { node(id: $id) { __typename id ... on Organisation { name"
        " partners(first: 30) { totalCount nodes { __typename name } }"
        " all: partners(first: 30, status: null) { totalCount }"
        " partnerships(first: 30) { totalCount edges { cursor node { status terms } } }"
        " sandboxProjects { totalCount nodes { name status batch { number } technologies { name }"
        " awards { name year prizeYuan project { name } } participants { role organisation { name } } } } } } }",
        {"id": HUDSON},
    ),
    (
        "query($ids: [ID!]!) { nodes(ids: $ids) { id __typename"
        " ... on Capability { name providers(first: 5, maturity: MATURE) { totalCount nodes { name } }"
        " seekers(kind: BANK) { totalCount } sandboxProjects(first: 2) { nodes { name } } }"
        " ... on TechEnterprise { name } ... on Partnership { title terms } } }",
        {"ids": [CLOUD, YUNHE, "bm90LWFuLWlk", CLOUD, to_global_id("Zone", "no-such-zone"), LIANYU]},
    ),
    (
        "{ zones { totalCount nodes { name nameZh organisations(first: 4, type: TECH_ENTERPRISE) {"
        " totalCount nodes { name } } all: organisations(first: 3) { nodes { __typename name } } } } }",
        {},
    ),
    (
        "{ sandboxBatches { nodes { number name announcedOn projects(first: 20, status: TESTING) {"
        " totalCount nodes { name riskLevel serviceType } } } }"
        " awards(year: 2020, first: 3) { totalCount nodes { name project { name } } }"
        ' capabilities(category: "Data") { totalCount nodes { name } } }',
        {},
    ),
    (
        "{ sandboxProjects(first: 15, filter: {status: TESTING}, orderBy: {field: NAME, direction: ASC}) {"
        " totalCount nodes { name registeredOn testingStartedOn closedOn plannedGoLive } } }",
        {},
    ),
    (
        "query($t: String!) { search(text: $t, first: 8) { __typename score node { __typename"
        " ... on Organisation { id name } ... on SandboxProject { name status } } }"
        ' banks: search(text: "bank", types: [INSTITUTION]) { score node { ... on Institution { kind } } } }',
        {"t": "云禾 cloud"},
    ),
    (
        "query($skipZone: Boolean!, $withKind: Boolean!) { __typename institutions(first: 3) {"
        " __typename pageInfo { __typename hasNextPage } edges { __typename node { name"
        " zone @skip(if: $skipZone) { name } kind @include(if: $withKind) } } } }",
        {"skipZone": True, "withKind": False},
    ),
]


def _clients(
    db: Database, settings: Settings, role: Role, org: str | None
) -> contextlib.AbstractAsyncContextManager[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    return both_paths(db, settings, role, org, "compiled_reads")


async def _answer(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> tuple[str, Any]:
    body = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
    return json.dumps(body.get("data"), ensure_ascii=False), body.get("errors")


@pytest.mark.parametrize(("role", "org"), CALLERS, ids=[f"{r.value}-{o}" for r, o in CALLERS])
async def test_compiled_reads_answer_as_the_executor(
    seeded: Database, test_settings: Settings, role: Role, org: str | None
) -> None:
    async with _clients(seeded, test_settings, role, org) as (fast, slow):
        for query, variables in OPERATIONS:
            compiled, compiled_errors = await _answer(fast, query, variables)
            standard, standard_errors = await _answer(slow, query, variables)
            assert compiled_errors is None and standard_errors is None, (query, standard_errors)
            assert compiled == standard, query


async def test_a_compiled_read_is_one_round_trip_whatever_its_depth(
    seeded: Database, test_settings: Settings
) -> None:
    async with _clients(seeded, test_settings, Role.ADMIN, None) as (fast, _):
        await fast.post("/graphql", json={"query": "{ zones { totalCount } }"})  # the key is remembered
        for query, variables in OPERATIONS:
            before = seeded.round_trips
            _, errors = await _answer(fast, query, variables)
            assert errors is None
            assert seeded.round_trips - before == 1, query


REFUSED: list[tuple[str, dict[str, Any]]] = [
    ('{ search(text: "  ") { score } }', {}),
    ("query($t: String!) { search(text: $t) { score } }", {"t": "bank\u202e"}),
    ("query($t: String!) { search(text: $t) { score } }", {"t": " ".join(["w"] * 30)}),
    ("{ institutions(first: 0) { totalCount } }", {}),
    ('{ zones(after: "bm9wZQ") { totalCount } }', {}),
    ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [HUDSON] * 101}),
    ("query($z: ID) { institutions(filter: {zoneId: $z}) { totalCount } }", {"z": HUDSON}),
    ("query($n: String) { capabilities(category: $n) { totalCount } }", {"n": "x\u0001"}),
]


async def test_refused_reads_are_refused_alike(seeded: Database, test_settings: Settings) -> None:
    async with _clients(seeded, test_settings, Role.ANALYST, None) as (fast, slow):
        for query, variables in REFUSED:
            compiled = await fast.post("/graphql", json={"query": query, "variables": variables})
            standard = await slow.post("/graphql", json={"query": query, "variables": variables})
            assert compiled.json()["errors"], query
            assert (compiled.status_code, compiled.json()) == (standard.status_code, standard.json()), query


# Root fields outside the model beside ones inside it: the statement answers the ones inside,
# the executor the rest (from the operation cut down to them), merged in the executor's order.
MIXED: list[tuple[str, dict[str, Any]]] = [
    ("{ viewer { role } institutions(first: 3) { nodes { name zone { name } } } }", {}),
    (
        "query($i: ID!, $n: Int!) { recommendedTechPartners(institutionId: $i, first: $n) {"
        " score candidate { ...Org } } top: techEnterprises(first: 2) { nodes { ...Org } } }" + ORGANISATION,
        {"i": HUDSON, "n": 3},
    ),
    ("{ institutions(first: 2) { nodes { name } } __schema { queryType { name } } __typename }", {}),
    (
        "query($skip: Boolean!, $c: ID!) { viewer @skip(if: $skip) { role } zones { totalCount }"
        " techEnterprises(first: 3, filter: {capabilityId: $c}) { nodes { name } } }",
        {"skip": False, "c": CLOUD},
    ),
    # The executor's part uses neither the variable nor the fragment: both go from its text.
    (
        "query($c: ID!) { viewer { role }\n techEnterprises(first: 2, filter: {capabilityId: $c}) {"
        " nodes { ...Org } } }" + ORGANISATION,
        {"c": CLOUD},
    ),
    # A root field whose arguments the executor refuses is left to it: its error beside the
    # statement's answer (or, for a non-null root field, a null answer).
    ('{ zones { totalCount } institutions(first: 5, after: "bm90LWEtY3Vyc29y") { totalCount } }', {}),
    ('{ zones { totalCount } node(id: "bm9wZQ") { id } }', {}),
]


@pytest.mark.parametrize(("role", "org"), CALLERS, ids=[f"{r.value}-{o}" for r, o in CALLERS])
async def test_mixed_reads_answer_as_the_executor(
    seeded: Database, test_settings: Settings, role: Role, org: str | None
) -> None:
    async with _clients(seeded, test_settings, role, org) as (fast, slow):
        for query, variables in MIXED:
            compiled = await fast.post("/graphql", json={"query": query, "variables": variables})
            standard = await slow.post("/graphql", json={"query": query, "variables": variables})
            assert (compiled.status_code, compiled.json()) == (standard.status_code, standard.json()), query


async def test_a_mixed_read_answers_its_model_fields_in_one_statement(
    seeded: Database, test_settings: Settings
) -> None:
    # `viewer` needs no statement: all the model's fields, however deep, come from one.
    query = (
        "{ viewer { role } institutions(first: 5) { totalCount nodes { name zone { name }"
        " partnerships(first: 3) { nodes { title parties { organisation { name } } } } } }"
        " zones { nodes { name } } }"
    )
    async with _clients(seeded, test_settings, Role.ADMIN, None) as (fast, slow):
        await fast.post("/graphql", json={"query": "{ zones { totalCount } }"})  # the key is remembered
        await slow.post("/graphql", json={"query": "{ zones { totalCount } }"})
        before = seeded.round_trips
        mixed = (await fast.post("/graphql", json={"query": query})).json()
        compiled_trips = seeded.round_trips - before
        before = seeded.round_trips
        standard = (await slow.post("/graphql", json={"query": query})).json()
        assert mixed == standard
        assert list(mixed["data"]) == ["viewer", "institutions", "zones"]
        assert compiled_trips == 1 < seeded.round_trips - before  # the executor: one per level


# Connections walked page by page, each page asked for with the cursor of the one before, at
# the root and nested at depth 2 with filters at both levels: (query with $after, the path to
# the connection walked in `data`).
WALKS: list[tuple[str, tuple[str, ...]]] = [
    (
        "query($after: String, $n: Int) { institutions(first: $n, after: $after, orderBy: {field: NAME}) {"
        " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } } } }",
        ("institutions",),
    ),
    (
        "query($after: String, $n: Int) { institutions(first: $n, after: $after, filter: {kind: BANK},"
        " orderBy: {field: FOUNDED, direction: DESC}) { totalCount pageInfo { hasNextPage endCursor }"
        " nodes { name founded } } }",
        ("institutions",),
    ),
    (
        "query($after: String, $n: Int) { techEnterprises(first: $n, after: $after, orderBy: {field: FOUNDED}) {"
        " pageInfo { hasNextPage endCursor } edges { cursor node { name founded } } } }",
        ("techEnterprises",),
    ),
    (
        "query($after: String, $n: Int) { partnerships(first: $n, after: $after) {"
        " pageInfo { hasNextPage endCursor } nodes { title proposedOn terms } } }",
        ("partnerships",),
    ),
    (
        "query($after: String, $n: Int) { partnerships(first: $n, after: $after, filter: {status: ACTIVE},"
        " orderBy: {field: TITLE, direction: DESC}) { pageInfo { hasNextPage endCursor } nodes { title } } }",
        ("partnerships",),
    ),
    (
        "query($after: String, $n: Int) { sandboxProjects(first: $n, after: $after) {"
        " pageInfo { hasNextPage endCursor } nodes { name appliedOn } } }",
        ("sandboxProjects",),
    ),
    (
        "query($after: String, $n: Int) { sandboxBatches(first: $n, after: $after) {"
        " pageInfo { hasNextPage endCursor } nodes { number projects(first: 2) { nodes { name } } } } }",
        ("sandboxBatches",),
    ),
    (
        "query($after: String, $n: Int) { zones(first: $n, after: $after) { pageInfo { hasNextPage endCursor }"
        " nodes { name } } awards(first: 1) { nodes { year } } }",
        ("zones",),
    ),
    # Depth 2, filters at both levels: the outer connection walked ...
    (
        "query($after: String, $n: Int, $c: ID!) { node(id: $c) { ... on Capability {"
        " providers(first: $n, after: $after, maturity: MATURE) { pageInfo { hasNextPage endCursor }"
        " edges { cursor node { name partnerships(first: 2, status: ACTIVE) { totalCount"
        " edges { cursor node { title } } } } } } } } }",
        ("node", "providers"),
    ),
    # ... and the inner one, under a root page filtered on a related node.
    (
        "query($after: String, $n: Int, $c: ID!) { techEnterprises(first: 1, filter: {capabilityId: $c}) {"
        " nodes { name partners(first: $n, after: $after, status: ACTIVE) { pageInfo { hasNextPage endCursor }"
        " edges { cursor node { __typename name } } } } } }",
        ("techEnterprises", "nodes", 0, "partners"),  # type: ignore[list-item]
    ),
    (
        'query($after: String, $n: Int) { node(id: "' + HUDSON + '") { ... on Organisation {'
        " partnerships(first: $n, after: $after, kind: COOPERATION) { pageInfo { hasNextPage endCursor }"
        " nodes { title proposedOn parties { role organisation { name } } } } } } }",
        ("node", "partnerships"),
    ),
    (
        "query($after: String, $n: Int) { zones(first: 1) { nodes { name organisations(first: $n,"
        " after: $after, type: INSTITUTION) { pageInfo { hasNextPage endCursor } nodes { name } } } } }",
        ("zones", "nodes", 0, "organisations"),  # type: ignore[list-item]
    ),
]


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _items(connection: dict[str, Any]) -> list[Any]:
    return connection["nodes"] if "nodes" in connection else [e["node"] for e in connection["edges"]]


@pytest.mark.parametrize(("role", "org"), CALLERS[::2], ids=[f"{r.value}-{o}" for r, o in CALLERS[::2]])
async def test_walking_pages_with_cursors_answers_as_the_executor(
    seeded: Database, test_settings: Settings, role: Role, org: str | None
) -> None:
    """Each page, asked for with the cursor the page before gave, is byte-equal on both paths,
    and the pages together are the whole list in order: none repeated, none left out."""
    walks_of_several_pages = 0
    async with _clients(seeded, test_settings, role, org) as (fast, slow):
        for query, path in WALKS:
            whole_vars = {"after": None, "n": 100, "c": CLOUD}
            whole, errors = await _answer(fast, query, whole_vars)
            assert errors is None, errors
            whole_page = _at(json.loads(whole), path)
            expected = _items(whole_page)
            walked: list[Any] = []
            after = None
            for _ in range(60):
                variables = {"after": after, "n": 2, "c": CLOUD}
                compiled, compiled_errors = await _answer(fast, query, variables)
                standard, standard_errors = await _answer(slow, query, variables)
                assert compiled_errors is None and standard_errors is None, (query, standard_errors)
                assert compiled == standard, (query, after)
                page = _at(json.loads(compiled), path)
                walked += _items(page)
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            # A list longer than one page of 100 is compared as far as that page goes.
            assert walked[: len(expected)] == expected, query
            assert whole_page["pageInfo"]["hasNextPage"] or len(walked) == len(expected), query
            walks_of_several_pages += len(expected) > 2
        assert walks_of_several_pages >= len(WALKS) - 4  # the walks do walk
