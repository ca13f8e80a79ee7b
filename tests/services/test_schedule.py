"""A periodic job runs once per interval however many workers and replicas ask for it."""

from __future__ import annotations

import asyncio
import itertools
import time

from hub.db.database import Database
from hub.db.repositories import leases
from hub.services.schedule import PeriodicJob, Scheduler


async def test_four_workers_run_a_job_once_per_interval(empty_graph: Database) -> None:
    starts: list[tuple[float, str]] = []
    finished: list[str] = []
    schedulers = [Scheduler(empty_graph, owner=f"worker-{i}") for i in range(4)]

    def job_for(scheduler: Scheduler) -> PeriodicJob:
        async def work() -> None:
            starts.append((time.monotonic(), scheduler.owner))
            await asyncio.sleep(0.1)
            finished.append(scheduler.owner)

        return PeriodicJob("counting", 1.0, work)

    loops = [asyncio.create_task(s.run_forever(job_for(s))) for s in schedulers]
    deadline = time.monotonic() + 60  # a bound against hanging; the planning of a new statement can be slow
    while len(finished) < 4:
        assert time.monotonic() < deadline, finished
        await asyncio.sleep(0.05)
    while ((await leases.lease(empty_graph, job="counting")) or {}).get("runs", 0) < 4:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    for loop in loops:
        loop.cancel()
    await asyncio.gather(*loops, return_exceptions=True)

    # Four runs, each one interval or more after the one before, whichever worker ran it: the
    # four workers did not each run the job every interval.
    assert len(finished) == 4 and len(starts) in (4, 5), starts
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(starts)]
    assert all(gap >= 1.0 for gap in gaps), gaps
    lease = await leases.lease(empty_graph, job="counting")
    # A run cut short by the end of the test is given back, not counted.
    assert lease is not None and lease["runs"] == len(finished) and lease["owner"] is None


async def test_a_lease_held_by_a_dead_worker_is_taken_once_it_expires(empty_graph: Database) -> None:
    runs: list[str] = []

    async def work() -> None:
        runs.append("ran")

    job = PeriodicJob("orphaned", 60, work)
    claimed = await leases.claim(
        empty_graph, job="orphaned", owner="dead-worker", first_wait_ms=0, lease_ms=800
    )
    assert claimed["free"]  # and then the worker dies without finishing
    survivor = Scheduler(empty_graph, owner="survivor", lease_seconds=60)
    wait = await survivor.turn(job)
    assert runs == [] and 0 < wait <= 4.2  # held: ask again when the lease runs out
    while not runs and wait < 5:
        await asyncio.sleep(wait)
        wait = await survivor.turn(job)
    assert runs == ["ran"]
    assert await survivor.turn(job) > 30  # next due in a minute


async def test_a_worker_shut_down_mid_run_gives_the_lease_back(empty_graph: Database) -> None:
    started = asyncio.Event()

    async def slow() -> None:
        started.set()
        await asyncio.sleep(60)

    job = PeriodicJob("interrupted", 600, slow)
    running = asyncio.create_task(Scheduler(empty_graph, owner="leaving").run_forever(job))
    await asyncio.wait_for(started.wait(), 10)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    lease = await leases.lease(empty_graph, job="interrupted")
    assert lease is not None and lease["owner"] is None and lease["runs"] == 0
    ran: list[str] = []

    async def quick() -> None:
        ran.append("other")

    assert await Scheduler(empty_graph, owner="other").turn(PeriodicJob("interrupted", 600, quick)) == 0
    assert ran == ["other"]
