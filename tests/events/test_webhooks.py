"""Webhooks against a real HTTP receiver on 127.0.0.1: signed deliveries to exactly the parties,
retries with the same id, a worker restart that loses nothing, disabling, and the SSRF guard."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from hub.db.database import Database
from hub.domain.enums import Role
from hub.domain.webhooks import verify
from hub.services.webhook_worker import WebhookWorker
from hub.settings import Environment, Settings
from tests.conftest import serve
from tests.events.helpers import (
    ACCEPT,
    BATCH_4,
    HUDSON,
    KESTREL,
    LIANYU,
    REGISTER,
    THAMESGATE,
    apply_joint,
    bearer,
    call,
    key,
    propose,
)
from tests.events.receiver import Received, receiver

REGISTER_WEBHOOK = """mutation($o: ID!, $url: String!, $types: [String!]) {
  registerWebhook(input: {organisationId: $o, url: $url, types: $types}) {
    webhook { id url types enabled disabledReason } secret userErrors { field code message } } }"""
ROTATE = """mutation($id: ID!) { rotateWebhookSecret(input: {id: $id}) {
    webhook { id } secret userErrors { field code message } } }"""
DELETE = """mutation($id: ID!) { deleteWebhook(input: {id: $id}) { deletedId userErrors { field code message } } }"""
WEBHOOKS = """query($o: ID!) { webhooks(organisationId: $o) { id enabled disabledReason } }"""
DELIVERIES = """query($id: ID!) { webhookDeliveries(webhookId: $id) {
    eventId eventType status attempts lastStatusCode lastError nextAttemptAt } }"""


def _fast(settings: Settings, **changes: Any) -> Settings:
    """Retries in tens of milliseconds instead of seconds, so a test sees several."""
    quick = {
        "webhook_retry_base_seconds": 0.02,
        "webhook_retry_cap_seconds": 0.1,
        "webhook_timeout_seconds": 1.0,
        "webhook_poll_seconds": 0.05,
    }
    return settings.model_copy(update={**quick, **changes})


async def _until(
    condition: Callable[[], bool], work: Callable[[], Awaitable[object]], rounds: int = 400
) -> None:
    """Runs `work` until `condition` holds (bounded: it proves "not hanging", not speed)."""
    for _ in range(rounds):
        if condition():
            return
        await work()
        await asyncio.sleep(0.03)
    assert condition(), "the condition did not hold in time"


def _verified(received: Received, secret: str) -> dict[str, Any]:
    h = received.headers
    assert verify(secret, h["webhook-id"], int(h["webhook-timestamp"]), received.body, h["webhook-signature"])
    body: dict[str, Any] = json.loads(received.body)
    assert body["data"]["id"] == h["webhook-id"]
    return body


async def _register(
    http: httpx.AsyncClient, org: str, url: str, types: list[str] | None = None
) -> tuple[str, str]:
    data = await call(http, REGISTER_WEBHOOK, {"o": org, "url": url, "types": types or []})
    payload = data["registerWebhook"]
    return payload["webhook"]["id"], payload["secret"]


async def _assert_unsafe(admin: httpx.AsyncClient, refused: dict[str, str]) -> None:
    """Each URL refused at input.url as UNSAFE_URL, the message naming its reason."""
    for url, reason in refused.items():
        body = (
            await admin.post(
                "/graphql", json={"query": REGISTER_WEBHOOK, "variables": {"o": THAMESGATE, "url": url}}
            )
        ).json()
        (error,) = body["data"]["registerWebhook"]["userErrors"]
        assert error["field"] == "input.url" and error["code"] == "UNSAFE_URL", (url, error)
        assert reason in error["message"], (url, error)


async def test_parties_receive_signed_events_and_a_third_party_none(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    settings = _fast(test_settings)
    worker = WebhookWorker(seeded, settings)
    async with (
        receiver() as thamesgate,
        receiver() as hudson,
        serve(settings, seeded, bearer(await key(seeded, Role.PARTNER, "thamesgate-bank"))) as t,
        serve(settings, seeded, bearer(await key(seeded, Role.PARTNER, "hudson-ridge-bank"))) as h,
        serve(settings, seeded, bearer(admin_key)) as admin,
    ):
        _, t_secret = await _register(t, THAMESGATE, thamesgate.url)
        _, h_secret = await _register(h, HUDSON, hudson.url)
        partnership = await propose(admin, THAMESGATE, LIANYU)
        await call(admin, ACCEPT, {"id": partnership})
        project = await apply_joint(admin)
        await call(admin, REGISTER, {"id": project, "b": BATCH_4})
        own = await propose(admin, HUDSON, KESTREL)
        await _until(lambda: len(thamesgate.received) >= 4 and len(hudson.received) >= 1, worker.round)
        await worker.round()
    await worker.close()
    # Deliveries run concurrently, so they may arrive in any order; each carries its sequence.
    bodies = sorted(
        (_verified(r, t_secret) for r in thamesgate.received), key=lambda b: b["data"]["sequence"]
    )
    assert [(b["type"], b["data"]["subjectId"]) for b in bodies] == [
        ("partnership.proposed", partnership),
        ("partnership.accepted", partnership),
        ("sandbox_project.applied", project),
        ("sandbox_project.registered", project),
    ]
    (only,) = [_verified(r, h_secret) for r in hudson.received]
    assert (only["type"], only["data"]["subjectId"]) == ("partnership.proposed", own)


async def test_a_receiver_that_fails_five_times_gets_the_event_again_with_the_same_id_and_a_valid_signature(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    settings = _fast(test_settings)
    worker = WebhookWorker(seeded, settings)
    async with (
        receiver([500, 503, 502, 500, 404]) as hook,
        serve(settings, seeded, bearer(admin_key)) as admin,
    ):
        webhook, secret = await _register(admin, THAMESGATE, hook.url, ["partnership.proposed"])
        await propose(admin, THAMESGATE, LIANYU)
        await _until(lambda: any(r.answered == 200 for r in hook.received), worker.round)
        log = (await call(admin, DELIVERIES, {"id": webhook}))["webhookDeliveries"]
    await worker.close()
    assert [r.answered for r in hook.received] == [500, 503, 502, 500, 404, 200]
    assert len({r.headers["webhook-id"] for r in hook.received}) == 1
    for received in hook.received:
        _verified(received, secret)
    (delivery,) = log
    assert delivery["status"] == "DELIVERED"
    assert delivery["attempts"] == 6
    assert delivery["lastStatusCode"] == 200
    assert delivery["eventId"] == hook.received[0].headers["webhook-id"]


async def test_a_worker_restart_in_the_middle_of_retries_loses_no_delivery(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    settings = _fast(test_settings)
    async with receiver([500] * 6) as hook, serve(settings, seeded, bearer(admin_key)) as admin:
        webhook, secret = await _register(admin, THAMESGATE, hook.url)
        made = [
            await propose(admin, THAMESGATE, LIANYU, "one"),
            await propose(admin, THAMESGATE, KESTREL, "two"),
        ]
        await call(admin, ACCEPT, {"id": made[0]})
        first = WebhookWorker(seeded, settings)
        stop = asyncio.Event()
        running = asyncio.create_task(first.run(stop))
        await _until(lambda: len(hook.received) >= 3, lambda: asyncio.sleep(0.03), rounds=600)
        running.cancel()  # killed mid-retries, perhaps mid-request
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await first.close()
        second = WebhookWorker(seeded, settings)

        def delivered() -> set[str]:
            return {r.headers["webhook-id"] for r in hook.received if r.answered == 200}

        await _until(lambda: len(delivered()) == 3, second.round, rounds=600)
        await second.close()
        log = (await call(admin, DELIVERIES, {"id": webhook}))["webhookDeliveries"]
    assert sorted(d["eventType"] for d in log) == [
        "partnership.accepted",
        "partnership.proposed",
        "partnership.proposed",
    ]
    assert {d["status"] for d in log} == {"DELIVERED"}
    assert delivered() == {d["eventId"] for d in log}
    for received in hook.received:
        _verified(received, secret)


async def test_an_endpoint_that_keeps_failing_is_disabled_and_its_owner_sees_why(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    settings = _fast(test_settings, webhook_disable_after_failures=3)
    worker = WebhookWorker(seeded, settings)
    async with (
        receiver([500] * 100) as hook,
        serve(settings, seeded, bearer(await key(seeded, Role.PARTNER, "thamesgate-bank"))) as partner,
        serve(settings, seeded, bearer(admin_key)) as admin,
    ):
        webhook, _ = await _register(partner, THAMESGATE, hook.url)
        await propose(admin, THAMESGATE, LIANYU)

        async def disabled() -> bool:
            (found,) = (await call(partner, WEBHOOKS, {"o": THAMESGATE}))["webhooks"]
            return not found["enabled"]

        for _ in range(200):
            await worker.round()
            if await disabled():
                break
            await asyncio.sleep(0.03)
        (found,) = (await call(partner, WEBHOOKS, {"o": THAMESGATE}))["webhooks"]
        attempts = len(hook.received)
        await propose(admin, THAMESGATE, KESTREL)
        for _ in range(5):
            await worker.round()
    await worker.close()
    assert found["id"] == webhook
    assert found["enabled"] is False
    assert found["disabledReason"].startswith("disabled after 3 failed delivery attempts in a row")
    assert "HTTP 500" in found["disabledReason"]
    assert attempts == 3
    assert len(hook.received) == attempts  # nothing more is sent to a disabled endpoint


async def test_rotating_the_secret_signs_with_both_for_the_overlap_then_the_new_one_and_delete_stops_them(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    settings = _fast(test_settings, webhook_secret_overlap_seconds=3600)
    worker = WebhookWorker(seeded, settings)

    def signed_by(received: Received, secret: str) -> bool:
        h = received.headers
        return verify(
            secret, h["webhook-id"], int(h["webhook-timestamp"]), received.body, h["webhook-signature"]
        )

    async with receiver() as hook, serve(settings, seeded, bearer(admin_key)) as admin:
        webhook, old = await _register(admin, THAMESGATE, hook.url)
        rotated = (await call(admin, ROTATE, {"id": webhook}))["rotateWebhookSecret"]
        assert rotated["secret"] != old and rotated["secret"].startswith("whsec_")
        await propose(admin, THAMESGATE, LIANYU)
        await _until(lambda: len(hook.received) == 1, worker.round)
        # Within the overlap: two signatures, so a receiver still on the old secret accepts it.
        during = hook.received[0]
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        assert signed_by(during, old) and signed_by(during, rotated["secret"])
        # Past the overlap, the old secret signs nothing.
        await seeded.write("MATCH (w:Webhook) SET w.previousSecretUntil = datetime() - duration('PT1S')")
        await propose(admin, HUDSON, THAMESGATE, title="Trade finance")
        await _until(lambda: len(hook.received) == 2, worker.round)
        after = hook.received[1]
        assert not signed_by(after, old)
        _verified(after, rotated["secret"])
        deleted = (await call(admin, DELETE, {"id": webhook}))["deleteWebhook"]
        assert deleted["deletedId"] == webhook
        await propose(admin, THAMESGATE, KESTREL)
        for _ in range(5):
            await worker.round()
    await worker.close()
    assert len(hook.received) == 2


async def test_registration_refuses_bad_input_and_other_organisations(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    async with serve(
        test_settings, seeded, bearer(await key(seeded, Role.PARTNER, "thamesgate-bank"))
    ) as partner:
        body = (
            await partner.post(
                "/graphql",
                json={"query": REGISTER_WEBHOOK, "variables": {"o": HUDSON, "url": "https://example.org/h"}},
            )
        ).json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        data = (
            await partner.post(
                "/graphql",
                json={
                    "query": REGISTER_WEBHOOK,
                    "variables": {
                        "o": THAMESGATE,
                        "url": "ftp://example.org/h",
                        "types": ["partnership.nope"],
                    },
                },
            )
        ).json()["data"]["registerWebhook"]
        assert data["webhook"] is None and data["secret"] is None
        fields = {e["field"]: e["message"] for e in data["userErrors"]}
        assert "'partnership.nope' is not an event type" in fields["input.types.0"]
        assert "must be an HTTPS or HTTP URL" in fields["input.url"]
    count = await seeded.read("MATCH (w:Webhook) RETURN count(w) AS n")
    assert count[0]["n"] == 0


async def test_production_refuses_endpoints_on_loopback_private_and_link_local_addresses(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    production = test_settings.model_copy(update={"env": Environment.PRODUCTION})
    refused = {
        "http://203.0.113.9/hook": "must be an HTTPS URL",
        "https://127.0.0.1/hook": "127.0.0.1",
        "https://10.1.2.3/hook": "10.1.2.3",
        "https://192.168.0.7/hook": "192.168.0.7",
        "https://169.254.169.254/latest": "169.254.169.254",
        "https://[::1]/hook": "::1",
        "https://localhost/hook": "localhost",
    }
    async with serve(production, seeded, bearer(admin_key)) as admin:
        await _assert_unsafe(admin, refused)
    # In development a local receiver is allowed, so tests and laptops can receive.
    async with serve(test_settings, seeded, bearer(admin_key)) as admin:
        webhook, _ = await _register(admin, THAMESGATE, "http://127.0.0.1:9/hook")
        assert webhook


async def test_a_url_with_a_line_break_space_or_port_0_is_refused_and_nothing_is_stored(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    # Development allows local receivers, not malformed URLs: a CR/LF would split the request
    # line of every delivery, and port 0 was read as the scheme's default port.
    refused = {
        "http://127.0.0.1:9/x\r\nInjected: 1": "'\\r' at position 20",
        "http://127.0.0.1:9/a b": "' ' at position 20",
        "http://127.0.0.1:9/caf\u00e9": "'\u00e9' at position 22",
        "http://127.0.0.1:0/hook": "port 0",
    }
    async with serve(test_settings, seeded, bearer(admin_key)) as admin:
        await _assert_unsafe(admin, refused)
    count = await seeded.read("MATCH (w:Webhook) RETURN count(w) AS n")
    assert count[0]["n"] == 0


async def test_a_delivery_goes_to_the_checked_address_and_still_names_the_host(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    # The name is resolved once, checked, and the connection made to that address (no second
    # lookup a rebinding name could answer differently); the receiver still sees its host name.
    settings = _fast(test_settings)
    worker = WebhookWorker(seeded, settings)
    async with receiver() as hook, serve(settings, seeded, bearer(admin_key)) as admin:
        named = hook.url.replace("127.0.0.1", "localhost")
        _, secret = await _register(admin, THAMESGATE, named)
        partnership = await propose(admin, THAMESGATE, LIANYU)
        await _until(lambda: len(hook.received) >= 1, worker.round)
    await worker.close()
    (delivered,) = hook.received
    assert delivered.headers["host"] == named.removeprefix("http://").removesuffix("/hook")
    assert _verified(delivered, secret)["data"]["subjectId"] == partnership


async def test_registering_and_rotating_with_an_idempotency_key_happen_once_and_replay_the_same_secret(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    async with serve(test_settings, seeded, bearer(admin_key)) as admin:
        variables = {"o": THAMESGATE, "url": "http://127.0.0.1:9/hook", "types": []}

        async def send(query: str, values: dict[str, Any], key_: str) -> dict[str, Any]:
            response = await admin.post(
                "/graphql", json={"query": query, "variables": values}, headers={"Idempotency-Key": key_}
            )
            data: dict[str, Any] = response.json()["data"]
            return data

        first = (await send(REGISTER_WEBHOOK, variables, "register-1"))["registerWebhook"]
        again = (await send(REGISTER_WEBHOOK, variables, "register-1"))["registerWebhook"]
        assert again == first and first["secret"]
        assert (await seeded.read("MATCH (w:Webhook) RETURN count(w) AS n")) == [{"n": 1}]
        hook = first["webhook"]["id"]
        rotated = (await send(ROTATE, {"id": hook}, "rotate-1"))["rotateWebhookSecret"]
        replayed = (await send(ROTATE, {"id": hook}, "rotate-1"))["rotateWebhookSecret"]
        assert replayed == rotated and rotated["secret"] not in (None, first["secret"])
    # What the keys keep for a replay holds the secrets sealed, never in clear.
    stored = await seeded.read("MATCH (k:IdempotencyKey) RETURN k {.*} AS k")
    assert len(stored) == 2
    text = json.dumps(stored, default=str)
    assert first["secret"] not in text and rotated["secret"] not in text


ENABLE = """mutation($id: ID!) { enableWebhook(input: {id: $id}) {
    webhook { id enabled disabledReason } userErrors { field code } } }"""


async def test_an_owner_enables_a_disabled_endpoint_again_and_gets_what_it_missed(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    settings = _fast(test_settings, webhook_disable_after_failures=3)
    worker = WebhookWorker(seeded, settings)
    async with (
        receiver([500] * 3) as hook,  # fails three times, then answers 200
        serve(settings, seeded, bearer(await key(seeded, Role.PARTNER, "thamesgate-bank"))) as partner,
        serve(settings, seeded, bearer(await key(seeded, Role.PARTNER, "hudson-ridge-bank"))) as stranger,
        serve(settings, seeded, bearer(admin_key)) as admin,
    ):
        webhook, secret = await _register(partner, THAMESGATE, hook.url)
        first = await propose(admin, THAMESGATE, LIANYU)
        await _until(lambda: len(hook.received) >= 3, worker.round)
        (found,) = (await call(partner, WEBHOOKS, {"o": THAMESGATE}))["webhooks"]
        assert found["enabled"] is False
        missed = await propose(admin, THAMESGATE, KESTREL)  # while the endpoint is off
        for _ in range(3):
            await worker.round()
        assert len(hook.received) == 3
        # Another organisation's partner may not enable it: as if it did not exist.
        answer = await stranger.post("/graphql", json={"query": ENABLE, "variables": {"id": webhook}})
        refused = answer.json()["data"]["enableWebhook"]
        assert refused == {"webhook": None, "userErrors": [{"field": "input.id", "code": "NOT_FOUND"}]}
        enabled = (await call(partner, ENABLE, {"id": webhook}))["enableWebhook"]["webhook"]
        assert enabled == {"id": webhook, "enabled": True, "disabledReason": None}
        await _until(lambda: len(hook.received) >= 5, worker.round)
    await worker.close()
    delivered = {_verified(r, secret)["data"]["subjectId"] for r in hook.received[3:]}
    assert delivered == {first, missed}
