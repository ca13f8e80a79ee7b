"""Overload: many clients on few keys, mixed reads, against the hub served by uvicorn.

200 clients (closed loops: send, wait for the answer, send again) on 40 API keys, one of which is
greedy (it has 80 of the clients), send a mix of portal and analyst reads for a fixed time to the
hub in its own uvicorn process on 127.0.0.1. A client told 503 or 429 waits what `Retry-After`
says (plus up to a second of jitter), as a well-behaved client does. Recorded: the latency of
admitted requests (p50, p99), the time to refuse a shed one (503), the counts of admitted, shed,
rate-limited (429) and timed-out requests (the hub's TIMEOUT, or no answer within 15 s), and
the busiest key's share of what was admitted.

The load generator is this process: plain asyncio streams speaking HTTP/1.1 over keep-alive
connections (cheaper per request than an HTTP client library, on the same 2 cores as the hub); its own CPU
time is recorded beside the hub's.

    HUB_HOME=$PWD/.hub/bench HUB_NEO4J_BOLT_PORT=7737 .venv/bin/hub db start && \\
    HUB_HOME=$PWD/.hub/bench .venv/bin/hub seed && \\
    HUB_HOME=$PWD/.hub/bench .venv/bin/python -m bench.overload

On a machine shared with other jobs, give the run a larger CPU share first (as root; Linux shares
the CPU between sessions): `echo -10 > /proc/self/autogroup`, and the same for Neo4j's process.
The results record the share this script ran with.

`--config NAME:VAR=VALUE,...` runs the load once per configuration (hub settings as environment
variables). By default: admission off (for comparison), the defaults, and the defaults with 2, 8
and 16 operations in flight (the queue twice that): the measurement the defaults were chosen from.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.compare import pick_target
from bench.operations import OPERATIONS, Target
from bench.servers import run_header, start_hub
from hub.db.connect import open_database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.settings import Settings

RESULTS = Path(__file__).parent / "results"
CLIENT_TIMEOUT = 15.0  # seconds: the hub's operation timeout (10 s) and some

ANALYST_READS = [
    (
        "neighbourhood depth 2",
        "query($id: ID!) { neighbourhood(id: $id, depth: 2, maxNodes: 100) { truncated nodes { id } "
        "edges { source target } } }",
        lambda t: {"id": to_global_id("Institution", t.institution)},
    ),
    (
        "recommended tech partners",
        "query($id: ID!) { recommendedTechPartners(institutionId: $id, first: 5) { score "
        "candidate { name } reasons { kind detail } } }",
        lambda t: {"id": to_global_id("Institution", t.institution)},
    ),
]


def mix(target: Target) -> list[tuple[str, dict[str, Any]]]:
    """The reads the clients choose from, evenly: the side-by-side benchmark's reads and two analyst reads."""
    reads = [(op.name, op.hub, op.hub_vars) for op in OPERATIONS if not op.mutation]
    return [
        (name, {"query": query, "variables": vars_(target)}) for name, query, vars_ in reads + ANALYST_READS
    ]


@dataclass(slots=True)
class Sample:
    at: float  # seconds since the load began
    seconds: float
    status: int  # 0: no answer within CLIENT_TIMEOUT
    key: int
    operation: str
    timed_out: bool  # the hub answered TIMEOUT, or nothing came
    errors: bool
    waited: bool = False  # shed after waiting in the queue (not at the door)


