"""The hub's own CPU per request: one uvicorn worker under wrk, its CPU time read from /proc.

`bench/profile_request.py` measures in process, where the client's CPU is counted too; here the
load generator is another process, so the figure is the worker's alone (uvicorn's HTTP parser,
the ASGI stack, the hub, the driver, the event loop): CPU milliseconds per answered request,
split into user time (Python and the C extensions) and system time (the kernel's socket work).

    HUB_HOME=$PWD/.hub/bench-seed HUB_NEO4J_BOLT_PORT=7861 .venv/bin/python -m bench.worker_cpu \
        --only "nested read,mutation" --seconds 5 --concurrency 8 --rounds 3 [--before DIR]

`--before DIR` also starts a hub from the `hub` package under DIR (another checkout, e.g.
`git archive <commit> hub | tar -x -C DIR`) and alternates the two run by run, so both are
measured on the same machine at the same time: on a shared machine the load moves the figures
more than most changes do. `--py-spy DIR` samples each run of this checkout's hub with py-spy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from bench.compare import pick_target, wrk
from bench.operations import OPERATIONS
from bench.servers import issue_key, revoke_key, start_hub
from hub.domain.enums import Role
from hub.settings import Settings

_TICKS = os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="", help="comma-separated operation names (default: all)")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1, help="runs per operation and hub, alternating")
    parser.add_argument("--port", type=int, default=None, help="the hub's port (default: a free one)")
    parser.add_argument("--before", help="a folder holding another version's `hub` package")
    parser.add_argument("--py-spy", dest="py_spy", help="a folder for py-spy's collapsed stacks")
    args = parser.parse_args()
    chosen = [o for o in OPERATIONS if not args.only or o.name in args.only.split(",")]
    settings = Settings()
    target, _ = asyncio.run(pick_target(settings))
    key = asyncio.run(issue_key(Role.ADMIN, "bench: worker_cpu"))
    auth = f"Bearer {key.key}"
    # As bench/compare.py: throughput is the subject, so the rate limit is lifted and admission
    # takes every connection (both still run for every request).
    env = {
        "HUB_RATE_LIMIT_POINTS_PER_MINUTE": str(10**9),
        "HUB_MAX_IN_FLIGHT": str(args.concurrency),
        "HUB_ADMISSION_QUEUE": str(args.concurrency),
    }
    hubs = {"now": start_hub(1, port=args.port, **env)}
    if args.before:
        # `python -m` puts the working directory first on the path: the other `hub` is imported.
        port = args.port + 1 if args.port else None
        hubs["before"] = start_hub(1, port=port, cwd=Path(args.before), **env)
    try:
        for op in chosen:
            body = {"query": op.hub, "variables": op.load_vars(op.hub_vars(target))}
            for _, base in hubs.values():
                wrk(base + "/graphql", body, auth, args.concurrency, 1)  # warm: caches, plans
            per_request: dict[str, list[float]] = {name: [] for name in hubs}
            for r in range(args.rounds):
                order = list(hubs) if r % 2 == 0 else list(reversed(hubs))
                for name in order:
                    process, base = hubs[name]
                    spy = None
                    if args.py_spy and name == "now":
                        spy = _spy(process.pid, op.name, args.py_spy, max(1, int(args.seconds) - 1))
                    before = _cpu(process.pid)
                    started = time.perf_counter()
                    run = wrk(base + "/graphql", body, auth, args.concurrency, args.seconds)
                    wall = time.perf_counter() - started
                    user, system = (a - b for a, b in zip(_cpu(process.pid), before, strict=True))
                    if spy is not None:
                        spy.wait()
                    count = max(run["requests"], 1)
                    per_request[name].append((user + system) * 1000 / count)
                    print(
                        f"{op.name:<26} {name:<6} {run['requests']:>6} requests ({run['errors']} errors), "
                        f"{run['rps']:6.0f} req/s, p50 {run['p50_ms']:6.2f} ms, worker CPU "
                        f"{(user + system) * 1000 / count:.3f} ms per request (user "
                        f"{user * 1000 / count:.3f}, system {system * 1000 / count:.3f}; "
                        f"{(user + system) / wall * 100:.0f} % of a core)",
                        flush=True,
                    )
            medians = ", ".join(f"{n} {statistics.median(v):.3f}" for n, v in per_request.items())
            print(f"{op.name:<26} median CPU ms per request: {medians}", flush=True)
    finally:
        for process, _ in hubs.values():
            process.terminate()
            process.wait(10)
        asyncio.run(revoke_key(key.key_id))


def _cpu(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / _TICKS, int(fields[12]) / _TICKS


def _spy(pid: int, name: str, folder: str, seconds: int) -> subprocess.Popen[bytes]:
    binary = shutil.which("py-spy")
    if binary is None:
        raise SystemExit("py-spy is needed for --py-spy (pip install py-spy)")
    out = f"{folder}/{name.replace(' ', '_')}.txt"
    # Collapsed stacks (one line per stack and its count), idle time left out. On a loaded
    # machine a thread preempted inside a socket write still counts as active: read shares of
    # Python code against the CPU time above, not against the samples in `send`.
    command = [binary, "record", "--pid", str(pid), "--rate", "250", "--duration", str(seconds)]
    command += ["--format", "raw", "-o", out]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
