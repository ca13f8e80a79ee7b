"""Side by side: the hub, the Neo4j GraphQL Library 7 (the peer, under Apollo Server) and the raw
Cypher round trip (the floor), on the same Neo4j database, in one run.

For each operation of bench/operations.py it first proves the three return the same data, then
drives each at fixed concurrency levels with a load generator in its own process (wrk for the two
GraphQL servers, bench/floor_load.py for the floor), alternating hub and peer round by round so
drift of the machine falls on both alike. It records throughput, p50 and p99 latency, the ratios
hub/peer and hub/floor, and the memory of both servers. Results go to bench/results/ as Markdown
and JSON (and a PNG chart, bench/chart.py).

Equal footing: the peer runs as many Node processes (the `cluster` module, one port) as the hub has
uvicorn workers, so neither gets more cores. Before the load the peer must answer from that many
distinct processes; over the load, the CPU time of every process of both sides is recorded, so the
tables show how each side spread its work.

    HUB_HOME=$PWD/.hub/bench-seed .venv/bin/python -m bench.compare --graph seed
bench/run.sh runs the whole comparison on the seed graph and on 100,000 organisations.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import processes
from bench.cursors import deep_page_cursors
from bench.operations import OPERATIONS, Operation, Target
from bench.servers import free_port, issue_key, revoke_key, start_hub
from hub.db.connect import connection_for, open_database
from hub.domain.enums import Role
from hub.settings import Settings

BENCH = Path(__file__).parent
RESULTS = BENCH / "results"
PEER = BENCH / "peer"


def _wait(url: str, what: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        try:
            httpx.post(url, json={"query": "{ __typename }"}, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not answer at {url}")


def start_peer(settings: Settings, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    if not (PEER / "node_modules").exists():
        print("installing the peer (npm ci, pinned by bench/peer/package-lock.json) ...", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PEER, check=True)
    c = connection_for(settings)
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": c.uri,
        "NEO4J_USER": c.user,
        "NEO4J_PASSWORD": c.password,
        "NEO4J_DATABASE": c.database,
        "PORT": str(port),
        "NODE_ENV": "production",
        "PEER_WORKERS": str(workers),
    }
    process = subprocess.Popen(["node", "server.mjs"], cwd=PEER, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    _wait(url, "the peer", process)
    check_peer_spread(url, workers, process)
    return process, url


def check_peer_spread(url: str, workers: int, process: subprocess.Popen[bytes]) -> None:
    """The peer answers from `workers` distinct processes of its own (each request on a new
    connection, as the cluster's primary hands connections to its workers in turn)."""
    expected = set(processes.tree(process.pid)[1:]) if workers > 1 else {process.pid}
    seen: set[int] = set()
    for _ in range(100):
        response = httpx.post(url, json={"query": "{ __typename }"}, timeout=10)
        seen.add(int(response.headers["x-peer-pid"]))
        if len(seen) == workers:
            break
    if seen != expected or len(seen) != workers:
        raise SystemExit(
            f"the peer should answer from {workers} processes {sorted(expected)}, not {sorted(seen)}"
        )
    print(f"peer: {workers} Node process(es) answering: {sorted(seen)}", flush=True)


async def pick_target(settings: Settings) -> tuple[Target, dict[str, int]]:
    db = open_database(settings)
    try:
        size = (
            await db.read(
                "MATCH (o:Organisation) WITH count(o) AS organisations "
                "MATCH (p:Partnership) RETURN organisations, count(p) AS partnerships"
            )
        )[0]
        institution = await db.read(
            "MATCH (i:Institution) WITH i, COUNT { (i)-[:PARTY_TO]->() } AS n "
            "ORDER BY n DESC, i.id LIMIT 1 RETURN i.id AS id"
        )
        capability = await db.read(
            "MATCH (c:Capability) WITH c, COUNT { (c)<-[:OFFERS]-() } AS n "
            "ORDER BY n DESC, c.id LIMIT 1 RETURN c.id AS id"
        )
    finally:
        await db.close()
    return Target(institution[0]["id"], capability[0]["id"]), size


def _post(url: str, query: str, variables: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = httpx.post(
        url, json={"query": query, "variables": variables}, headers=headers, timeout=60
    ).json()
    if body.get("errors"):
        raise SystemExit(f"GraphQL errors: {body['errors']}")
    return body["data"]  # type: ignore[no-any-return]


async def with_cursors(
    settings: Settings, target: Target, hub: str, peer: str, auth: dict[str, str]
) -> Target:
    """`target` with each side's own cursor for the deep page (bench/cursors.py)."""
    db = open_database(settings)
    try:
        async with httpx.AsyncClient(timeout=60) as client:

            async def post(url: str, headers: dict[str, str], query: str, variables: dict[str, Any]) -> Any:
                body = (
                    await client.post(url, json={"query": query, "variables": variables}, headers=headers)
                ).json()
                if body.get("errors"):
                    raise SystemExit(f"GraphQL errors: {body['errors']}")
                return body["data"]

            return await deep_page_cursors(
                target,
                hub=lambda q, v: post(hub, auth, q, v),
                peer=lambda q, v: post(peer, {}, q, v),
                floor=lambda c, p: db.read(c, **p),  # type: ignore[arg-type]
            )
    finally:
        await db.close()


async def _floor_rows(settings: Settings, op: Operation, target: Target) -> list[dict[str, Any]]:
    db = open_database(settings)
    try:
        run = db.write if op.mutation else db.read
        return await run(op.cypher, **op.cypher_params(target))  # type: ignore[arg-type]
    finally:
        await db.close()


def check_equal(
    settings: Settings, hub: str, peer: str, auth: dict[str, str], target: Target
) -> dict[str, bool]:
    """Each operation's three answers, reduced to one canonical form, must be equal."""
    equal = {}
    for op in OPERATIONS:
        from_hub = op.hub_canon(_post(hub, op.hub, op.hub_vars(target), auth))
        from_peer = op.peer_canon(_post(peer, op.peer, op.peer_vars(target), {}))
        from_floor = op.cypher_canon(asyncio.run(_floor_rows(settings, op, target)))
        equal[op.name] = from_hub == from_peer == from_floor
        verdict = "same data" if equal[op.name] else "DIFFERENT"
        print(f"  {op.name}: {verdict}", flush=True)
        if not equal[op.name]:
            print(
                f"    hub:   {str(from_hub)[:400]}\n    peer:  {str(from_peer)[:400]}\n    floor: {str(from_floor)[:400]}"
            )
    return equal


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def wrk(url: str, body: dict[str, Any], auth: str, concurrency: int, seconds: float) -> dict[str, float]:
    script = f"BODY = {_lua_string(json.dumps(body))}\nAUTH = {_lua_string(auth)}\n"
    script += (BENCH / "wrk.lua").read_text()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        threads = min(concurrency, 2)
        command = [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(concurrency),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "30s",
        ]
        out = subprocess.run([*command, "-s", f.name, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def floor(op: Operation, target: Target, concurrency: int, seconds: float) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.floor_load", "--op", op.name, "--concurrency", str(concurrency)]
    command += ["--seconds", str(seconds), "--target", json.dumps(target.to_json())]
    done = subprocess.run(command, capture_output=True, text=True, cwd=BENCH.parent)
    if done.returncode != 0:
        raise SystemExit(f"the floor's load failed ({op.name} @{concurrency}):\n{done.stderr}")
    if done.stderr.strip():
        print(f"    floor: {done.stderr.strip()[:300]}", flush=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


_OTHER_TRANSACTIONS = (
    "SHOW TRANSACTIONS YIELD currentQuery WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' "
    "RETURN count(*) AS running"
)


async def _drain(settings: Settings, limit: float = 120.0) -> float:
    """Waits until Neo4j runs nothing: when wrk stops, the statements of requests still in flight
    go on in the database and would load the next side's run. Returns the seconds waited."""
    db = open_database(settings)
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < limit:
            if (await db.read(_OTHER_TRANSACTIONS))[0]["running"] == 0:
                break
            await asyncio.sleep(0.1)
    finally:
        await db.close()
    return time.perf_counter() - started


def drain(settings: Settings) -> None:
    """Before each run: Neo4j has finished the last run's statements, and the machine is idle."""
    waited = asyncio.run(_drain(settings))
    if waited > 1:
        print(f"    (waited {waited:.1f} s for Neo4j to finish the last run's statements)", flush=True)
    idle = processes.wait_until_idle()
    if idle > 1:
        print(f"    (waited {idle:.1f} s for the machine's CPU to be idle)", flush=True)


def _role(index: int, pid: int, supervised: bool) -> str:
    """With workers, the first process is their supervisor (uvicorn's main process, the Node
    cluster's primary) and Python's multiprocessing adds a resource tracker: neither serves."""
    if supervised and index == 0:
        return "supervisor"
    return "helper" if "resource_tracker" in processes.command(pid) else "worker"


def _cpu_by_process(before: dict[int, float], pids: list[int], supervised: bool) -> list[dict[str, Any]]:
    """CPU seconds each process of a side spent since `before`, and what it is."""
    after = processes.cpu_seconds(pids)
    return [
        {
            "pid": pid,
            "role": _role(i, pid, supervised),
            "cpu_seconds": round(after.get(pid, 0.0) - before.get(pid, 0.0), 2),
            "command": processes.command(pid)[:120],
        }
        for i, pid in enumerate(pids)
    ]


def _ratio(a: float, b: float) -> float | None:
    """a/b, or None when b is 0 (no request finished within the run)."""
    return a / b if b else None


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _merge(runs: list[dict[str, float]]) -> dict[str, float]:
    """Rounds of one side: requests and time add up; latencies are averaged over rounds. The
    throughput counts only answers without errors: a refusal is not a served request."""
    requests = sum(r["requests"] for r in runs)
    ok = sum(r["ok"] for r in runs)
    seconds = sum(r["seconds"] for r in runs)
    return {
        "requests": requests,
        "ok": ok,
        "rps": ok / seconds,
        "p50_ms": sum(r["p50_ms"] for r in runs) / len(runs),
        "p99_ms": sum(r["p99_ms"] for r in runs) / len(runs),
        "errors": sum(r["errors"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--graph", required=True, help="a name for the graph, used in the file names")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one load run")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per measurement")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument(
        "--warm-up", type=float, default=2.0, help="seconds each side runs an operation unmeasured first"
    )
    parser.add_argument("--hub-workers", type=int, default=2)
    parser.add_argument(
        "--peer-workers",
        type=int,
        default=None,
        help="Node processes of the peer (default: as many as the hub's)",
    )
    parser.add_argument("--only", default="", help="comma-separated operation names (default: all)")
    parser.add_argument("--render", action="store_true", help="only rewrite the Markdown from the JSON")
    args = parser.parse_args()
    if args.render:
        saved = json.loads((RESULTS / f"compare-{args.graph}.json").read_text())
        ops = [o for o in OPERATIONS if o.name in saved["operations"]]
        (RESULTS / f"compare-{args.graph}.md").write_text(markdown(saved, ops))
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk (bench/run.sh does)")
    levels = [int(c) for c in args.concurrency.split(",")]
    peer_workers = args.peer_workers or args.hub_workers
    chosen = [o for o in OPERATIONS if not args.only or o.name in args.only.split(",")]

    settings = Settings()
    target, size = asyncio.run(pick_target(settings))
    key = asyncio.run(issue_key(Role.ADMIN, "bench: compare"))
    auth = f"Bearer {key.key}"
    print(
        f"graph {args.graph}: {size['organisations']:,} organisations, {size['partnerships']:,} partnerships"
    )
    # Throughput is the subject here, not abuse: the per-caller rate limit is lifted, and
    # admission control (hub/admission.py, 4 operations in flight per worker by default) admits
    # every connection of the load, as the peer, which has no such control, does; what shedding
    # does under overload is bench/overload.py's subject.
    hub, base = start_hub(
        args.hub_workers,
        HUB_RATE_LIMIT_POINTS_PER_MINUTE=str(10**9),
        HUB_MAX_IN_FLIGHT=str(max(levels)),
        HUB_ADMISSION_QUEUE=str(max(levels)),
    )
    hub_url = base + "/graphql"
    peer, peer_url = start_peer(settings, peer_workers)
    results: dict[str, Any] = {}
    try:
        target = asyncio.run(with_cursors(settings, target, hub_url, peer_url, {"Authorization": auth}))
        print(f"deep page: page {target.deep_page}, each side's cursor found by walking the pages before it")
        print("same data?", flush=True)
        equal = check_equal(settings, hub_url, peer_url, {"Authorization": auth}, target)
        hub_pids, peer_pids = processes.tree(hub.pid), processes.tree(peer.pid)
        hub_workers = [p for i, p in enumerate(hub_pids) if _role(i, p, args.hub_workers > 1) == "worker"]
        if len(hub_workers) != args.hub_workers:
            raise SystemExit(f"the hub should run {args.hub_workers} workers, not {hub_workers}")
        cpu_before = processes.cpu_seconds(hub_pids + peer_pids)
        for op in chosen:
            results[op.name] = {"same data": equal[op.name], "levels": {}}
            # Each side runs the operation unmeasured first (Neo4j plans and warms its statements,
            # Python and Node their code paths): otherwise the first cell of an operation, at one
            # connection, measured the warm-up of whichever side ran first.
            warm = {
                "hub": (hub_url, op.hub, op.hub_vars(target), auth),
                "peer": (peer_url, op.peer, op.peer_vars(target), ""),
            }
            for url, text, variables, header in warm.values():
                drain(settings)
                wrk(url, {"query": text, "variables": op.load_vars(variables)}, header, 4, args.warm_up)
            drain(settings)
            floor(op, target, 4, args.warm_up)
            for c in levels:
                runs: dict[str, list[dict[str, float]]] = {"hub": [], "peer": [], "floor": []}
                for r in range(args.rounds):
                    order = ["hub", "peer"] if r % 2 == 0 else ["peer", "hub"]
                    for side in order:
                        drain(settings)
                        if side == "hub":
                            body = {"query": op.hub, "variables": op.load_vars(op.hub_vars(target))}
                            runs["hub"].append(wrk(hub_url, body, auth, c, args.seconds))
                        else:
                            body = {"query": op.peer, "variables": op.load_vars(op.peer_vars(target))}
                            runs["peer"].append(wrk(peer_url, body, "", c, args.seconds))
                        runs[side][-1]["ended"] = time.time()
                    drain(settings)
                    runs["floor"].append(floor(op, target, c, args.seconds))
                    runs["floor"][-1]["ended"] = time.time()
                level: dict[str, Any] = {side: _merge(rs) for side, rs in runs.items()}
                # Each round's own figures too: a round disturbed by something else shows here.
                level["rounds"] = {
                    side: [
                        {
                            "rps": round(r["rps"], 1),
                            "p50_ms": round(r["p50_ms"], 3),
                            "ended": round(r["ended"], 1),
                        }
                        for r in rs
                    ]
                    for side, rs in runs.items()
                }
                # The machine's 1-minute load average as the cell ends: other work on a shared
                # machine shows here, and a cell measured under it is noisier.
                level["load average"] = round(os.getloadavg()[0], 1)
                h, p, f = level["hub"], level["peer"], level["floor"]
                level["ratios"] = {
                    "rps hub/peer": _ratio(h["rps"], p["rps"]),
                    "p50 hub/peer": _ratio(h["p50_ms"], p["p50_ms"]),
                    "p99 hub/peer": _ratio(h["p99_ms"], p["p99_ms"]),
                    "p50 hub/floor": _ratio(h["p50_ms"], f["p50_ms"]),
                }
                results[op.name]["levels"][str(c)] = level
                print(
                    f"  {op.name} @{c}: hub {h['rps']:.0f} req/s p50 {h['p50_ms']:.1f} ms | peer {p['rps']:.0f} "
                    f"req/s p50 {p['p50_ms']:.1f} ms | floor p50 {f['p50_ms']:.1f} ms | rps hub/peer "
                    f"{_fmt(level['ratios']['rps hub/peer'])}"
                    + (" ERRORS" if h["errors"] or p["errors"] else ""),
                    flush=True,
                )
        memory = {"hub": processes.memory_mib(hub_pids), "peer": processes.memory_mib(peer_pids)}
        cpu = {
            "hub": _cpu_by_process(cpu_before, hub_pids, args.hub_workers > 1),
            "peer": _cpu_by_process(cpu_before, peer_pids, peer_workers > 1),
        }
    finally:
        for process in (hub, peer):
            process.terminate()
            process.wait(timeout=30)
        asyncio.run(revoke_key(key.key_id))
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "graph": {"name": args.graph, **size},
        "target": target.to_json(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "versions": _versions(),
        "settings": {
            "seconds per run": args.seconds,
            "warm-up seconds per side and operation": args.warm_up,
            "rounds": args.rounds,
            "hub workers": args.hub_workers,
            "peer workers": peer_workers,
            "concurrency": levels,
        },
        "memory after the run": memory,
        "cpu seconds per process over the load runs": cpu,
        "operations": results,
    }
    RESULTS.mkdir(exist_ok=True)
    name = f"compare-{args.graph}"
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown(report, chosen))
    print(f"wrote bench/results/{name}.md and .json")


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    lock = json.loads((PEER / "package-lock.json").read_text())["packages"]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    return {
        "hub": version("fintech-hub"),
        "strawberry-graphql": version("strawberry-graphql"),
        "neo4j (Python driver)": version("neo4j"),
        "uvicorn": version("uvicorn"),
        "@neo4j/graphql": lock["node_modules/@neo4j/graphql"]["version"],
        "@apollo/server": lock["node_modules/@apollo/server"]["version"],
        "neo4j-driver (JavaScript)": lock["node_modules/neo4j-driver"]["version"],
        "node": node,
        "neo4j server": Settings().neo4j_version,
        "wrk": " ".join(wrk_version.split()[:2]),
    }


def _processes_line(report: dict[str, Any]) -> str:
    """How many processes each side served with, and the CPU time each spent under load."""
    s = report["settings"]
    hub, peer = s["hub workers"], s.get("peer workers", 1)  # results before the cluster: one Node process
    line = (
        f"**Processes: hub {hub} uvicorn worker{'s' if hub > 1 else ''}, peer {peer} Node "
        f"process{'es' if peer > 1 else ''}{' (cluster module, one port)' if peer > 1 else ''}.**"
    )
    cpu = report.get("cpu seconds per process over the load runs")
    if cpu:

        def side(rows: list[dict[str, Any]]) -> str:
            workers = " + ".join(f"{r['cpu_seconds']:.1f}" for r in rows if r["role"] == "worker")
            others = ", ".join(f"{r['role']} {r['cpu_seconds']:.1f}" for r in rows if r["role"] != "worker")
            return f"workers {workers} s" + (f" ({others} s)" if others else "")

        line += f" CPU time over the load runs: hub {side(cpu['hub'])}; peer {side(cpu['peer'])}."
    return line


def markdown(report: dict[str, Any], ops: list[Operation]) -> str:
    g = report["graph"]
    s = report["settings"]
    deep = report["target"].get("deep_page")
    lines = [
        f"# Hub vs @neo4j/graphql vs raw Cypher: {g['name']} graph ({report['when']})",
        "",
        f"Graph: {g['organisations']:,} organisations, {g['partnerships']:,} partnerships. Machine: "
        f"{report['machine']['cpus']} cores, {report['machine']['platform']}. Each cell: {s['rounds']} "
        f"alternating runs of {s['seconds per run']:.0f} s per side, after "
        f"{s.get('warm-up seconds per side and operation', 0):.0f} s of unmeasured warm-up per side and operation (wrk in its own process for the GraphQL "
        "servers; bench/floor_load.py in its own process for the floor). Requests per second count "
        "answers without errors (an answer with GraphQL errors or not 200 is an error, counted apart). "
        "Load: the machine's 1-minute load average as the cell ended (above the core count, other work "
        "was competing for the CPU and the cell is noisier). The hub's rate limit is lifted and its "
        "admission control admits every connection of the load (HUB_MAX_IN_FLIGHT and "
        "HUB_ADMISSION_QUEUE set to the highest concurrency), as the peer has neither.",
        "",
        _processes_line(report),
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in report["versions"].items()) + ".",
        "",
        "| operation | conc. | hub req/s | peer req/s | **hub/peer req/s** | hub p50 ms | peer p50 ms | "
        "floor p50 ms | hub p99 ms | peer p99 ms | hub/floor p50 | errors hub / peer | same data | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: |",
    ]
    for op in ops:
        entry = report["operations"][op.name]
        for c, level in entry["levels"].items():
            h, p, f, r = level["hub"], level["peer"], level["floor"], level["ratios"]
            lines.append(
                f"| {op.name} | {c} | {h['rps']:.0f} | {p['rps']:.0f} | **{_fmt(r['rps hub/peer'])}** | "
                f"{h['p50_ms']:.1f} | {p['p50_ms']:.1f} | {f['p50_ms']:.1f} | {h['p99_ms']:.1f} | "
                f"{p['p99_ms']:.1f} | {_fmt(r['p50 hub/floor'])} | {h['errors']:.0f} / {p['errors']:.0f} | "
                f"{'yes' if entry['same data'] else 'NO'} | {level.get('load average', '-')} |"
            )
    m = report["memory after the run"]
    lines += [
        "",
        f"Memory after the run: hub {m['hub']['rss_mib']:.0f} MiB resident (peak {m['hub']['peak_mib']:.0f} MiB), "
        f"peer {m['peer']['rss_mib']:.0f} MiB (peak {m['peer']['peak_mib']:.0f} MiB).",
        "",
        "Operations (bench/operations.py): " + "; ".join(f"**{o.name}**: {o.description}" for o in ops) + ".",
    ]
    if deep is not None and any(o.name == "deep page" for o in ops):
        lines += ["", f"The deep page measured here is page {deep}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
