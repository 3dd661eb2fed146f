"""Timing one call, its peak memory, and running tasks in spawned children.

Peak memory: before each call the kernel's high-water mark of the process
(``VmHWM``) is reset through ``/proc/self/clear_refs``; after the call the
peak minus the RSS just before the call is the call's own peak (MiB). Where
the kernel does not allow the reset the peak is ``None``. This is cheap and,
unlike tracemalloc, sees Polars', Arrow's and DuckDB's native allocations.
"""

from __future__ import annotations

import gc
import multiprocessing
import re
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass(frozen=True)
class Sample:
    """One timed call: wall seconds and its peak RSS rise in MiB (``None``: unknown)."""

    seconds: float
    peak_mib: float | None


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
    def peak_mib(self) -> float | None:
        peaks = [s.peak_mib for s in self.samples if s.peak_mib is not None]
        return max(peaks) if peaks else None


def _status_mib(key: str) -> float:
    match = re.search(rf"^{key}:\s+(\d+) kB", _STATUS.read_text(), re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def _reset_peak() -> bool:
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def measure(fn: Callable[[], T]) -> tuple[Sample, T]:
    """Call ``fn`` once; its wall time and peak RSS rise."""
    gc.collect()
    can_reset = _reset_peak()
    before = _status_mib("VmRSS")
    started = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - started
    peak = max(0.0, _status_mib("VmHWM") - before) if can_reset else None
    return Sample(seconds, peak), out


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