def _request(path: str, body: bytes, key: str) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _answer(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


class Load:
    def __init__(self, url: str, keys: list[str], requests: list[tuple[str, dict[str, Any]]]) -> None:
        self.host, port = url.removeprefix("http://").split(":")
        self.port = int(port)
        self.keys = keys
        # Every request prepared once, per key and operation: the generator only writes bytes.
        self.prepared = [
            [(name, _request("/graphql", json.dumps(payload).encode(), key)) for name, payload in requests]
            for key in keys
        ]
        self.samples: list[Sample] = []
        self.health: list[tuple[float, float, int]] = []  # at, seconds, status

    async def client(self, key: int, started: float, until: float, rnd: random.Random) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            while (now := time.perf_counter()) < until:
                name, request = rnd.choice(self.prepared[key])
                writer.write(request)
                try:
                    async with asyncio.timeout(CLIENT_TIMEOUT):
                        status, headers, body = await _answer(reader)
                except TimeoutError:
                    self.samples.append(Sample(now - started, CLIENT_TIMEOUT, 0, key, name, True, True))
                    writer.close()
                    reader, writer = await asyncio.open_connection(self.host, self.port)
                    continue
                seconds = time.perf_counter() - now
                timed_out = b'"TIMEOUT"' in body
                errors = b'"errors"' in body
                waited = status == 503 and b"no slot freed" in body
                self.samples.append(
                    Sample(now - started, seconds, status, key, name, timed_out, errors, waited)
                )
                if status in {429, 503}:
                    await asyncio.sleep(int(headers.get("retry-after", "1")) + rnd.random())
        finally:
            writer.close()

    async def run(self, clients: int, greedy: int, seconds: float, seed: int) -> None:
        """`greedy` clients on the first key, the others spread over the rest."""
        owners = [0] * greedy + [1 + i % (len(self.keys) - 1) for i in range(clients - greedy)]
        rnd = random.Random(seed)
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(
            self.probe(started, until),
            *(self.client(k, started, until, random.Random(rnd.random())) for k in owners),
        )

    async def probe(self, started: float, until: float) -> None:
        """GET /healthz five times a second: never shed, so its latency is the hub's own delay
        in reaching any request (its event loop's lag), which a refusal cannot beat either."""
        reader, writer = await asyncio.open_connection(self.host, self.port)
        request = b"GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n"
        try:
            while (now := time.perf_counter()) < until:
                writer.write(request)
                status, _, _ = await _answer(reader)
                self.health.append((now - started, time.perf_counter() - now, status))
                await asyncio.sleep(0.2)
        finally:
            writer.close()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _ms(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"n": 0, "p50": None, "p99": None, "max": None}
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered) * 1000,
        "p99": p99 * 1000,
        "max": ordered[-1] * 1000,
    }


def summarise(samples: list[Sample], warmup: float, seconds: float) -> dict[str, Any]:
    measured = [s for s in samples if s.at >= warmup]
    admitted = [s for s in measured if s.status == 200]
    shed = [s for s in measured if s.status == 503]
    per_key = Counter(s.key for s in admitted)
    first_429 = min((s.at for s in samples if s.key == 0 and s.status == 429), default=None)
    before = [s for s in samples if s.status == 200 and (first_429 is None or s.at < first_429)]
    window = seconds - warmup
    return {
        "admitted": len(admitted),
        "admitted per second": len(admitted) / window,
        "admitted latency ms": _ms([s.seconds for s in admitted]),
        "shed (503)": len(shed),
        "time to refuse ms": _ms([s.seconds for s in shed]),
        "time to refuse at the door ms": _ms([s.seconds for s in shed if not s.waited]),
        "shed after waiting in the queue": sum(s.waited for s in shed),
        "rate limited (429)": sum(s.status == 429 for s in measured),
        "timeouts": sum(s.timed_out for s in measured),
        "no answer": sum(s.status == 0 for s in measured),
        "other statuses": dict(Counter(s.status for s in measured if s.status not in {0, 200, 429, 503})),
        "admitted with errors": sum(s.errors for s in admitted),
        "busiest key share": max(per_key.values()) / len(admitted) if admitted else None,
        "busiest key": per_key.most_common(1)[0][0] if per_key else None,
        "greedy key share": per_key[0] / len(admitted) if admitted else None,
        "greedy key share before its first 429": (
            sum(s.key == 0 for s in before) / len(before) if before else None
        ),
        "greedy key first 429 at s": first_429,
        "admitted ms per operation": {
            name: _ms([s.seconds for s in admitted if s.operation == name])["p99"]
            for name in sorted({s.operation for s in admitted})
        },
    }


async def _issue(count: int) -> list[tuple[str, str]]:
    db = open_database(Settings())
    try:
        keys = ApiKeys(db)
        issued = [await keys.create(Role.ANALYST, None, f"bench: overload {i}") for i in range(count)]
    finally:
        await db.close()
    return [(k.key_id, k.key) for k in issued]


async def _revoke(key_ids: list[str]) -> None:
    db = open_database(Settings())
    try:
        for key_id in key_ids:
            await ApiKeys(db).revoke(key_id)
    finally:
        await db.close()


