"""Each caller's budget of points per minute, shared by /graphql and /export: in Redis when
HUB_REDIS_URL is set (one budget across every worker and replica), else one per worker process.

A GraphQL operation spends its cost (hub/graphql/cost.py) once it is admitted (a request the hub
sheds under load spends nothing); an export spends one point per organisation its filter selects,
at most the cost of the largest operation /graphql accepts (hub/http/export.py). Both draw on the
same budget, so a caller refused on one is refused on the other.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from hub.errors import HubError


class RateLimited(HubError):
    def __init__(self, points_per_minute: int, retry_after: int) -> None:
        super().__init__(
            f"rate limit of {points_per_minute} points per minute reached; retry after {retry_after} s"
        )
        self.retry_after = retry_after


log = logging.getLogger("hub.rate_limit")


def storage_for(redis_url: str | None) -> Storage:
    """Redis when configured (one budget per caller across every worker and replica), else memory."""
    if redis_url is None:
        return MemoryStorage()
    return RedisStorage(
        "async+" + redis_url, implementation="redispy", socket_timeout=1, socket_connect_timeout=1
    )


class RateLimit:
    """If Redis cannot be asked, requests pass (logged): an outage of the counter is not one of the API.

    A sliding window counter: this minute's points plus the last minute's, weighted by how much of
    it the sliding minute still covers. Two counters per caller, whatever the budget; a moving
    window keeps one entry per point spent, so its work per request grew with the budget
    (bench/profiling.md, "The rate limit's moving window").
    """

    def __init__(self, points_per_minute: int, storage: Storage | None = None) -> None:
        self.points_per_minute = points_per_minute
        self._limiter = SlidingWindowCounterRateLimiter(storage or MemoryStorage())
        self._rate = RateLimitItemPerMinute(points_per_minute)

    async def check(self, caller: str, points: int) -> None:
        """Raises RateLimited if `caller` could not spend `points` now; spends nothing."""
        try:
            allowed = await self._limiter.test(self._rate, caller, cost=max(points, 1))
        except Exception as exc:
            log.warning("rate limit unavailable (%s); letting the request pass", exc)
            return
        if not allowed:
            raise await self._refusal(caller)

    async def spend(self, caller: str, points: int) -> None:
        """Spends `points` (at least one) of `caller`'s budget, or raises RateLimited (spending nothing)."""
        try:
            spent = await self._limiter.hit(self._rate, caller, cost=max(points, 1))
        except Exception as exc:
            log.warning("rate limit unavailable (%s); letting the request pass", exc)
            return
        if not spent:
            raise await self._refusal(caller)

    async def _refusal(self, caller: str) -> RateLimited:
        stats = await self._limiter.get_window_stats(self._rate, caller)
        return RateLimited(self.points_per_minute, max(1, math.ceil(stats.reset_time - time.time())))
