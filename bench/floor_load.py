"""The floor of the benchmark: one operation's hand-written Cypher through the Python driver,
at a fixed concurrency for a fixed time, in its own process. Prints one JSON line.

    python bench/floor_load.py --op "nested read" --concurrency 8 --seconds 5 --target '{...}'
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from bench.operations import OPERATIONS, Target
from hub.db.connect import open_database
from hub.settings import Settings


async def run(op_name: str, concurrency: int, seconds: float, target: Target) -> dict[str, float]:
    op = next(o for o in OPERATIONS if o.name == op_name)
    params = op.cypher_params(target)
    db = open_database(Settings())
    latencies: list[float] = []
    failures: list[str] = []
    deadline = time.perf_counter() + seconds

    async def worker(number: int) -> None:
        values = dict(params)
        sent = 0
        while time.perf_counter() < deadline:
            sent += 1
            if op.unique is not None:  # a new value in every request, as bench/wrk.lua sends
                values[op.unique] = f"benchmark {number}-{sent}"
            started = time.perf_counter()
            try:
                if op.mutation:
                    await db.write(op.cypher, **values)
                else:
                    await db.read(op.cypher, **values)
            except Exception as exc:  # a load generator counts a failure, as wrk does, and goes on
                failures.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - started)

    try:
        await db.read("RETURN 1 AS warm")
        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        elapsed = time.perf_counter() - started
    finally:
        await db.close()
    if failures:
        print(f"{len(failures)} failed, the first: {failures[0]}", file=sys.stderr)
    latencies.sort()
    ok = len(latencies)
    p50 = latencies[ok // 2] if ok else 0.0
    p99 = latencies[min(ok - 1, int(ok * 0.99))] if ok else 0.0
    return {
        "requests": ok + len(failures),
        "ok": ok,
        "seconds": elapsed,
        "rps": ok / elapsed,
        "p50_ms": p50 * 1000,
        "p99_ms": p99 * 1000,
        "errors": len(failures),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--op", required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--target", required=True, help="the Target as JSON")
    args = parser.parse_args()
    target = Target.from_json(json.loads(args.target))
    print(json.dumps(asyncio.run(run(args.op, args.concurrency, args.seconds, target))))


if __name__ == "__main__":
    main()