def run_once(
    env: dict[str, str], keys: list[str], requests: list[tuple[str, dict[str, Any]]], args: argparse.Namespace
) -> dict[str, Any]:
    load_before = os.getloadavg()
    server, url = start_hub(workers=args.workers, **env)
    try:
        load = Load(url, keys, requests)
        hub_cpu = _cpu_seconds(server.pid)
        own = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        asyncio.run(load.run(args.clients, args.greedy, args.seconds, args.seed))
        wall = time.perf_counter() - started
        own_after = resource.getrusage(resource.RUSAGE_SELF)
        hub_cpu = _cpu_seconds(server.pid) - hub_cpu
    finally:
        server.terminate()
        server.wait(timeout=30)
    summary = summarise(load.samples, args.warmup, args.seconds)
    generator_cpu = (own_after.ru_utime - own.ru_utime) + (own_after.ru_stime - own.ru_stime)
    health = [h for h in load.health if h[0] >= args.warmup]
    return {
        **summary,
        "healthz ms": _ms([seconds for _, seconds, _ in health]),
        "healthz not 200": sum(status != 200 for _, _, status in health),
        "wall s": wall,
        "hub CPU (share of one core)": hub_cpu / wall if args.workers == 1 else None,
        "load generator CPU (share of one core)": generator_cpu / wall,
        "load average before (1, 5, 15 min)": load_before,
    }


def _parse_config(text: str) -> tuple[str, dict[str, str]]:
    name, _, assignments = text.partition(":")
    env = dict(a.split("=", 1) for a in assignments.split(",") if a)
    return name, env


OFF = {"HUB_MAX_IN_FLIGHT": "100000", "HUB_ADMISSION_QUEUE": "0"}
DEFAULT_CONFIGS: list[tuple[str, dict[str, str]]] = [
    ("admission off", OFF),
    ("2 in flight", {"HUB_MAX_IN_FLIGHT": "2", "HUB_ADMISSION_QUEUE": "4"}),
    ("defaults", {}),
    ("8 in flight", {"HUB_MAX_IN_FLIGHT": "8", "HUB_ADMISSION_QUEUE": "16"}),
    ("16 in flight", {"HUB_MAX_IN_FLIGHT": "16", "HUB_ADMISSION_QUEUE": "32"}),
]
GOALS = "admitted p99 under 1 s, a shed request refused in under 50 ms (p99), no timeouts"


def _goals(r: dict[str, Any]) -> str:
    p99, refusal = r["admitted latency ms"]["p99"], r["time to refuse ms"]["p99"]
    met = [
        p99 is not None and p99 < 1000,
        refusal is not None and refusal < 50,
        r["timeouts"] == 0,
    ]
    return ", ".join(
        f"{what}: {'met' if ok else 'missed'}"
        for what, ok in zip(("p99 under 1 s", "refusal under 50 ms", "no timeouts"), met, strict=True)
    )


def _row(name: str, env: dict[str, str], r: dict[str, Any]) -> str:
    def f(value: float | None, digits: int = 0) -> str:
        return "-" if value is None else f"{value:,.{digits}f}"

    def share(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.1f} %"

    a, s = r["admitted latency ms"], r["time to refuse ms"]
    settings = ", ".join(f"{k.removeprefix('HUB_')}={v}" for k, v in env.items()) or "defaults"
    return (
        f"| {name} | {settings} | {f(r['admitted per second'])} | {f(a['p50'])} | **{f(a['p99'])}** | "
        f"{r['admitted']:,} | {r['shed (503)']:,} ({r['shed after waiting in the queue']:,}) | {f(s['p50'], 1)} | **{f(s['p99'], 1)}** | "
        f"{r['rate limited (429)']:,} | **{r['timeouts']:,}** | {share(r['greedy key share before its first 429'])} | "
        f"{share(r['busiest key share'])} | {f(r['healthz ms']['p99'], 1)} | {f(r['hub CPU (share of one core)'], 2)} | "
        f"{f(r['load generator CPU (share of one core)'], 2)} |"
    )


