"""Keeps the partnership network's measures on the graph and reads them back.

`refresh` reads the ACTIVE partnership network, measures it (in a worker process when the graph is
large, so the API's event loop keeps answering) and replaces the stored measures in one
transaction. The API refreshes on a schedule and on demand; seeding refreshes too. Requests only
ever read stored measures.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any

from hub.db.database import Database
from hub.db.repositories import network as repo
from hub.domain.events import EventScope, EventType, NewEvent
from hub.domain.network import Community, NetworkMeasure, NetworkPosition, NetworkSnapshot
from hub.services.network.compute import Measured, measure

log = logging.getLogger("hub.network")

IN_PROCESS_UP_TO = 5_000  # organisations measured inside the API process (milliseconds of work)
MAX_COMMUNITIES = 500  # communities kept, largest first; the rest are too small to chart
CENTRAL_MEMBERS = 5


class NetworkMeasures:
    def __init__(self, db: Database, in_process_up_to: int = IN_PROCESS_UP_TO) -> None:
        self.db = db
        self.in_process_up_to = in_process_up_to
        self._lock = asyncio.Lock()

    async def refresh(self) -> NetworkSnapshot:
        """Measures the network now; concurrent calls wait for one computation, not start several."""
        async with self._lock:
            started = time.perf_counter()
            organisations = await repo.organisations(self.db)
            ties = await repo.active_ties(self.db)
            ids: list[str] = organisations["ids"]
            index = {key: i for i, key in enumerate(ids)}
            sources = [index[a] for a in ties["a"]]
            targets = [index[b] for b in ties["b"]]
            measured = await self._measure(len(ids), sources, targets)
            seconds = time.perf_counter() - started
            snapshot = NetworkSnapshot(
                computed_at=datetime.now(UTC),
                organisations=len(ids),
                ties=measured.ties,
                communities=len(set(measured.community)),
                modularity=measured.modularity,
                betweenness_sources=measured.betweenness_sources,
                seconds=round(seconds, 3),
            )
            await repo.replace(
                self.db,
                [
                    {
                        "id": key,
                        "degree": measured.degree[i],
                        "pagerank": measured.pagerank[i],
                        "betweenness": measured.betweenness[i],
                        "community": measured.community[i],
                    }
                    for i, key in enumerate(ids)
                ],
                _communities(ids, organisations["institutions"], measured),
                {
                    "computedAt": snapshot.computed_at,
                    "organisations": snapshot.organisations,
                    "ties": snapshot.ties,
                    "communities": snapshot.communities,
                    "modularity": snapshot.modularity,
                    "betweennessSources": snapshot.betweenness_sources,
                    "seconds": snapshot.seconds,
                },
                NewEvent(
                    EventType.NETWORK_MEASURES_REFRESHED,
                    "NetworkMeasures",
                    "network",
                    (),
                    EventScope.NETWORK,
                    {
                        "computedAt": snapshot.computed_at.isoformat(),
                        "organisations": snapshot.organisations,
                        "ties": snapshot.ties,
                        "communities": snapshot.communities,
                    },
                ),
            )
            log.info(
                "network measures: %d organisations, %d ties, %d communities in %.1f s",
                snapshot.organisations,
                snapshot.ties,
                snapshot.communities,
                seconds,
            )
            return snapshot

    async def _measure(self, count: int, sources: list[int], targets: list[int]) -> Measured:
        if count <= self.in_process_up_to:
            return measure(count, sources, targets)
        # igraph holds the GIL while it works: a separate process keeps the API answering.
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, measure, count, sources, targets)
        except asyncio.CancelledError:
            # Shutting down: `with pool` would block the event loop until igraph finishes; the
            # worker is stopped instead (the executor offers no public way to end a running call).
            # Killed, not terminated: the measure holds no state worth a clean exit, and SIGKILL
            # cannot wait for the worker to come back from igraph's C code.
            stopped = list(getattr(pool, "_processes", {}).values())
            for process in stopped:
                process.kill()
            log.warning(
                "network measures cut off: stopped the worker process measuring %d organisations (pid %s)",
                count,
                ", ".join(str(p.pid) for p in stopped) or "none yet",
            )
            # The executor's thread sees the stopped worker and closes its queues within
            # milliseconds; an exit before that leaves their semaphores to the resource
            # tracker, which warns of them as leaked.
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
            raise
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    async def snapshot(self) -> NetworkSnapshot | None:
        props = await repo.snapshot(self.db)
        if props is None:
            return None
        return NetworkSnapshot(
            computed_at=props["computedAt"].to_native(),
            organisations=props["organisations"],
            ties=props["ties"],
            communities=props["communities"],
            modularity=props["modularity"],
            betweenness_sources=props["betweennessSources"],
            seconds=props["seconds"],
        )

    async def ranking(self, by: NetworkMeasure, first: int) -> list[str]:
        """Organisation ids, highest `by` first."""
        return await repo.ranked(self.db, measure=by.value, limit=first)

    async def positions(self, ids: list[str]) -> dict[str, NetworkPosition]:
        return await repo.positions_of(self.db, ids=ids)

    async def communities(self, first: int) -> list[Community]:
        return [
            Community(c["id"], c["size"], c["institutions"], c["techEnterprises"], tuple(c["centralMembers"]))
            for c in await repo.communities(self.db, limit=first)
        ]


def _communities(ids: list[str], institutions: list[bool], measured: Measured) -> list[dict[str, Any]]:
    """The largest communities: size, make-up, and their most central members."""
    members: dict[int, list[int]] = {}
    for i, c in enumerate(measured.community):
        if c < MAX_COMMUNITIES:
            members.setdefault(c, []).append(i)
    out = []
    for c, group in sorted(members.items()):
        central = sorted(group, key=lambda i: (-measured.pagerank[i], ids[i]))[:CENTRAL_MEMBERS]
        inst = sum(institutions[i] for i in group)
        out.append(
            {
                "id": c,
                "size": len(group),
                "institutions": inst,
                "techEnterprises": len(group) - inst,
                "centralMembers": [ids[i] for i in central],
            }
        )
    return out
