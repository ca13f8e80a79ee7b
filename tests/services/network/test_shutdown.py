"""Shutting down during a network refresh measured in a worker process: the cancellation returns at
once (the event loop is not held until igraph finishes) and the worker process is stopped."""

from __future__ import annotations

import asyncio
import multiprocessing
import time

from hub.db.database import Database
from hub.services.network.service import NetworkMeasures


async def test_cancelling_a_refresh_in_a_worker_process_does_not_block(seeded: Database) -> None:
    refresh = asyncio.create_task(NetworkMeasures(seeded, in_process_up_to=0).refresh())
    deadline = time.monotonic() + 60
    while not multiprocessing.active_children():  # the worker process is starting or measuring
        assert not refresh.done() and time.monotonic() < deadline
        await asyncio.sleep(0.01)
    cancelled = time.monotonic()
    refresh.cancel()
    await asyncio.gather(refresh, return_exceptions=True)
    assert time.monotonic() - cancelled < 0.5  # it used to wait for the worker to finish its work
    await asyncio.sleep(0.5)
    assert not multiprocessing.active_children()
