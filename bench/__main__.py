"""``python -m bench [--scale medium,large] [--repeat N] [--only load,rollup,home]``."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable

from bench import data, home, load, report, rollup
from bench.measure import Result, isolated

Family = Callable[[data.BenchDb, int, Callable[[Result], None]], list[Result]]
FAMILIES: dict[str, Family] = {"load": load.run, "rollup": rollup.run, "home": home.run}


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
        default=list(FAMILIES),
        help=f"comma-separated benchmark families: {', '.join(FAMILIES)} (default: all)",
    )
    args = parser.parse_args(argv)
    from command_center.demo import SCALES

    if unknown := [s for s in args.scale if s not in SCALES]:
        parser.error(f"unknown scale {', '.join(unknown)}; choose from {', '.join(SCALES)}")
    if unknown := [f for f in args.only if f not in FAMILIES]:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(FAMILIES)}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def _progress(result: Result) -> None:
    print(
        f"  {result.scale:<6} {result.benchmark} · {result.variant}: "
        f"median {result.median:.3f} s, min {result.best:.3f} s {result.check}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    results: list[Result] = []
    builds: dict[str, float | None] = {}
    failures: list[str] = []
    for scale in args.scale:
        print(f"== {scale}: database data/bench/{scale}.db", flush=True)
        db = isolated(data.ensure, scale)  # a child: the build's memory is returned after
        builds[scale] = db.built_seconds
        if db.built_seconds is None:
            print("   reused the existing database", flush=True)
        else:
            print(f"   built in {db.built_seconds:.1f} s", flush=True)
        for family in args.only:
            print(f"== {scale}: {family}", flush=True)
            try:
                results.extend(FAMILIES[family](db, args.repeat, _progress))
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
    path = report.write_markdown(report.markdown(results, builds, argv_text, failures))
    print(f"\nwrote {path} ({time.perf_counter() - started:.0f} s in all)")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
