"""How much of its memory a query worker forked from the in-memory copy holds as its own.

pyoxigraph's in-memory store writes to each quad a query reads, so the pages
of the copy that a forked worker's queries read become its own (see
:mod:`.zygote`); the pool forks a fresh worker in place of one past its budget.
The exact figure comes from ``/proc/PID/smaps_rollup``, whose reading walks the
process's page tables: 6.6 ms for a worker at 1,000 descriptions, about 50 ms
at 10,000, paid after every query when it was read each time.

A page becomes a process's own only through one of its own page faults (a write
to a page it shares, a first touch of a new one), and the kernel counts those
faults for nothing. So the figure last read, plus one page per fault since, is
a bound that costs one system call; :class:`OwnMemory` reads the exact figure
again only when that bound reaches the budget. Where one fault may bring a
huge page (transparent huge pages set to ``always``), the bound would not hold,
and the figure is read after every query as before.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

__all__ = ["OwnMemory", "own_mib"]

_MIB = 1024 * 1024
_HUGE_PAGES = Path("/sys/kernel/mm/transparent_hugepage/enabled")


def own_mib(pid: int | str = "self") -> float:
    """MiB that a process holds as its own: pages no other process maps (0 where /proc cannot tell).

    For a worker forked from the copy, these are the pages it allocated and the
    pages of the copy its queries wrote to; the others it still shares with the
    zygote.
    """
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    fields = (line.split() for line in text.splitlines())
    return sum(int(f[1]) for f in fields if f and f[0] in ("Private_Clean:", "Private_Dirty:")) / 1024


class OwnMemory:
    """A forked worker's own memory, read exactly only when it may have reached ``budget_mib``.

    Made in the worker right after the fork, when it holds nothing of its own
    yet: the fault counters of a forked process start at zero.
    """

    def __init__(self, budget_mib: float | None) -> None:
        self.budget_mib = budget_mib if budget_mib and faults_bound_pages() else None
        self.page_mib = resource.getpagesize() / _MIB
        self._read_mib, self._read_at = 0.0, 0

    def now(self) -> float:
        """MiB of its own: the exact figure, or a bound under the budget (never under the exact figure)."""
        if self.budget_mib is not None:
            bound = self._read_mib + (_faults() - self._read_at) * self.page_mib
            if bound < self.budget_mib:
                return bound
        self._read_at = _faults()  # counted before reading: faults during the reading count again next time
        self._read_mib = own_mib()
        return self._read_mib


def _faults() -> int:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_minflt + usage.ru_majflt


def faults_bound_pages() -> bool:
    """Whether each page fault brings at most one page: not with huge pages always on, in the kernel or in malloc."""
    if "hugetlb" in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    try:
        return "[always]" not in _HUGE_PAGES.read_text()
    except OSError:  # no such setting: no transparent huge pages
        return True
