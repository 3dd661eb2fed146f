"""Lever → redraw on the what-if simulator, in a real browser (issue 18, item 1).

``python -m bench.lever --scale large [--roles director,manager] [--presses 6]``

For each role the app is started afresh (``command-center run``, through
:func:`bench.pages.serve`) on a private copy of ``data/bench/<scale>.db`` in a
temporary folder (SQLite's backup API; the bench database is only read).
Debian's Chromium signs in (:func:`bench.pages.sign_in`), opens the What-if
simulator (cold), goes home, opens it again (warm), then presses the step-up
button of the first number input on the page (the first rate of the plan,
"Tier 1 rate (%)") ``--presses`` times. Each press is timed from the click
until Streamlit is idle: the fragment's run has finished (the "script
finished" probe of :mod:`bench.pages`) and no other run followed within the
settle time. Beside each press: the bytes the browser received for it on
Streamlit's WebSocket (the fragment's delta), and the engine line the page
shows ("Engine … ms for … person-periods"). The machine's load (``uptime``)
is read before and after each role: the machine is shared, so repeat and
compare medians.

Nothing is asserted on time: ``tests/test_bench_lever.py`` runs one press on
the small demo and checks only that it ran and rendered without exception.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import pages, report

ROLES = ("director", "manager")
SIMULATOR = "incentives-simulator"  # the page's URL path
HOME = ""
NUMBER = "[data-testid='stMain'] [data-testid='stNumberInput']"
STEP_UP = "[data-testid='stNumberInputStepUp']"
ENGINE = re.compile(r"Engine [\d.,]+ ms for [\d,]+ person-periods")
# After the probe of bench.pages: the bytes Streamlit's WebSocket delivered
# since the last click (the fragment's delta, its "script finished" included)
# and when the first of them arrived.
PAYLOAD = """
(() => {
  if (window.__lever) return;
  const lv = window.__lever = {bytes: 0, messages: 0, largest: 0, firstAt: 0};
  document.addEventListener('click', () => {
    lv.bytes = 0; lv.messages = 0; lv.largest = 0; lv.firstAt = 0;
  }, true);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const n = event.data instanceof ArrayBuffer ? event.data.byteLength
          : (event.data.size || event.data.length || 0);
        if (!lv.firstAt) lv.firstAt = performance.now();
        lv.bytes += n; lv.messages += 1; lv.largest = Math.max(lv.largest, n);
      });
    }
  };
})();
"""


@dataclass
class Press:
    ms: float  # click until idle
    first_ms: float  # click until the first message of the rerun arrived
    kib: float  # received on the WebSocket for this press
    largest_kib: float  # its largest message
    engine: str  # the engine line after the press
    value: str  # the lever's value after the press


@dataclass
class LeverRun:
    """One role's presses in one fresh server process."""

    scale: str
    role: str
    open_cold: float | None = None  # seconds
    open_warm: float | None = None
    presses: list[Press] = field(default_factory=list)
    load_before: str = ""
    load_after: str = ""
    errors: list[str] = field(default_factory=list)  # exceptions the page showed
    error: str = ""  # a run that broke off says why

    @property
    def median_ms(self) -> float | None:
        return statistics.median(p.ms for p in self.presses) if self.presses else None


def _index(page: Any, key: str) -> int:
    for i, (path, _) in enumerate(pages._nav_links(page)):
        if path == key:
            return i
    raise RuntimeError(f"no navigation link to /{key}")


def _engine_line(page: Any) -> str:
    found = page.get_by_text(ENGINE)
    if not found.count():
        return ""
    match = ENGINE.search(found.first.inner_text())
    return match.group(0) if match else ""


def press(page: Any, settle_ms: int = pages.SETTLE_MS) -> Press:
    """Click the step-up of the page's first number input; wait until the app is idle."""
    field_ = page.locator(NUMBER).first
    runs = page.evaluate("window.__cc.runs")
    field_.locator(STEP_UP).click()
    seconds = pages._settled(page, runs, settle_ms)
    got = page.evaluate(
        "[window.__lever.bytes, window.__lever.largest,"
        " window.__lever.firstAt - window.__cc.clickAt]"
    )
    value = field_.locator("input").input_value()
    return Press(
        seconds * 1000, max(0.0, got[2]), got[0] / 1024, got[1] / 1024, _engine_line(page), value
    )


