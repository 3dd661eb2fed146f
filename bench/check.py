"""Cross-checks: every variant of a benchmark must give the same numbers.

Numbers agree when ``|a - b| <= TOLERANCE * max(1, |a|, |b|)`` (relative
1e-6: money sums reach 1e10, where summing in another order moves the last
digits); nulls must be null on both sides; everything else must be equal.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl

TOLERANCE = 1e-6


def close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        fa, fb = float(a), float(b)
        if math.isnan(fa) or math.isnan(fb):
            return math.isnan(fa) and math.isnan(fb)
        return abs(fa - fb) <= TOLERANCE * max(1.0, abs(fa), abs(fb))
    return bool(a == b)


def compare_frames(expected: pl.DataFrame, actual: pl.DataFrame, keys: list[str]) -> str:
    """``"ok"`` or ``"MISMATCH: <first difference>"``; rows are matched on ``keys``."""
    if sorted(expected.columns) != sorted(actual.columns):
        return f"MISMATCH: columns {expected.columns} != {actual.columns}"
    if expected.height != actual.height:
        return f"MISMATCH: {actual.height} rows, expected {expected.height}"
    left = expected.sort(keys)
    right = actual.select(expected.columns).sort(keys)
    for key in keys:
        if not left[key].equals(right[key]):
            return f"MISMATCH: key column {key!r} differs"
    for name in expected.columns:
        if name in keys:
            continue
        for i, (a, b) in enumerate(zip(left[name].to_list(), right[name].to_list(), strict=True)):
            if not close(a, b):
                row = {k: left[k][i] for k in keys}
                return f"MISMATCH: {name} at {row}: {b!r}, expected {a!r}"
    return "ok"


def compare_values(expected: Any, actual: Any) -> str:
    """Compare two flat tuples/lists/dicts of scalars."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() != actual.keys():
            return f"MISMATCH: keys {sorted(actual)} != {sorted(expected)}"
        pairs = [(k, expected[k], actual[k]) for k in expected]
    else:
        if len(expected) != len(actual):
            return f"MISMATCH: {actual!r} != {expected!r}"
        pairs = [(i, a, b) for i, (a, b) in enumerate(zip(expected, actual, strict=True))]
    for name, a, b in pairs:
        if not close(a, b):
            return f"MISMATCH: {name}: {b!r}, expected {a!r}"
    return "ok"


def check_results(results: list[Any], checks: dict[tuple[str, str], Any], compare: Any) -> None:
    """Set ``check`` on every result from ``checks[(benchmark, variant)]``.

    The reference is the baseline's value (else the first variant with one).
    """
    by_bench: dict[str, list[Any]] = {}
    for result in results:
        by_bench.setdefault(result.benchmark, []).append(result)
    for bench, rows in by_bench.items():
        have = [r for r in rows if (bench, r.variant) in checks]
        if len(have) < 2:
            continue
        reference = next((r for r in have if r.baseline), have[0])
        expected = checks[(bench, reference.variant)]
        for row in have:
            row.check = (
                "ok" if row is reference else compare(expected, checks[(bench, row.variant)])
            )
