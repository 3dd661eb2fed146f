"""Timing one call, its peak memory, and running tasks in spawned children.

Peak memory: before each call the kernel's high-water mark (``VmHWM``) of the
process and of each of its descendants (the connectorx worker of
``command_center.db.cx_worker``) is reset through ``/proc/<pid>/clear_refs``;
after the call each one's peak minus its RSS just before the call is its rise
(a process started during the call counts whole). The sample keeps the sum and
the descendants' part, in MiB. Where the kernel does not allow the reset the
peak is ``None``. This is cheap and, unlike tracemalloc, sees Polars', Arrow's
and DuckDB's native allocations.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_PROC = Path("/proc")


@dataclass(frozen=True)
class Sample:
    """One timed call: wall seconds and its peak RSS rise in MiB (``None``: unknown).

    ``peak_mib`` includes ``child_peak_mib``, the rise of the process's descendants.
    """

    seconds: float
    peak_mib: float | None
    child_peak_mib: float = 0.0


@dataclass
class Outcome:
    """What a task hands back: samples per benchmark name, and values to cross-check."""

    samples: dict[str, list[Sample]] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)

    def add(self, benchmark: str, sample: Sample, check: Any = None) -> None:
        self.samples.setdefault(benchmark, []).append(sample)
        if check is not None and benchmark not in self.checks:
            self.checks[benchmark] = check

    def extend(self, other: Outcome) -> None:
        for name, samples in other.samples.items():
            self.samples.setdefault(name, []).extend(samples)
        for name, check in other.checks.items():
            self.checks.setdefault(name, check)


@dataclass
class Result:
    """One row of the final table."""

    benchmark: str
    scale: str
    variant: str
    samples: list[Sample]
    baseline: bool = False
    note: str = ""
    check: str = ""  # "ok", "MISMATCH: ..." or "" (nothing to compare)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def best(self) -> float:
        return min(s.seconds for s in self.samples)

    @property
    def peak(self) -> Sample | None:
        """The sample with the highest peak (``None`` when no peak was measured)."""
        measured = [s for s in self.samples if s.peak_mib is not None]
        return max(measured, key=lambda s: s.peak_mib or 0.0) if measured else None


def _status_mib(pid: int | str, key: str) -> float | None:
    try:
        text = (_PROC / str(pid) / "status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def _reset_peak(pid: int | str) -> bool:
    try:
        (_PROC / str(pid) / "clear_refs").write_text("5")
    except OSError:
        return False
    return True


def descendants(root: int) -> list[int]:
    """Live processes below ``root`` (from each process's parent id)."""
    parents: dict[int, int] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: list[int] = []
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found.extend(children)
        frontier.extend(children)
    return found


def measure(fn: Callable[[], T]) -> tuple[Sample, T]:
    """Call ``fn`` once; its wall time and the peak RSS rise of this process and its children."""
    gc.collect()
    me = os.getpid()
    can_reset = _reset_peak(me)
    before: dict[int, float] = {}
    for pid in descendants(me):
        rss = _status_mib(pid, "VmRSS")
        if rss is not None and _reset_peak(pid):
            before[pid] = rss
    own_before = _status_mib(me, "VmRSS") or 0.0
    started = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - started
    if not can_reset:
        return Sample(seconds, None), out
    own = max(0.0, (_status_mib(me, "VmHWM") or 0.0) - own_before)
    children = 0.0
    for pid in descendants(me):
        peak = _status_mib(pid, "VmHWM")
        if peak is not None:
            children += max(0.0, peak - before.get(pid, 0.0))
    return Sample(seconds, own + children, children), out


def isolated(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a fresh spawned process; its exceptions are raised here.

    A child killed by the kernel (out of memory) raises ``BrokenProcessPool``
    instead of hanging. ``fn`` must be a module-level function.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(fn, *args).result()


def run_task(task: Callable[..., Outcome], repeat: int, fresh_each: bool, *args: Any) -> Outcome:
    """Run ``task(repeat, *args)`` in a child, or ``repeat`` children of one repeat each."""
    if not fresh_each:
        return isolated(task, repeat, *args)
    outcome = Outcome()
    for _ in range(repeat):
        outcome.extend(isolated(task, 1, *args))
        gc.collect()
    return outcome
