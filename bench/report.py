"""The results table: plain text for the terminal, Markdown for ``bench/results.md``."""

from __future__ import annotations

import datetime as dt
import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench.measure import Result

RESULTS_MD = Path(__file__).resolve().parent / "results.md"
HEADERS = ("benchmark", "scale", "variant", "median s", "min s", "vs baseline", "peak MiB", "check")
PACKAGES = ("polars", "connectorx", "pyarrow", "pandas", "duckdb", "sqlalchemy", "streamlit")


def _baselines(results: list[Result]) -> dict[tuple[str, str], Result]:
    return {(r.benchmark, r.scale): r for r in results if r.baseline}


def ratio(result: Result, baseline: Result | None) -> str:
    """The variant's median time over the baseline's: below 1 is faster."""
    if baseline is None:
        return ""
    if result is baseline:
        return "baseline"
    return f"{result.median / baseline.median:.2f}x"


def _seconds(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def rows(results: list[Result]) -> tuple[list[list[str]], list[str]]:
    """Table cells, and the notes that the cells point to with ``[n]``."""
    baselines = _baselines(results)
    notes: list[str] = []
    out: list[list[str]] = []
    for r in results:
        variant = r.variant
        if r.note:
            if r.note not in notes:
                notes.append(r.note)
            variant += f" [{notes.index(r.note) + 1}]"
        peak = r.peak_mib
        out.append(
            [
                r.benchmark,
                r.scale,
                variant,
                _seconds(r.median),
                _seconds(r.best),
                ratio(r, baselines.get((r.benchmark, r.scale))),
                "" if peak is None else f"{peak:,.0f}",
                r.check,
            ]
        )
    return out, notes


def text_table(results: list[Result]) -> str:
    cells, notes = rows(results)
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(HEADERS)]
    numeric = {3, 4, 5, 6}

    def line(values: list[str] | tuple[str, ...]) -> str:
        parts = [
            v.rjust(w) if i in numeric else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    out = [line(HEADERS), line(["-" * w for w in widths])]
    previous = None
    for c in cells:
        if previous is not None and c[0] != previous:
            out.append("")
        out.append(line(c))
        previous = c[0]
    out += [f"[{i}] {note}" for i, note in enumerate(notes, 1)]
    return "\n".join(out)


def machine() -> dict[str, str]:
    mem = "?"
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": str(len(os.sched_getaffinity(0))), "memory": mem, "cpu": cpu}


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def markdown(
    results: list[Result], builds: dict[str, float | None], args: str, failures: list[str]
) -> str:
    cells, notes = rows(results)
    info = machine()
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench`); overwritten on every run.",
        "",
        f"- date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- command: `python -m bench {args}`".rstrip(),
        f"- machine: {info['nproc']} CPUs (`nproc`), {info['memory']} memory, {info['cpu']}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()),
    ]
    for scale, seconds in builds.items():
        built = "reused" if seconds is None else f"built in {seconds:.1f} s"
        lines.append(f"- database `data/bench/{scale}.db`: {built}")
    lines += [
        "",
        "Median and min of the repeats, in wall seconds. *vs baseline* is the median",
        "over the baseline's median (below 1 is faster). *peak MiB* is how far the",
        "process's peak RSS rose above its RSS just before the call. *check*: the",
        "variant's numbers equal the baseline's within a relative 1e-6.",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join("---:" if i in (3, 4, 5, 6) else "---" for i in range(len(HEADERS))) + "|",
    ]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
    if notes:
        lines.append("")
        lines += [f"[{i}] {note}" for i, note in enumerate(notes, 1)]
    if failures:
        lines += ["", "## Failures", ""] + [f"- {f}" for f in failures]
    return "\n".join(lines) + "\n"


def write_markdown(text: str) -> Path:
    RESULTS_MD.write_text(text, encoding="utf-8")
    return RESULTS_MD
