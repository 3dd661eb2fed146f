"""``python -m bench [--scale medium,large] [--repeat N] [--only load,rollup,home,pages]``.

``pages`` is the page tour in a real browser (``bench/pages.py``): its tables
follow the main table in ``bench/results.md``; ``--backend`` and ``--pg-large``
choose where it runs.

``--rebuild`` builds the databases afresh; ``--reuse`` keeps them even when
their schema is behind the code (upgraded in place, no rebuild).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable

from bench import data, home, load, pages, report, rollup
from bench.measure import Result, isolated

Family = Callable[[data.BenchDb, int, Callable[[Result], None]], list[Result]]
FAMILIES: dict[str, Family] = {"load": load.run, "rollup": rollup.run, "home": home.run}
# Not a Result family: the page tour in a browser (bench/pages.py), its own tables.
PAGES = "pages"
# Parts of a family, for --only (not run by default: "load" covers them).
PARTS: dict[str, Family] = {"ledger": load.run_ledger, "monthly": load.run_monthly}


def _names(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scale",
        type=_names,
        default=["medium", "large"],
        help="comma-separated demo scales (default: medium,large)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per variant (default 3)")
    parser.add_argument(
        "--only",
        type=_names,
        default=[*FAMILIES, PAGES],
        help=f"comma-separated benchmark families: {', '.join([*FAMILIES, PAGES])} "
        "(default: all), "
        f"or parts of one: {', '.join(PARTS)}",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build the databases afresh even when current"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep existing databases even when their schema is pending (upgraded in place)",
    )
    parser.add_argument(
        "--backend",
        type=_names,
        default=list(pages.BACKENDS),
        help="backends of the page tour (default: sqlite,postgresql; PostgreSQL large only "
        "with --pg-large)",
    )
    parser.add_argument(
        "--pg-large", action="store_true", help="page tour on PostgreSQL at large too (slow load)"
    )
    args = parser.parse_args(argv)
    from command_center.demo import SCALES

    if unknown := [s for s in args.scale if s not in SCALES]:
        parser.error(f"unknown scale {', '.join(unknown)}; choose from {', '.join(SCALES)}")
    if unknown := [f for f in args.only if f not in FAMILIES and f not in PARTS and f != PAGES]:
        choices = ", ".join([*FAMILIES, PAGES, *PARTS])
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {choices}")
    if unknown := [b for b in args.backend if b not in pages.BACKENDS]:
        parser.error(f"unknown backend {', '.join(unknown)}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def _progress(result: Result) -> None:
    peak = result.peak
    memory = "" if peak is None or peak.peak_mib is None else f", peak {peak.peak_mib:,.0f} MiB"
    if peak is not None and peak.child_peak_mib >= 1:
        memory += f" (worker {peak.child_peak_mib:,.0f})"
    print(
        f"  {result.scale:<6} {result.benchmark} · {result.variant}: "
        f"median {result.median:.3f} s, min {result.best:.3f} s{memory} {result.check}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    started_load = report.load_average()
    results: list[Result] = []

    def keep(result: Result) -> None:
        """Every finished row, so a family that fails halfway still keeps its rows."""
        _progress(result)
        results.append(result)

    dbs: list[data.BenchDb] = []
    failures: list[str] = []
    tours: list[pages.Tour] = []
    page_notes: list[str] = []
    for scale in args.scale:
        print(f"== {scale}: database data/bench/{scale}.db", flush=True)
        # In a child, so the build's memory goes back to the system afterwards.
        db = isolated(data.ensure, scale, args.rebuild, args.reuse)
        dbs.append(db)
        print(f"   {report.build_text(db)}", flush=True)
        for family in args.only:
            print(f"== {scale}: {family}", flush=True)
            if family == PAGES:
                backends = tuple(
                    b
                    for b in args.backend
                    if b != "postgresql" or scale != "large" or args.pg_large
                )
                if len(backends) < len(args.backend):
                    page_notes.append(f"PostgreSQL at {scale} not run (pass --pg-large)")
                done = pages.run_scale(scale, backends, notes=page_notes)
                tours += done
                failures += [
                    f"{scale} pages {t.backend} {t.role}: {t.error}" for t in done if t.error
                ]
                failures += [
                    f"{scale} pages {t.backend} {t.role} {v.title}: {v.errors[0][:200]}"
                    for t in done
                    for v in t.visits
                    if v.errors
                ]
                continue
            try:
                run = FAMILIES.get(family) or PARTS[family]
                run(db, args.repeat, keep)
            except Exception as exc:
                traceback.print_exc()
                failures.append(f"{scale} {family}: {type(exc).__name__}: {exc}")
    failures += [
        f"{r.scale} {r.benchmark} · {r.variant}: {r.check}"
        for r in results
        if r.check.startswith("MISMATCH")
    ]
    print()
    print(report.text_table(results) if results else "no results")
    argv_text = " ".join(sys.argv[1:] if argv is None else argv)
    page_tables = (
        pages.markdown(tours, f"python -m bench {argv_text}".strip(), started_load, page_notes)
        if PAGES in args.only
        else None
    )
    text = report.markdown(results, dbs, argv_text, failures, started_load)
    path = report.write_markdown(text, page_tables)
    print(f"\nwrote {path} ({time.perf_counter() - started:.0f} s in all)")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
