"""A hub whose model has one more property, `Institution.website`, and what it answers.

Run as a program by tests/model/test_one_change.py, in a fresh interpreter: the property is
added to hub/model/graph.py's declarations before anything else of the hub is imported, exactly
as an edit of that file would add it. It then prints, as JSON, the SDL, the answers of the
compiled path and of the standard executor to the same operations (with the Cypher round trips
of each), the nodes export, what the peer check says, and what the API answers when callers
write the property (register, update, a refused value, a type without it).

    python -m tests.model.added_field ADMIN_KEY   (Neo4j from HUB_TEST_NEO4J_URI/_USER/_PASSWORD)
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import sys
from typing import Any

import hub.model.graph as graph
from hub.model.types import Check, Kind, Prop, Write

WEBSITE = Prop(
    "website",
    "website",
    Kind.STRING,
    description="The institution's public web site.",
    write=Write(Check.NAME),
)


def _add_website() -> None:
    institution = dataclasses.replace(graph.INSTITUTION, props=(*graph.INSTITUTION.props, WEBSITE))
    graph.INSTITUTION = institution
    graph.NODE_TYPES = tuple(institution if n.name == "Institution" else n for n in graph.NODE_TYPES)
    graph.MODEL = dataclasses.replace(graph.MODEL, nodes=graph.NODE_TYPES)


_add_website()  # before the hub's other modules read the model

import httpx  # noqa: E402

from hub.app import create_app  # noqa: E402
from hub.db.database import Database  # noqa: E402
from hub.graphql.relay import to_global_id  # noqa: E402
from hub.graphql.schema import sdl  # noqa: E402
from hub.seeds.files import SeedSet  # noqa: E402
from hub.seeds.records import InstitutionRecord  # noqa: E402
from hub.seeds.writer import rows_from_seeds  # noqa: E402
from hub.settings import Settings  # noqa: E402
from tests.model.peer import TYPE_DEFS, differences  # noqa: E402

OPERATIONS = [
    "{ institutions(first: 3, orderBy: {field: NAME, direction: ASC}) { nodes { id name website } } }",
    "query($id: ID!) { node(id: $id) { ... on Institution { name website } } }",
    "{ zones(first: 2) { nodes { name organisations(first: 50, type: INSTITUTION) { nodes { __typename"
    " ... on Institution { id website } } } } } }",
]


async def _answers(db: Database, settings: Settings, key: str) -> dict[str, Any]:
    app = create_app(settings, database=db)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {key}"}
    answers: list[dict[str, Any]] = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://hub.test", headers=headers) as http,
    ):
        await http.post("/graphql", json={"query": "{ zones { totalCount } }"})  # the key is remembered
        for query in OPERATIONS:
            before = db.round_trips
            variables = {"id": to_global_id("Institution", "hudson-ridge-bank")}
            body = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
            answers.append({"body": body, "roundTrips": db.round_trips - before})
        export = (await http.get("/export/nodes.csv", params={"type": "Institution"})).text
    return {"answers": answers, "export": export}


WRITES = [
    (
        'mutation { registerInstitution(input: {name: "W Bank", kind: BANK, homeCountry: "GB",'
        ' ownership: BRANCH, website: " https://w.example "}) { institution { website } userErrors { code } } }',
        {},
    ),
    (
        'mutation($id: ID!) { updateOrganisation(input: {id: $id, website: "https://new.example"})'
        " { organisation { ... on Institution { website } } userErrors { field code } } }",
        {"id": to_global_id("Institution", "hudson-ridge-bank")},
    ),
    (
        'mutation($id: ID!) { updateOrganisation(input: {id: $id, website: "  "})'
        " { organisation { name } userErrors { field code } } }",
        {"id": to_global_id("Institution", "hudson-ridge-bank")},
    ),
    (
        'mutation($id: ID!) { updateOrganisation(input: {id: $id, website: "https://t.example"})'
        " { organisation { name } userErrors { field code } } }",
        {"id": to_global_id("TechEnterprise", "lianyu-data")},
    ),
]


async def _writes(db: Database, settings: Settings, key: str) -> list[Any]:
    """The answers to WRITES, then the stored websites."""
    app = create_app(settings, database=db)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {key}"}
    answers: list[Any] = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://hub.test", headers=headers) as http,
    ):
        for query, variables in WRITES:
            answers.append(
                (await http.post("/graphql", json={"query": query, "variables": variables})).json()
            )
    rows = await db.read(
        "MATCH (o:Organisation) WHERE o.website IS NOT NULL RETURN o.id AS id, o.website AS w"
    )
    answers.append(sorted(r["w"] for r in rows))
    return answers


def _seed_rows() -> dict[str, Any]:
    """What the seed loader makes of an institution with a website, and of a bad one."""
    record = {"id": "x-bank", "name": "X Bank", "kind": "BANK", "homeCountry": "GB", "ownership": "BRANCH"}
    seeded = InstitutionRecord.model_validate({**record, "website": "https://x.example"})
    try:
        InstitutionRecord.model_validate({**record, "website": ["not", "a", "string"]})
        refused = ""
    except ValueError as bad:
        refused = str(bad)
    return {
        "row": rows_from_seeds(SeedSet(institutions=[seeded])).tables["institutions"][0],
        "refused": refused,
    }


async def main(key: str) -> dict[str, Any]:
    env = os.environ
    db = Database.connect(
        env["HUB_TEST_NEO4J_URI"],
        env.get("HUB_TEST_NEO4J_USER", "neo4j"),
        env["HUB_TEST_NEO4J_PASSWORD"],
        env.get("HUB_TEST_NEO4J_DATABASE", "neo4j"),
    )
    try:
        # No periodic jobs: their lease statements would count among the requests' round trips.
        settings = Settings(
            matchmaking_refresh_seconds=0,
            network_refresh_seconds=0,
            idempotency_purge_seconds=0,
            event_prune_seconds=0,
        )
        compiled = await _answers(db, settings.model_copy(update={"compiled_reads": True}), key)
        standard = await _answers(db, settings.model_copy(update={"compiled_reads": False}), key)
        writes = await _writes(db, settings, key)
    finally:
        await db.close()
    return {
        "seed": _seed_rows(),
        "sdl": sdl(),
        "compiled": compiled,
        "standard": standard,
        "peer": differences(graph.MODEL, TYPE_DEFS.read_text()),
        "writes": writes,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1])), ensure_ascii=False))
