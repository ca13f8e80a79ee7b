"""What the servers' processes use, read from /proc: which processes serve (a supervisor and its
workers), the CPU time each spent, and their memory. The CPU time per worker over the load runs is
the check that a side really spread its work over the processes it was given."""

from __future__ import annotations

import os
import time
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """`pid` and its children (uvicorn's workers, the Node cluster's workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid] + ([int(p) for p in children.read_text().split()] if children.exists() else [])


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except FileNotFoundError:
        return ""


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User plus system CPU time each process has used so far (processes gone are left out)."""
    used = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state is fields[0]
        used[pid] = (int(fields[11]) + int(fields[12])) / _TICKS
    return used


def memory_mib(pids: list[int]) -> dict[str, float]:
    """Resident and peak memory of the processes together."""
    rss = hwm = 0
    for pid in pids:
        try:
            status = dict(
                line.split(":", 1)
                for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if ":" in line
            )
        except FileNotFoundError:
            continue
        rss += int(status["VmRSS"].split()[0])
        hwm += int(status["VmHWM"].split()[0])
    return {"rss_mib": rss / 1024, "peak_mib": hwm / 1024}


def _busy_and_total() -> tuple[int, int]:
    """The machine's CPU ticks so far: busy (not idle or waiting for I/O) and all."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]
    return sum(ticks) - idle, sum(ticks)


def wait_until_idle(busy_share: float = 0.25, window: float = 0.5, limit: float = 30.0) -> float:
    """Waits until the whole machine's CPU was busy less than `busy_share` of the time over
    `window` seconds (at most `limit`): after a heavy run, Neo4j's collections and the servers'
    own clean-up go on for seconds and would load the next side's run. Returns the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        busy, total = _busy_and_total()
        time.sleep(window)
        busy2, total2 = _busy_and_total()
        if total2 > total and (busy2 - busy) / (total2 - total) < busy_share:
            break
    return time.perf_counter() - started