def write_results(report: dict[str, Any], name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    a = report["arguments"]
    lines = [
        f"# Overload: {a['clients']} clients on {a['keys']} keys ({report['when']})",
        "",
        f"Graph: {report['graph']['organisations']:,} organisations, {report['graph']['partnerships']:,} "
        f"partnerships. Machine: {report['machine']['cpus']} cores shared with Neo4j (and with whatever "
        f"else ran; load average before each run is in the JSON), Python {report['machine']['python']}. "
        f"The hub: {a['workers']} uvicorn worker(s), started by bench/servers.py. Reproduce: "
        "`python -m bench.overload` (its docstring has the commands).",
        "",
        f"Load: {a['clients']} closed-loop clients for {a['seconds']:.0f} s each run (the first "
        f"{a['warmup']:.0f} s not counted), {a['greedy']} of them on one greedy key and the rest spread "
        f"over {a['keys'] - 1} keys, each choosing evenly among {len(report['operations'])} reads: "
        + "; ".join(report["operations"])
        + ". A client told 503 or 429 waits `Retry-After` plus up to 1 s. Generated by this script's "
        "own asyncio HTTP/1.1 client, in the same machine (its CPU is in the last column).",
        "",
        "| run | settings | admitted/s | admitted p50 ms | admitted p99 ms | admitted | shed (503) (of which after waiting) | "
        "refusal p50 ms | refusal p99 ms | 429 | timeouts | greedy key's share before its first 429 | "
        "busiest key's share | /healthz p99 ms | hub CPU (cores) | load generator CPU (cores) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in report["runs"]:
        lines.append(_row(run["name"], run["env"], run["result"]))
    defaults = ", ".join(f"{k.removeprefix('HUB_')}={v}" for k, v in report["defaults"].items())
    lines += ["", f"Defaults: {defaults}. Goals ({GOALS}):", ""]
    lines += [f"- {run['name']}: {_goals(run['result'])}" for run in report["runs"]]
    lines += [
        "",
        f"Scheduling: this script and the hub it starts ran in autogroup `{report['scheduling']}` "
        "(Linux gives each session's group a fair share of the CPU; a negative nice raises it, which "
        "keeps other jobs on a shared machine from dominating the measurement). Load average before "
        "each run: "
        + "; ".join(
            f"{run['name']} {run['result']['load average before (1, 5, 15 min)'][0]:.1f}"
            for run in report["runs"]
        )
        + ".",
        *report.get("notes", []),
    ]
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--greedy", type=int, default=80, help="clients on the first key")
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--name", default="overload")
    parser.add_argument("--note", action="append", default=[], help="a paragraph for the results")
    parser.add_argument(
        "--config",
        action="append",
        help="NAME:HUB_VAR=VALUE,... (repeatable); default: the defaults, then admission off",
    )
    args = parser.parse_args()
    if not 0 < args.greedy < args.clients or args.keys < 2 or args.seconds > 120 or args.clients > 1000:
        raise SystemExit("need 0 < greedy < clients <= 1000, at least 2 keys and at most 120 s per run")
    configs = [_parse_config(c) for c in args.config or []] or DEFAULT_CONFIGS
    target, size = asyncio.run(pick_target(Settings()))
    requests = mix(target)
    issued = asyncio.run(_issue(args.keys))
    runs = []
    try:
        for name, env in configs:
            print(
                f"{name} ({env or 'defaults'}): {args.clients} clients for {args.seconds:.0f} s ...",
                flush=True,
            )
            result = run_once(env, [k for _, k in issued], requests, args)
            a = result["admitted latency ms"]
            print(
                f"  admitted {result['admitted']:,} ({result['admitted per second']:.0f}/s), p99 {a['p99']} ms; "
                f"shed {result['shed (503)']:,}, refusal p99 {result['time to refuse ms']['p99']} ms; "
                f"429 {result['rate limited (429)']:,}; timeouts {result['timeouts']}; "
                f"greedy share before 429 {result['greedy key share before its first 429']}",
                flush=True,
            )
            runs.append({"name": name, "env": env, "result": result})
    finally:
        asyncio.run(_revoke([key_id for key_id, _ in issued]))
    defaults = Settings()
    report = {
        **run_header(),
        "graph": size,
        "arguments": vars(args),
        "defaults": {
            "HUB_MAX_IN_FLIGHT": defaults.max_in_flight,
            "HUB_ADMISSION_QUEUE": defaults.admission_queue,
            "HUB_ADMISSION_WAIT_MS": defaults.admission_wait_ms,
            "HUB_KEY_SHARE": defaults.key_share,
            "HUB_RATE_LIMIT_POINTS_PER_MINUTE": defaults.rate_limit_points_per_minute,
        },
        "operations": [name for name, _ in requests],
        "scheduling": Path("/proc/self/autogroup").read_text().strip()
        if Path("/proc/self/autogroup").exists()
        else "unknown",
        "runs": runs,
        "notes": ["", *args.note] if args.note else [],
    }
    write_results(report, args.name)
    print(f"wrote bench/results/{args.name}.md and .json")


if __name__ == "__main__":
    main()
