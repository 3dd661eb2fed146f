"""Step tables of the thresholds rule: ``"120:120, 100:100, 80:60"``."""

from __future__ import annotations


def parse_steps(text: str) -> list[tuple[float, float]]:
    """``"120:120, 100:100, 80:60"`` -> ``[(120, 120), (100, 100), (80, 60)]``, highest first.

    Each step is ``attainment %:points``; raises ``ValueError`` naming the bad part.
    """
    steps: list[tuple[float, float]] = []
    for part in (p.strip() for p in text.replace(";", ",").replace("，", ",").split(",")):
        if not part:
            continue
        bits = part.replace("：", ":").split(":")
        try:
            if len(bits) != 2:
                raise ValueError
            low, points = float(bits[0].strip().rstrip("%")), float(bits[1])
        except ValueError:
            raise ValueError(part) from None
        if low < 0 or points < 0:
            raise ValueError(part)
        steps.append((low, points))
    if not steps:
        raise ValueError(text)
    lows = [low for low, _ in steps]
    if len(set(lows)) != len(lows):
        raise ValueError(text)
    return sorted(steps, reverse=True)
