"""The event log: written in the transaction of its change, numbered without gaps, pruned, and
heard (through the `events` list) exactly as the policy allows."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import httpx

from hub.db.database import Database, Transaction
from hub.db.repositories import events as repo
from hub.domain.enums import Role
from hub.domain.events import EventScope, EventType, NewEvent
from hub.graphql.relay import to_global_id
from hub.services.events import EventLog
from hub.settings import Settings
from tests.conftest import serve
from tests.events.helpers import (
    ACCEPT,
    BATCH_4,
    EVENTS,
    HUDSON,
    KESTREL,
    LIANYU,
    REGISTER,
    START_TESTING,
    THAMESGATE,
    apply_joint,
    bearer,
    call,
    key,
    propose,
    pulled,
)


async def _sequences(db: Database) -> list[int]:
    rows = await db.read("MATCH (e:Event) RETURN e.sequence AS s ORDER BY s")
    return [r["s"] for r in rows]


async def test_a_committed_change_has_its_event_and_a_rolled_back_one_has_none(
    seeded: Database, client: httpx.AsyncClient
) -> None:
    project = await apply_joint(client)
    before = await _sequences(seeded)
    # Registering first lapses the project's pending invitations (a write), then finds no such
    # batch and refuses: the whole transaction rolls back, its event with it.
    missing = to_global_id("SandboxBatch", "no-such-batch")
    body = (
        await client.post("/graphql", json={"query": REGISTER, "variables": {"id": project, "b": missing}})
    ).json()
    assert body["data"]["registerSandboxProject"]["userErrors"][0]["field"] == "input.batchId"
    assert await _sequences(seeded) == before

    async def fails_after_appending(tx: Transaction) -> None:
        await repo.append(
            tx, NewEvent(EventType.AWARD_GRANTED, "Award", "a-1", (), EventScope.PUBLIC, {"name": "x"})
        )
        raise RuntimeError("the work failed after writing its event")

    with contextlib.suppress(RuntimeError):
        await seeded.transaction(fails_after_appending)
    assert await _sequences(seeded) == before

    await call(client, REGISTER, {"id": project, "b": BATCH_4})
    after = await _sequences(seeded)
    assert after == [*before, before[-1] + 1]


async def test_concurrent_changes_get_distinct_sequences_without_gaps(
    seeded: Database, client: httpx.AsyncClient
) -> None:
    start = await repo.head(seeded)
    recipients = ["lianyu-data", "kestrel-bank"]
    proposers = ["thamesgate-bank", "hudson-ridge-bank"]
    pairs = [(p, r) for p in proposers for r in recipients]

    async def one(proposer: str, recipient: str) -> None:
        kind = "TechEnterprise" if recipient == "lianyu-data" else "Institution"
        await propose(client, to_global_id("Institution", proposer), to_global_id(kind, recipient))

    await asyncio.gather(*(one(p, r) for p, r in pairs))
    tail = [s for s in await _sequences(seeded) if s > start]
    assert tail == list(range(start + 1, start + 1 + len(pairs)))


async def test_pull_shows_each_caller_what_the_policy_allows(
    seeded: Database, client: httpx.AsyncClient, test_settings: Settings
) -> None:
    start = await repo.head(seeded)
    partnership = await propose(client, THAMESGATE, LIANYU)
    await call(client, ACCEPT, {"id": partnership})
    project = await apply_joint(client)
    await call(client, REGISTER, {"id": project, "b": BATCH_4})
    await call(client, START_TESTING, {"id": project})

    callers = {
        "thamesgate": await key(seeded, Role.PARTNER, "thamesgate-bank"),
        "lianyu": await key(seeded, Role.PARTNER, "lianyu-data"),
        "hudson": await key(seeded, Role.PARTNER, "hudson-ridge-bank"),
        "analyst": await key(seeded, Role.ANALYST),
        "regulator": await key(seeded, Role.REGULATOR),
    }
    heard: dict[str, list[str]] = {}
    for name, token in callers.items():
        async with serve(test_settings, seeded, bearer(token)) as http:
            heard[name] = [e["type"] for e in await pulled(http) if e["sequence"] > start]
    everything = [
        "partnership.proposed",
        "partnership.accepted",
        "sandbox_project.applied",
        "sandbox_project.registered",
        "sandbox_project.testing_started",
    ]
    assert heard["thamesgate"] == everything
    assert heard["lianyu"] == everything
    assert heard["regulator"] == everything
    # A third party hears nothing of another's proposal, acceptance or sandbox project.
    assert heard["hudson"] == []
    # Analysts hear what they may read, never the PROPOSED partnership private to its parties.
    assert heard["analyst"] == everything[1:]


async def test_pull_pages_by_sequence_filters_by_type_and_names_what_changed(
    seeded: Database, client: httpx.AsyncClient
) -> None:
    start = await repo.head(seeded)
    first = await propose(client, THAMESGATE, LIANYU)
    await propose(client, HUDSON, KESTREL)
    await call(client, ACCEPT, {"id": first})
    data = await call(client, EVENTS, {"first": 1, "after": None, "types": ["partnership.accepted"]})
    (accepted,) = [e for e in data["events"]["nodes"] if e["sequence"] > start]
    assert accepted["subjectId"] == first
    assert accepted["subjectType"] == "Partnership"
    assert sorted(accepted["organisationIds"]) == sorted([THAMESGATE, LIANYU])
    assert accepted["payload"]["status"] == "ACTIVE"
    assert data["events"]["pageInfo"]["hasNextPage"] is False

    proposed = [e for e in await pulled(client, ["partnership.proposed"]) if e["sequence"] > start]
    assert next(e["subjectId"] for e in proposed) == first
    assert len(proposed) == 2
    # Paging one at a time gives the same events, in order, once each.
    seen = []
    after = None
    while True:
        page = await call(client, EVENTS, {"first": 1, "after": after, "types": None})
        seen += [e["sequence"] for e in page["events"]["nodes"]]
        if not page["events"]["pageInfo"]["hasNextPage"]:
            break
        after = page["events"]["pageInfo"]["endCursor"]
    assert seen == sorted(set(seen)) == await _sequences(seeded)


async def test_bad_arguments_are_refused_with_their_place(client: httpx.AsyncClient) -> None:
    body = (
        await client.post(
            "/graphql", json={"query": EVENTS, "variables": {"types": ["partnership.proposed", "nope"]}}
        )
    ).json()
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "types.1: 'nope' is not an event type" in error["message"]
    body = (await client.post("/graphql", json={"query": EVENTS, "variables": {"after": "garbage"}})).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"].startswith("after:")


async def test_events_past_their_retention_are_pruned(seeded: Database, client: httpx.AsyncClient) -> None:
    await propose(client, THAMESGATE, LIANYU)
    old = datetime.now(UTC) - timedelta(days=40)
    await seeded.write("MATCH (e:Event) WITH e ORDER BY e.sequence LIMIT 1 SET e.at = $old", old=old)
    count = len(await _sequences(seeded))
    assert await EventLog(seeded).prune(30 * 24 * 3600) == 1
    assert len(await _sequences(seeded)) == count - 1
