"""Events: from a committed mutation to its event at a subscriber and at a webhook receiver.

The hub runs in its own uvicorn process (two workers by default) and `hub worker` in another, on
127.0.0.1, over the graph HUB_HOME / NEO4J_URI point at (seeded). This process opens 100
`events` subscriptions over graphql-transport-ws as Thamesgate's partner, registers a webhook
for Thamesgate pointing at a receiver it serves itself, then sends mutations one at a time (a
proposal from Thamesgate, then its decline: two events each) with a pause between. For each
event it records, at every subscriber and at the receiver, the time from the mutation's answer
(the client's proof that it committed) to the event's arrival. Bounded: `--mutations` requests,
all on the loopback.

    HUB_HOME=$PWD/.hub/bench HUB_NEO4J_BOLT_PORT=7737 .venv/bin/hub db start && \\
    HUB_HOME=$PWD/.hub/bench .venv/bin/hub seed && \\
    HUB_HOME=$PWD/.hub/bench .venv/bin/python -m bench.events
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from websockets.asyncio.client import ClientConnection, connect

from bench.servers import run_header, start_hub
from hub.db.connect import open_database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.settings import Settings

RESULTS = Path(__file__).parent / "results"
THAMESGATE = to_global_id("Institution", "thamesgate-bank")
LIANYU = to_global_id("TechEnterprise", "lianyu-data")
SUBSCRIBE = "subscription { events { id type subjectId } }"
PROPOSE = (
    "mutation($p: ID!, $r: ID!, $t: String!) { proposePartnership(input: {proposerId: $p, recipientId: $r, "
    "title: $t}) { partnership { id } userErrors { message } } }"
)
DECLINE = """mutation($id: ID!) { declinePartnership(input: {id: $id}) { userErrors { message } } }"""
REGISTER = (
    "mutation($o: ID!, $url: String!) { registerWebhook(input: {organisationId: $o, url: $url}) "
    "{ webhook { id } userErrors { message } } }"
)


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}
    cut = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else [ordered[0]] * 99
    return {
        "count": len(ordered),
        "p50_ms": round(cut[49] * 1000, 1),
        "p99_ms": round(cut[98] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def _keys() -> tuple[str, str]:
    db = open_database(Settings())
    try:
        keys = ApiKeys(db)
        admin = (await keys.create(Role.ADMIN, None, "bench events")).key
        partner = (await keys.create(Role.PARTNER, "thamesgate-bank", "bench events")).key
        return admin, partner
    finally:
        await db.close()


async def _subscribe(url: str, token: str) -> ClientConnection:
    socket_ = await connect(
        url.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"]
    )  # type: ignore[list-item]
    await socket_.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    )
    assert json.loads(await socket_.recv())["type"] == "connection_ack"
    await socket_.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
    return socket_


async def _listen(socket_: ClientConnection, arrivals: dict[tuple[str, str], list[float]]) -> None:
    async for raw in socket_:
        message = json.loads(raw)
        if message.get("type") == "next":
            event = message["payload"]["data"]["events"]
            arrivals.setdefault((event["type"], event["subjectId"]), []).append(time.perf_counter())


async def run(
    mutations: int, subscribers: int, workers: int, pause: float, worker_poll: float
) -> dict[str, Any]:
    admin, partner = await _keys()
    hub, url = start_hub(workers=workers)
    worker = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("hub")),
        "worker",
        env={**os.environ, "HUB_WEBHOOK_POLL_SECONDS": str(worker_poll)},
    )
    at_subscribers: dict[tuple[str, str], list[float]] = {}
    at_receiver: dict[tuple[str, str], list[float]] = {}

    async def hook(request: Request) -> Response:
        body = json.loads(await request.body())
        key = (body["type"], body["data"]["subjectId"])
        at_receiver.setdefault(key, []).append(time.perf_counter())
        return Response(status_code=204)

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    receiver = uvicorn.Server(
        uvicorn.Config(
            Starlette(routes=[Route("/hook", hook, methods=["POST"])]), log_level="warning", lifespan="off"
        )
    )
    serving = asyncio.create_task(receiver.serve(sockets=[sock]))
    committed: dict[tuple[str, str], float] = {}
    sockets: list[ClientConnection] = []
    listeners: list[asyncio.Task[None]] = []
    try:
        async with httpx.AsyncClient(
            base_url=url, headers={"Authorization": f"Bearer {admin}"}, timeout=30
        ) as http:
            hook_url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
            registered = (
                await http.post(
                    "/graphql", json={"query": REGISTER, "variables": {"o": THAMESGATE, "url": hook_url}}
                )
            ).json()
            assert registered["data"]["registerWebhook"]["webhook"], registered
            sockets = [await _subscribe(url, partner) for _ in range(subscribers)]
            listeners = [asyncio.create_task(_listen(s, at_subscribers)) for s in sockets]
            await asyncio.sleep(1)
            for i in range(mutations // 2):
                answer = (
                    await http.post(
                        "/graphql",
                        json={
                            "query": PROPOSE,
                            "variables": {"p": THAMESGATE, "r": LIANYU, "t": f"bench {i}"},
                        },
                    )
                ).json()
                committed_at = time.perf_counter()
                partnership = answer["data"]["proposePartnership"]["partnership"]["id"]
                committed[("partnership.proposed", partnership)] = committed_at
                await asyncio.sleep(pause)
                await http.post("/graphql", json={"query": DECLINE, "variables": {"id": partnership}})
                committed[("partnership.declined", partnership)] = time.perf_counter()
                await asyncio.sleep(pause)
            for _ in range(300):  # at most 30 s for the last events to arrive
                everywhere = len(at_receiver) >= len(committed) and (
                    sum(len(v) for v in at_subscribers.values()) >= len(committed) * subscribers
                )
                if everywhere:
                    break
                await asyncio.sleep(0.1)
    finally:
        for task in listeners:
            task.cancel()
        for s in sockets:
            await s.close()
        receiver.should_exit = True
        await serving
        worker.terminate()
        await asyncio.wait_for(worker.wait(), 30)
        hub.terminate()
        hub.wait(30)
    to_subscriber = [t - committed[k] for k, times in at_subscribers.items() if k in committed for t in times]
    to_receiver = [times[0] - committed[k] for k, times in at_receiver.items() if k in committed]
    duplicates = sum(len(times) - 1 for times in at_receiver.values())
    return {
        **run_header(),
        "setup": {
            "hub_workers": workers,
            "subscriptions": subscribers,
            "events": len(committed),
            "pause_s": pause,
            "event_poll_s": Settings().event_poll_seconds,
            "webhook_worker_poll_s": worker_poll,
        },
        "subscriber": _percentiles(to_subscriber),
        "subscriber_missing": len(committed) * subscribers - len(to_subscriber),
        "webhook": _percentiles(to_receiver),
        "webhook_missing": len(committed) - len(to_receiver),
        "webhook_duplicates": duplicates,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mutations", type=int, default=60)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pause", type=float, default=0.2)
    parser.add_argument("--worker-poll", type=float, default=1.0)
    parser.add_argument("--output", default="events.json", help="file name under bench/results/")
    args = parser.parse_args()
    result = asyncio.run(run(args.mutations, args.subscribers, args.workers, args.pause, args.worker_poll))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
