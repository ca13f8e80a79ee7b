"""The `events` subscription over graphql-transport-ws, against uvicorn on 127.0.0.1: credentials
in connection_init, the policy's audience, resuming by sequence, and two worker processes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
from collections.abc import AsyncIterator

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from hub.cli import ONE_WRITE_HTTP
from hub.db.database import Database
from hub.db.repositories import events as repo
from hub.db.server import Connection
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import live
from tests.events.helpers import (
    ACCEPT,
    BATCH_4,
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
)
from tests.events.ws import Subscriber


@pytest.fixture
async def hub_url(seeded: Database, test_settings: Settings) -> AsyncIterator[str]:
    async with live(test_settings, seeded) as url:
        yield url


async def test_parties_hear_a_proposal_its_acceptance_and_a_sandbox_transition_and_a_third_party_none(
    seeded: Database, hub_url: str, admin_key: str
) -> None:
    thamesgate = await Subscriber.open(hub_url, await key(seeded, Role.PARTNER, "thamesgate-bank"))
    lianyu = await Subscriber.open(hub_url, await key(seeded, Role.PARTNER, "lianyu-data"))
    hudson = await Subscriber.open(hub_url, await key(seeded, Role.PARTNER, "hudson-ridge-bank"))
    analyst = await Subscriber.open(hub_url, await key(seeded, Role.ANALYST))
    async with httpx.AsyncClient(base_url=hub_url, headers=bearer(admin_key)) as http:
        partnership = await propose(http, THAMESGATE, LIANYU)
        await call(http, ACCEPT, {"id": partnership})
        project = await apply_joint(http)
        await call(http, REGISTER, {"id": project, "b": BATCH_4})
        await call(http, START_TESTING, {"id": project})
        # Then one event for Hudson: the first it hears proves it heard none of the others.
        own = await propose(http, HUDSON, KESTREL)
    parties = [
        ("partnership.proposed", partnership),
        ("partnership.accepted", partnership),
        ("sandbox_project.applied", project),
        ("sandbox_project.registered", project),
        ("sandbox_project.testing_started", project),
    ]
    for subscriber in (thamesgate, lianyu):
        heard = [await subscriber.next() for _ in parties]
        assert [(e["type"], e["subjectId"]) for e in heard] == parties
        assert [e["sequence"] for e in heard] == sorted(e["sequence"] for e in heard)
    first = await hudson.next()
    assert (first["type"], first["subjectId"]) == ("partnership.proposed", own)
    # Analysts: the public changes, never the PROPOSED partnership private to its parties.
    heard = [await analyst.next() for _ in parties[1:]]
    assert [(e["type"], e["subjectId"]) for e in heard] == parties[1:]
    for subscriber in (thamesgate, lianyu, hudson, analyst):
        await subscriber.close()


async def test_a_subscriber_that_resumes_with_its_last_sequence_misses_nothing_and_gets_nothing_twice(
    seeded: Database, hub_url: str, admin_key: str
) -> None:
    token = await key(seeded, Role.PARTNER, "thamesgate-bank")
    start = await repo.head(seeded)
    subscriber = await Subscriber.open(hub_url, token, after=start)
    async with httpx.AsyncClient(base_url=hub_url, headers=bearer(admin_key)) as http:
        made = [await propose(http, THAMESGATE, LIANYU, "first")]
        await call(http, ACCEPT, {"id": made[0]})
        seen = [await subscriber.next(), await subscriber.next()]
        await subscriber.close()
        # While it is away: more events, for it and for others.
        await propose(http, HUDSON, KESTREL, "not for Thamesgate")
        made.append(await propose(http, THAMESGATE, KESTREL, "second"))
        project = await apply_joint(http)
        resumed = await Subscriber.open(hub_url, token, after=seen[-1]["sequence"])
        await call(http, REGISTER, {"id": project, "b": BATCH_4})
        seen += [await resumed.next() for _ in range(3)]
    assert [e["type"] for e in seen] == [
        "partnership.proposed",
        "partnership.accepted",
        "partnership.proposed",
        "sandbox_project.applied",
        "sandbox_project.registered",
    ]
    assert len({e["id"] for e in seen}) == len(seen)
    assert [e["sequence"] for e in seen] == sorted(e["sequence"] for e in seen)
    assert seen[2]["subjectId"] == made[1]
    await resumed.close()


async def test_a_subscriber_without_valid_credentials_is_refused_in_connection_init(hub_url: str) -> None:
    url = hub_url.replace("http://", "ws://") + "/graphql"
    for payload in ({}, {"Authorization": "Bearer hub_not-a-key"}):
        async with connect(url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
            await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), 10)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4403


async def test_an_unknown_event_type_is_refused_with_its_place(seeded: Database, hub_url: str) -> None:
    subscriber = await Subscriber.open(hub_url, await key(seeded, Role.ADMIN), types=["partnership.nope"])
    message = json.loads(await asyncio.wait_for(subscriber.socket.recv(), 10))
    assert message["type"] in {"error", "next"}
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert "types.0: 'partnership.nope' is not an event type" in errors[0]["message"]
    await subscriber.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def two_workers(neo4j: Connection) -> AsyncIterator[str]:
    """The hub as `hub serve` runs it: uvicorn with two worker processes, on a free loopback port."""
    port = _free_port()
    env = {
        **os.environ,
        "NEO4J_URI": neo4j.uri,
        "NEO4J_USER": neo4j.user,
        "NEO4J_PASSWORD": neo4j.password,
        "NEO4J_DATABASE": neo4j.database,
        "HUB_MATCHMAKING_REFRESH_SECONDS": "0",
        "HUB_NETWORK_REFRESH_SECONDS": "0",
    }
    command = [sys.executable, "-m", "uvicorn", "hub.app:create_app", "--factory", "--workers", "2"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    command += ["--http", ONE_WRITE_HTTP]
    process = await asyncio.create_subprocess_exec(*command, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url) as http:
            for _ in range(600):
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get("/readyz")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
        yield url
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)


async def test_two_uvicorn_workers_deliver_each_event_to_each_subscriber_once(
    seeded: Database, neo4j: Connection, admin_key: str
) -> None:
    token = await key(seeded, Role.PARTNER, "thamesgate-bank")
    async with two_workers(neo4j) as url:
        start = await repo.head(seeded)
        subscribers = [await Subscriber.open(url, token, after=start) for _ in range(8)]
        async with httpx.AsyncClient(base_url=url, headers=bearer(admin_key)) as http:
            made = []
            for title in ("one", "two", "three"):
                made.append(await propose(http, THAMESGATE, LIANYU, title))
                await call(http, ACCEPT, {"id": made[-1]})
                await call(
                    http,
                    "mutation($id: ID!) { endPartnership(input: {id: $id}) { userErrors { code } } }",
                    {"id": made[-1]},
                )
            await propose(http, HUDSON, KESTREL)  # nobody here may hear this one
            last = await propose(http, THAMESGATE, KESTREL, "last")
        expected = [s for s in range(start + 1, await repo.head(seeded) + 1)]
        expected.remove(expected[-2])  # Hudson's
        for subscriber in subscribers:
            heard = [await subscriber.next() for _ in expected]
            assert [e["sequence"] for e in heard] == expected
            assert heard[-1]["subjectId"] == last
            await subscriber.close()


async def test_a_browser_page_on_an_origin_cors_does_not_allow_cannot_open_a_subscription(
    seeded: Database, test_settings: Settings
) -> None:
    settings = test_settings.model_copy(update={"cors_origins": ["https://portal.example.org"]})
    async with live(settings, seeded) as url:
        ws = url.replace("http://", "ws://") + "/graphql"
        with pytest.raises(InvalidStatus) as refused:
            await connect(ws, subprotocols=["graphql-transport-ws"], origin="https://elsewhere.example")  # type: ignore[arg-type,list-item]
        assert refused.value.response.status_code == 403
        allowed = await connect(
            ws, subprotocols=["graphql-transport-ws"], origin="https://portal.example.org"
        )  # type: ignore[arg-type,list-item]
        await allowed.close()


async def test_a_commit_in_this_process_wakes_its_subscribers_without_waiting_for_the_poll(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    settings = test_settings.model_copy(update={"event_poll_seconds": 60})
    async with live(settings, seeded) as url:
        subscriber = await Subscriber.open(url, await key(seeded, Role.PARTNER, "thamesgate-bank"))
        async with httpx.AsyncClient(base_url=url, headers=bearer(admin_key)) as http:
            partnership = await propose(http, THAMESGATE, LIANYU)
        # Well within the 60 s poll: only the wake-up on commit can have brought it.
        event = await subscriber.next(within=10)
        assert (event["type"], event["subjectId"]) == ("partnership.proposed", partnership)
        await subscriber.close()


async def test_a_subscription_ends_when_its_key_is_revoked(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    uncached = test_settings.model_copy(update={"api_key_cache_seconds": 0})
    issued = await ApiKeys(seeded).create(Role.PARTNER, "thamesgate-bank")
    async with live(uncached, seeded) as url:
        subscriber = await Subscriber.open(url, issued.key)
        async with httpx.AsyncClient(base_url=url, headers=bearer(admin_key)) as http:
            await propose(http, THAMESGATE, LIANYU, "before")
            assert (await subscriber.next())["type"] == "partnership.proposed"
            await ApiKeys(seeded).revoke(issued.key_id)
            await propose(http, THAMESGATE, KESTREL, "after")
            message = await subscriber.message()
        await subscriber.close()
    # The event after the revocation is not sent: the subscription ends with the reason.
    errors = message["payload"] if message["type"] == "error" else message["payload"].get("errors")
    assert message["type"] in ("error", "next") and errors, message
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in message["payload"] or message["payload"]["data"] is None


async def test_a_caller_holds_a_bounded_number_of_subscriptions_and_closing_one_frees_its_place(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    # A subscription stays open as long as its caller likes: without a bound, one key could hold
    # thousands over many websockets.
    settings = test_settings.model_copy(update={"max_subscriptions_per_caller": 2})
    greedy = await key(seeded, Role.ANALYST)
    update = """mutation($id: ID!, $d: String!) { updateOrganisation(input: {id: $id, description: $d}) {
        userErrors { code } } }"""
    bank = to_global_id("Institution", "thamesgate-bank")
    async with (
        live(settings, seeded) as url,
        httpx.AsyncClient(base_url=url, headers=bearer(admin_key)) as http,
    ):
        held = [await Subscriber.open(url, greedy) for _ in range(2)]
        refused = await Subscriber.open(url, greedy)
        message = await refused.message()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS", message
        assert "holds 2 subscriptions open" in errors[0]["message"]
        await refused.close()
        # Another caller is not held back by this one.
        neighbour = await Subscriber.open(url, await key(seeded, Role.ANALYST))
        # Closing one of the greedy caller's subscriptions frees its place (once the hub has
        # seen the socket close: a retry loop, bounded).
        await held[0].close()
        deadline = asyncio.get_running_loop().time() + 10
        while True:
            again = await Subscriber.open(url, greedy)
            await call(http, update, {"id": bank, "d": f"change {asyncio.get_running_loop().time()}"})
            first = await again.message()
            if first["type"] == "next" and "errors" not in first["payload"]:
                break
            await again.close()
            assert asyncio.get_running_loop().time() < deadline, first
            await asyncio.sleep(0.1)
        assert first["payload"]["data"]["events"]["type"] == "organisation.updated"
        assert (await neighbour.next())["type"] == "organisation.updated"
        for subscriber in (held[1], again, neighbour):
            await subscriber.close()


async def test_opening_subscriptions_spends_the_callers_rate_limit(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    # Each subscription the hub starts spends a point of its caller's budget, so a caller cannot
    # start them without bound by opening and closing in a loop.
    settings = test_settings.model_copy(update={"rate_limit_points_per_minute": 3})
    caller = await key(seeded, Role.ANALYST)
    update = """mutation($id: ID!) { updateOrganisation(input: {id: $id, description: "x"}) {
        userErrors { code } } }"""
    async with (
        live(settings, seeded) as url,
        httpx.AsyncClient(base_url=url, headers=bearer(admin_key)) as http,
    ):
        held = [await Subscriber.open(url, caller) for _ in range(3)]
        await call(http, update, {"id": to_global_id("Institution", "thamesgate-bank")})
        for subscriber in held:  # each one has started (and spent its point)
            assert (await subscriber.next())["type"] == "organisation.updated"
        refused = await Subscriber.open(url, caller)
        message = await refused.message()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "RATE_LIMITED", message
        assert errors[0]["extensions"]["retryAfter"] >= 1
        for subscriber in (*held, refused):
            await subscriber.close()
