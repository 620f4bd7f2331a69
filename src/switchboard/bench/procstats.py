"""CPU time and memory of a process and its descendants, read from Linux ``/proc``.

The server's speech workers are child processes, so a call's cost is the whole tree's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PROC = Path("/proc")


@dataclass(frozen=True)
class TreeUsage:
    cpu_s: float  # user+system of every live process in the tree, plus reaped children's
    rss_mb: float  # resident set of every live process in the tree
    processes: int


def parse_stat(text: str) -> tuple[int, float, float]:
    """(ppid, own cpu seconds, reaped children's cpu seconds) from a ``/proc/PID/stat`` line."""
    rest = text[text.rindex(")") + 2 :].split()  # the command name may hold spaces
    ppid = int(rest[1])
    utime, stime, cutime, cstime = (int(x) for x in rest[11:15])
    return ppid, (utime + stime) / _TICK, (cutime + cstime) / _TICK


def parse_rss_kb(status: str) -> int:
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def tree_usage(root: int) -> TreeUsage:
    """The usage of ``root`` and every process descended from it (0s if it is gone)."""
    stats: dict[int, tuple[int, float, float]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stats[int(entry.name)] = parse_stat((entry / "stat").read_text())
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = set(), [root]
    while frontier:
        pid = frontier.pop()
        if pid in tree or pid not in stats:
            continue
        tree.add(pid)
        frontier.extend(p for p, (ppid, _, _) in stats.items() if ppid == pid)
    cpu = sum(stats[p][1] for p in tree) + (stats[root][2] if root in stats else 0.0)
    rss_kb = 0
    for pid in tree:
        try:
            rss_kb += parse_rss_kb((_PROC / str(pid) / "status").read_text())
        except OSError:
            continue
    return TreeUsage(cpu_s=cpu, rss_mb=rss_kb / 1024, processes=len(tree))