def drive(
    app_url: str,
    login: str,
    presses: int,
    result: LeverRun,
    settle_ms: int = pages.SETTLE_MS,
    warm: bool = True,
) -> None:
    """Sign in, open the simulator cold (and, when ``warm``, again after home), press
    the lever ``presses`` times."""
    from playwright.sync_api import sync_playwright

    executable = pages.chromium()
    if executable is None:
        raise RuntimeError("Debian's chromium is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=pages.CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_init_script(pages.PROBE)
            context.add_init_script(PAYLOAD)
            page = context.new_page()
            page.set_default_timeout(pages.TIMEOUT_MS)
            pages.sign_in(page, app_url, login, settle_ms)
            result.open_cold = pages._visit(page, _index(page, SIMULATOR), settle_ms)
            if warm:
                pages._visit(page, _index(page, HOME), settle_ms)
                result.open_warm = pages._visit(page, _index(page, SIMULATOR), settle_ms)
            result.errors += pages._errors(page)
            try:  # drawn once its component's code has loaded (lazily, on the first visit)
                page.locator(NUMBER).first.wait_for(timeout=30_000)
            except Exception as exc:
                raise RuntimeError("the simulator shows no number input to press") from exc
            for _ in range(presses):
                result.presses.append(press(page, settle_ms))
                result.errors += pages._errors(page)
            result.errors = list(dict.fromkeys(result.errors))
        finally:
            browser.close()


def run(
    source: Path,
    scale: str,
    roles: tuple[str, ...],
    presses: int,
    folder: Path,
    progress: bool = True,
    settle_ms: int = pages.SETTLE_MS,
    warm: bool = True,
) -> list[LeverRun]:
    """Each role's presses on a private copy of the SQLite database ``source``."""
    target = pages.sqlite_copy(source, folder, scale)
    log = folder / "app.log"
    pages._cli(["init"], target.url, log)
    done: list[LeverRun] = []
    for role in roles:
        result = LeverRun(scale, role, load_before=report.load_average())
        try:
            with pages.serve(target.url, log) as server:
                drive(server.url, role, presses, result, settle_ms, warm)
        except Exception as exc:
            result.error = f"{type(exc).__name__}: {str(exc)[:300]}"
        result.load_after = report.load_average()
        if progress:
            print_run(result)
        done.append(result)
    return done


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def print_run(done: LeverRun) -> None:
    head = f"  {done.scale:<6} {done.role:<9}"
    print(f"{head} load {done.load_before} → {done.load_after}", flush=True)
    print(f"{head} open cold {_s(done.open_cold)} s, warm {_s(done.open_warm)} s", flush=True)
    for i, p in enumerate(done.presses, 1):
        print(
            f"{head} press {i}: {p.ms:6.0f} ms (first message {p.first_ms:4.0f} ms)"
            f"  {p.kib:7.1f} KiB (largest {p.largest_kib:.1f})"
            f"  value {p.value}  {p.engine}",
            flush=True,
        )
    if done.median_ms is not None:
        print(f"{head} median {done.median_ms:.0f} ms", flush=True)
    if done.error:
        print(f"{head} BROKE OFF: {done.error}", flush=True)
    for error in done.errors:
        print(f"{head} ERROR: {error[:200]}", flush=True)


def markdown(runs: list[LeverRun]) -> str:
    """One row per role: the Markdown table of ``bench/results.md``."""
    lines = [
        "| Role | Load before → after | Open cold / warm (s) | Lever → redraw (ms) "
        "| Median (ms) | KiB per press | Engine line (last press) |",
        "|---|---|---|---|---:|---:|---|",
    ]
    for r in runs:
        ms = ", ".join(f"{p.ms:.0f}" for p in r.presses)
        kib = statistics.median(p.kib for p in r.presses) if r.presses else None
        median = "–" if r.median_ms is None else f"{r.median_ms:.0f}"
        engine = r.presses[-1].engine if r.presses else r.error
        lines.append(
            f"| {r.role} | {r.load_before} → {r.load_after} "
            f"| {_s(r.open_cold)} / {_s(r.open_warm)} | {ms} | {median} "
            f"| {'–' if kib is None else f'{kib:,.0f}'} | {engine} |"
        )
    return "\n".join(lines) + "\n"


def _names(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lever", description=__doc__)
    parser.add_argument("--scale", default="large", help="a built bench scale (large)")
    parser.add_argument("--roles", type=_names, default=list(ROLES), help="director,manager")
    parser.add_argument("--presses", type=int, default=6)
    args = parser.parse_args(argv)
    source = pages.bench_source(args.scale)
    info = report.machine()
    print(f"== lever: {args.scale}, {info['nproc']} CPUs, load {report.load_average()}")
    with tempfile.TemporaryDirectory(prefix="cc-lever-") as folder:
        runs = run(source, args.scale, tuple(args.roles), args.presses, Path(folder))
    print()
    print(markdown(runs))
    return 1 if any(r.error or r.errors for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
