"""Admission control: how many operations one worker process runs at once, and who goes next.

Past its capacity a server only gets slower for everyone: requests pile up inside it until they
all run into the operation timeout. So each worker runs at most `max_in_flight` operations at once;
a few more wait in a short queue, for at most `max_wait` seconds; the rest are refused at once
(`Overloaded`, which the API answers with HTTP 503, `OVERLOADED` and `Retry-After`), so a client
learns in milliseconds to come back later instead of in seconds that it timed out.

"At once" includes a request whose turn would plainly not come in time: the queue takes a
request only while the wait it can expect (its place in the queue times the average time a slot
is held, divided by the slots) is within `max_wait`, so few are refused only after waiting.

Fairness between callers (keys or token subjects):
- A freed slot goes to the oldest waiter whose caller holds fewer than its share of the slots,
  `max(1, floor(key_share * max_in_flight))`; only when every waiter's caller is at its share
  does the oldest waiter get it. A lone busy caller may so use the whole worker while nobody
  else waits, and gives way as soon as someone does.
- When the queue is full, a caller with fewer waiters than the caller with the most takes the
  place of that caller's newest waiter, which is refused: one caller cannot fill the queue either.

Pure asyncio, one instance per worker process (kept in the app's state); nothing is awaited
while the bookkeeping changes, so no lock is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter, deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from hub.errors import HubError

RETRY_AFTER_SECONDS = 1
"""What a refused client is told: the queue drains in well under a second, so one is enough."""
SMOOTHING = 0.1
"""Weight of the newest operation in the average time a slot is held."""


class Overloaded(HubError):
    """The worker is at capacity and its queue is full, or a waiter's turn did not come in time."""

    def __init__(self, message: str, retry_after: int = RETRY_AFTER_SECONDS) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(eq=False, slots=True)
class _Waiter:
    caller: str
    turn: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    # True once the slot is taken on its behalf; False when another caller displaced it.


class Admission:
    def __init__(self, max_in_flight: int, queue: int, max_wait: float, key_share: float) -> None:
        if max_in_flight < 1 or queue < 0 or max_wait < 0 or not 0 < key_share <= 1:
            raise ValueError("max_in_flight >= 1, queue >= 0, max_wait >= 0 and 0 < key_share <= 1")
        self.max_in_flight = max_in_flight
        self.queue = queue
        self.max_wait = max_wait
        self.share = max(1, int(key_share * max_in_flight))
        self._running: Counter[str] = Counter()
        self._in_flight = 0
        self._waiting: deque[_Waiter] = deque()  # oldest first
        self._held: float | None = None  # seconds a slot is held, on average (None: not seen yet)

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def running(self, caller: str) -> int:
        return self._running[caller]

    @contextlib.asynccontextmanager
    async def slot(self, caller: str) -> AsyncIterator[None]:
        """Holds one of the worker's slots for `caller` while the body runs; raises Overloaded
        (before the body) when none can be had."""
        await self._acquire(caller)
        began = time.monotonic()
        try:
            yield
        finally:
            held = time.monotonic() - began
            self._held = held if self._held is None else self._held + SMOOTHING * (held - self._held)
            self._release(caller)

    def expected_wait(self, place: int) -> float:
        """Seconds the waiter at `place` (0: first) can expect to wait for a slot."""
        return (place + 1) * (self._held or 0.0) / self.max_in_flight

    async def _acquire(self, caller: str) -> None:
        if self._in_flight < self.max_in_flight and not self._waiting:
            self._take(caller)
            return
        waiter = self._enqueue(caller)
        try:
            async with asyncio.timeout(self.max_wait):
                granted = await waiter.turn
        except (TimeoutError, asyncio.CancelledError) as stopped:
            if waiter.turn.done() and not waiter.turn.cancelled() and waiter.turn.result():
                self._release(caller)  # the slot came just as the wait ended: pass it on
            elif waiter in self._waiting:
                self._waiting.remove(waiter)
                self._dispatch()
            if isinstance(stopped, TimeoutError):
                raise Overloaded(
                    f"the hub is at capacity: no slot freed within {self.max_wait * 1000:.0f} ms; "
                    f"retry after {RETRY_AFTER_SECONDS} s"
                ) from None
            raise
        if not granted:
            raise Overloaded(
                f"the hub is at capacity and its queue is full; retry after {RETRY_AFTER_SECONDS} s"
            )

    def _enqueue(self, caller: str) -> _Waiter:
        place = len(self._live())
        full = place >= self.queue or self.expected_wait(place) > self.max_wait
        if full and not self._displace_for(caller):
            raise Overloaded(
                f"the hub is at capacity and its queue is full; retry after {RETRY_AFTER_SECONDS} s"
            )
        waiter = _Waiter(caller)
        self._waiting.append(waiter)
        return waiter

    def _displace_for(self, caller: str) -> bool:
        """Makes room for `caller` by refusing the newest waiter of the caller with the most
        waiters, when that evens the queue out. Whether room was made."""
        live = self._live()
        counts = Counter(w.caller for w in live)
        if not counts:
            return False
        heaviest, most = counts.most_common(1)[0]
        if most <= counts[caller] + 1:
            return False
        victim = next(w for w in reversed(live) if w.caller == heaviest)
        self._waiting.remove(victim)
        victim.turn.set_result(False)
        return True

    def _take(self, caller: str) -> None:
        self._in_flight += 1
        self._running[caller] += 1

    def _release(self, caller: str) -> None:
        self._in_flight -= 1
        self._running[caller] -= 1
        if not self._running[caller]:
            del self._running[caller]
        self._dispatch()

    def _dispatch(self) -> None:
        """Hands free slots to waiters: the oldest under its share first, else the oldest."""
        while self._in_flight < self.max_in_flight:
            live = self._live()
            if not live:
                return
            under_share = (w for w in live if self._running[w.caller] < self.share)
            waiter = next(under_share, live[0])
            self._waiting.remove(waiter)
            self._take(waiter.caller)
            waiter.turn.set_result(True)

    def _live(self) -> list[_Waiter]:
        """The waiters still waiting (one cancelled a moment ago leaves the queue on its next step)."""
        return [w for w in self._waiting if not w.turn.done()]


class PerCaller:
    """At most `limit` of something long (an export's stream) at once per caller; one more is
    refused, never queued: a stream may last minutes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._held: Counter[str] = Counter()

    def enter(self, caller: str) -> bool:
        if self._held[caller] >= self.limit:
            return False
        self._held[caller] += 1
        return True

    def leave(self, caller: str) -> None:
        self._held[caller] -= 1
        if not self._held[caller]:
            del self._held[caller]

    def held(self, caller: str) -> int:
        return self._held[caller]
