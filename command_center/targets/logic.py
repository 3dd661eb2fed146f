"""Target arithmetic, pure Python: seasonality, splits onto people, the sum check.

Months are lists of twelve figures, January first. Splits are rounded to
cents, the rounding remainder going to the last person, so that a split
always adds up to its parent exactly.

>>> spread_quarters([300.0, 0.0, 0.0, 600.0], seasonality("flat"))[:3]
[100.0, 100.0, 100.0]
>>> split([90.0] * 12, [4, 5], "equal")[4][0]
45.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

MONTHS = 12
PROFILES = ("flat", "last_year", "custom")
"""Seasonality profiles a quarter (or year) figure is spread onto months by."""
SPLITS = ("equal", "last_year", "typed")
"""How a parent's figure is split onto their people."""
TOLERANCE = 0.005
"""Half a cent: a gap smaller than this is no gap."""

Status = Literal["ok", "short", "over"]


class TargetInputError(ValueError):
    """Bad figures; ``code`` is a translation key, ``params`` its values."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def check_months(values: Sequence[float | None], who: str = "") -> list[float]:
    """Twelve non-negative finite figures (an empty cell is 0), else a refusal naming the cell."""
    if len(values) != MONTHS:
        raise TargetInputError("targets.error.months", who=who, count=len(values))
    out = []
    for month, value in enumerate(values, start=1):
        number = 0.0 if value is None else value
        try:
            number = float(number)
        except (TypeError, ValueError):
            raise TargetInputError(
                "targets.error.not_number", who=who, month=month, value=str(value)
            ) from None
        if not math.isfinite(number) or number < 0:
            raise TargetInputError("targets.error.negative", who=who, month=month, value=value)
        out.append(number)
    return out


def seasonality(
    profile: str, last_year: Sequence[float] | None = None, custom: Sequence[float] | None = None
) -> list[float]:
    """Twelve month weights: flat, last year's monthly figures, or twelve typed weights.

    Last year's shape with nothing sold last year is flat.
    """
    if profile == "flat":
        return [1.0] * MONTHS
    if profile == "last_year":
        shape = check_months(list(last_year or [0.0] * MONTHS))
        return shape if sum(shape) > 0 else [1.0] * MONTHS
    if profile == "custom":
        weights = check_months(list(custom or []), who="weights")
        if sum(weights) <= 0:
            raise TargetInputError("targets.error.no_weights")
        return weights
    raise TargetInputError("targets.error.profile", profile=profile, profiles=", ".join(PROFILES))


def _cents(value: float) -> float:
    return round(value + 0.0, 2)


def _shares(total: float, weights: Sequence[float]) -> list[float]:
    """``total`` in proportion to ``weights`` (equal when they are all 0), to the cent,
    the remainder on the last share."""
    count = len(weights)
    if count == 0:
        return []
    whole = sum(weights)
    parts = [_cents(total * w / whole) if whole > 0 else _cents(total / count) for w in weights]
    parts[-1] = _cents(total - sum(parts[:-1]))
    return parts


def spread_quarters(quarters: Sequence[float], weights: Sequence[float]) -> list[float]:
    """Four quarter figures onto twelve months, each quarter by its months' weights."""
    if len(quarters) != 4:
        raise TargetInputError("targets.error.quarters", count=len(quarters))
    totals = check_months([*quarters, *([0.0] * 8)], who="quarters")[:4]
    months: list[float] = []
    for index, total in enumerate(totals):
        months.extend(_shares(total, weights[index * 3 : index * 3 + 3]))
    return months


def spread_year(total: float, weights: Sequence[float]) -> list[float]:
    """A year's figure onto twelve months by ``weights``."""
    return _shares(check_months([total, *([0.0] * 11)], who="year")[0], weights)


def split(
    parent: Sequence[float],
    people: Sequence[int],
    method: str,
    last_year: Mapping[int, float] | None = None,
) -> dict[int, list[float]]:
    """The parent's monthly figures split onto ``people``: an equal share each, or
    their share of last year's figures (equal when nobody had any)."""
    if method not in ("equal", "last_year"):
        raise TargetInputError("targets.error.split", method=method, methods=", ".join(SPLITS))
    weights = (
        [max(float((last_year or {}).get(p, 0.0)), 0.0) for p in people]
        if method == "last_year"
        else [1.0] * len(people)
    )
    columns = [_shares(float(value), weights) for value in parent]
    return {person: [columns[m][i] for m in range(MONTHS)] for i, person in enumerate(people)}


@dataclass(frozen=True)
class Check:
    """The split's sum against the parent's figure, per month and for the year."""

    parent: list[float]
    total: list[float]

    @property
    def gaps(self) -> list[float]:
        """Split minus parent, per month (negative: short)."""
        return [_cents(s - p) for s, p in zip(self.total, self.parent, strict=True)]

    @property
    def year_gap(self) -> float:
        return _cents(sum(self.total) - sum(self.parent))

    @property
    def status(self) -> Status:
        """``short`` or ``over`` when any month misses the parent, else ``ok``."""
        worst = min(self.gaps), max(self.gaps)
        if worst[0] <= -TOLERANCE:
            return "short"
        if worst[1] >= TOLERANCE:
            return "over"
        return "ok"


def check_sum(parent: Sequence[float], lines: Mapping[int, Sequence[float]]) -> Check:
    """Add the split's months up and hold them against the parent's."""
    total = [_cents(sum(values[m] for values in lines.values())) for m in range(MONTHS)]
    return Check([float(p) for p in parent], total)
