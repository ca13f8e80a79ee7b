"""Admission control on its own: slots, the short queue, refusals, and each caller's share."""

from __future__ import annotations

import asyncio
import random

import pytest

from hub.admission import Admission, Overloaded, PerCaller


class Holder:
    """A caller's operation that holds its slot until told to finish."""

    def __init__(self, admission: Admission, caller: str) -> None:
        self.caller = caller
        self.admitted = asyncio.Event()
        self.finish = asyncio.Event()
        self.task = asyncio.create_task(self._run(admission))

    async def _run(self, admission: Admission) -> None:
        async with admission.slot(self.caller):
            self.admitted.set()
            await self.finish.wait()


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_runs_up_to_its_bound_queues_a_few_and_refuses_the_rest_at_once() -> None:
    admission = Admission(max_in_flight=2, queue=1, max_wait=5, key_share=1)
    running = [Holder(admission, "a"), Holder(admission, "b")]
    waiting = Holder(admission, "c")
    await _settle()
    assert all(h.admitted.is_set() for h in running)
    assert (admission.in_flight, admission.waiting) == (2, 1) and not waiting.admitted.is_set()

    refused = Holder(admission, "d")
    await _settle()
    assert refused.task.done()
    with pytest.raises(Overloaded, match="queue is full") as shed:
        refused.task.result()
    assert shed.value.retry_after == 1

    running[0].finish.set()
    await _settle()
    assert waiting.admitted.is_set() and (admission.in_flight, admission.waiting) == (2, 0)
    for holder in (running[1], waiting):
        holder.finish.set()
    await asyncio.gather(running[0].task, running[1].task, waiting.task)
    assert (admission.in_flight, admission.waiting) == (0, 0)


async def test_a_waiter_whose_turn_does_not_come_is_refused_and_leaves_the_queue() -> None:
    admission = Admission(max_in_flight=1, queue=4, max_wait=0.05, key_share=1)
    busy = Holder(admission, "a")
    await _settle()
    with pytest.raises(Overloaded, match="no slot freed within 50 ms"):
        async with admission.slot("b"):
            pass
    assert (admission.in_flight, admission.waiting) == (1, 0)
    busy.finish.set()
    await busy.task
    async with admission.slot("b"):
        assert admission.in_flight == 1


async def test_a_request_that_could_not_be_served_in_time_is_refused_without_waiting() -> None:
    admission = Admission(max_in_flight=1, queue=10, max_wait=0.03, key_share=1)
    async with admission.slot("a"):
        await asyncio.sleep(0.05)  # operations hold their slot at least 50 ms
    assert admission.expected_wait(0) >= 0.05
    busy = Holder(admission, "a")
    await _settle()
    # A slot is held 50 ms on average: the first in the queue could expect 50 ms, more than 30,
    # so it is refused at the door (not after waiting: that refusal says "no slot freed").
    with pytest.raises(Overloaded, match="queue is full"):
        async with admission.slot("b"):
            pass
    assert admission.waiting == 0
    busy.finish.set()
    await busy.task


async def test_a_freed_slot_goes_first_to_a_caller_under_its_share() -> None:
    # share: max(1, 0.5 * 4) = 2 slots per caller while others wait
    admission = Admission(max_in_flight=4, queue=8, max_wait=5, key_share=0.5)
    greedy = [Holder(admission, "greedy") for _ in range(4)]  # alone: takes the whole worker
    await _settle()
    assert admission.running("greedy") == 4
    more_greedy = Holder(admission, "greedy")
    await _settle()
    modest = [Holder(admission, "modest") for _ in range(2)]
    await _settle()

    for holder in greedy[:2]:
        holder.finish.set()
    await _settle()
    # Both freed slots went to the caller under its share, though greedy waited longer.
    assert all(h.admitted.is_set() for h in modest)
    assert not more_greedy.admitted.is_set()
    assert (admission.running("greedy"), admission.running("modest")) == (2, 2)

    greedy[2].finish.set()
    await _settle()
    # Nobody under its share waits any more: the oldest waiter gets the slot.
    assert more_greedy.admitted.is_set()
    for holder in [*greedy[3:], more_greedy, *modest]:
        holder.finish.set()
    await asyncio.gather(*(h.task for h in [*greedy, more_greedy, *modest]))
    assert admission.in_flight == 0


