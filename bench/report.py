"""The results table: plain text for the terminal, Markdown for ``bench/results.md``."""

from __future__ import annotations

import datetime as dt
import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench.data import BenchDb
from bench.measure import Result, Sample

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


def _peak(sample: Sample | None) -> str:
    if sample is None or sample.peak_mib is None:
        return ""
    text = f"{sample.peak_mib:,.0f}"
    if sample.child_peak_mib >= 1:
        text += f" (worker {sample.child_peak_mib:,.0f})"
    return text


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
        peak = r.peak
        out.append(
            [
                r.benchmark,
                r.scale,
                variant,
                _seconds(r.median),
                _seconds(r.best),
                ratio(r, baselines.get((r.benchmark, r.scale))),
                _peak(peak),
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


def load_average() -> str:
    """Other work on the machine skews the timings; this shows how much there was."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def build_text(db: BenchDb) -> str:
    """How the database came to be: built now, or reused (and when it was built)."""
    info = db.info
    if db.built_seconds is not None:
        text = f"built in {db.built_seconds:.1f} s"
    elif info.get("built_seconds") is not None:
        text = f"reused (built {info.get('built_at', '?')} in {info['built_seconds']:.1f} s)"
    else:
        text = "reused"
    if info.get("upgraded_in_place_at"):
        text += f"; schema upgraded in place {info['upgraded_in_place_at']} (--reuse)"
    failures = info.get("seed_failures") or []
    if failures:
        text += "; WARNING, demo data incomplete: " + "; ".join(failures)
    return text


def markdown(
    results: list[Result],
    dbs: list[BenchDb],
    args: str,
    failures: list[str],
    started_load: str,
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
        f"- load average (1/5/15 min) at the start: {started_load}, at the end: {load_average()}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()),
    ]
    for db in dbs:
        lines.append(f"- database `data/bench/{db.scale}.db`: {build_text(db)}")
    lines += [
        "",
        "Median and min of the repeats, in wall seconds. *vs baseline* is the median",
        "over the baseline's median (below 1 is faster). *peak MiB* is how far the",
        "process's peak RSS rose above its RSS just before the call, plus the same for",
        "its child processes (the connectorx worker; shown apart), highest of the",
        "repeats. *check*: the variant's numbers equal the baseline's within a",
        'relative 1e-6 ("ok" on the baseline row means it was the reference).',
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


PAGES_START = "<!-- pages: written by bench.pages -->"
PAGES_END = "<!-- /pages -->"


def _pages_section(text: str) -> str | None:
    """The page tables in ``text`` (markers included), or ``None``."""
    start = text.find(PAGES_START)
    end = text.find(PAGES_END, start)
    return None if start < 0 or end < 0 else text[start : end + len(PAGES_END)]


def write_markdown(text: str, pages: str | None = None) -> Path:
    """``text``, then the page tables: ``pages`` when given, else those already in the file
    (a run without the ``pages`` family keeps the last page tables)."""
    if pages is not None:
        section = f"{PAGES_START}\n{pages.rstrip()}\n{PAGES_END}"
    else:
        old = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else ""
        section = _pages_section(old)
    if section:
        text = f"{text.rstrip()}\n\n{section}\n"
    RESULTS_MD.write_text(text, encoding="utf-8")
    return RESULTS_MD


def write_pages_section(pages: str) -> Path:
    """Replace (or add) only the page tables, keeping the rest of the file."""
    old = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Benchmark results\n"
    section = _pages_section(old)
    rest = old.replace(section, "").rstrip() if section else old.rstrip()
    return write_markdown(rest + "\n", pages)