async def test_one_caller_cannot_fill_the_queue() -> None:
    admission = Admission(max_in_flight=1, queue=3, max_wait=5, key_share=1)
    running = Holder(admission, "greedy")
    queued = [Holder(admission, "greedy") for _ in range(3)]
    await _settle()
    assert admission.waiting == 3

    newcomer = Holder(admission, "modest")
    await _settle()
    # The newcomer took the place of greedy's newest waiter, which was refused.
    assert queued[2].task.done() and isinstance(queued[2].task.exception(), Overloaded)
    assert admission.waiting == 3 and not newcomer.task.done()

    # Greedy has 2 waiters, modest 1: a second newcomer of modest would not even things out.
    second = Holder(admission, "modest")
    await _settle()
    assert isinstance(second.task.exception(), Overloaded)

    # Then each is served in turn.
    for holder in [running, *queued[:2], newcomer]:
        holder.finish.set()
        await _settle()
    await asyncio.gather(newcomer.task, *(h.task for h in queued[:2]))
    assert (admission.in_flight, admission.waiting) == (0, 0)


async def test_a_cancelled_waiter_leaves_and_its_slot_is_passed_on() -> None:
    admission = Admission(max_in_flight=1, queue=4, max_wait=5, key_share=1)
    running = admission.slot("a")
    await running.__aenter__()
    first, second = Holder(admission, "b"), Holder(admission, "c")
    await _settle()

    # Its turn comes and it is cancelled before it could run: the slot goes to the next.
    await running.__aexit__(None, None, None)
    assert admission.running("b") == 1  # taken on first's behalf ...
    first.task.cancel()  # ... which is gone before it resumes
    await _settle()
    assert first.task.cancelled()
    assert second.admitted.is_set() and admission.running("b") == 0

    # A waiter cancelled while waiting simply leaves.
    third = Holder(admission, "d")
    await _settle()
    third.task.cancel()
    await _settle()
    assert admission.waiting == 0
    second.finish.set()
    await second.task
    assert admission.in_flight == 0


async def test_bookkeeping_holds_under_a_random_storm() -> None:
    admission = Admission(max_in_flight=3, queue=5, max_wait=0.02, key_share=0.34)
    rnd = random.Random(4)
    peak = 0
    outcomes = {"served": 0, "shed": 0, "cancelled": 0}

    async def operation(caller: str) -> None:
        nonlocal peak
        try:
            async with admission.slot(caller):
                peak = max(peak, admission.in_flight)
                assert admission.in_flight <= 3
                await asyncio.sleep(rnd.random() * 0.01)
            outcomes["served"] += 1
        except Overloaded:
            outcomes["shed"] += 1

    tasks = []
    for _ in range(400):
        task = asyncio.create_task(operation(rnd.choice("abcde")))
        tasks.append(task)
        if rnd.random() < 0.1:
            asyncio.get_running_loop().call_later(rnd.random() * 0.01, task.cancel)
        await asyncio.sleep(rnd.random() * 0.001)
    for result in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(result, asyncio.CancelledError):
            outcomes["cancelled"] += 1
    assert sum(outcomes.values()) == 400
    assert outcomes["served"] > 0 and outcomes["shed"] > 0
    assert peak == 3
    assert (admission.in_flight, admission.waiting) == (0, 0)


def test_bad_bounds_are_refused() -> None:
    with pytest.raises(ValueError):
        Admission(max_in_flight=0, queue=1, max_wait=1, key_share=0.5)
    with pytest.raises(ValueError):
        Admission(max_in_flight=4, queue=1, max_wait=1, key_share=0)


def test_per_caller_bound() -> None:
    streams = PerCaller(2)
    assert streams.enter("a") and streams.enter("a")
    assert not streams.enter("a")
    assert streams.enter("b")
    streams.leave("a")
    assert streams.held("a") == 1 and streams.enter("a")
