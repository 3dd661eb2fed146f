"""Every page as a user meets it: the real app in a real browser.

``python -m bench.pages --scale medium [--backend sqlite,postgresql] [--roles director,rep]``
(and the ``pages`` family of ``python -m bench``).

For each backend, scale and role (director, manager, rep) the app is started
afresh with ``command-center run --port P`` against a private copy of the
bench database (SQLite: a backup of ``data/bench/<scale>.db`` in a temporary
folder; PostgreSQL: a database cloned from a template that
``command-center init`` + ``command-center demo`` loaded once), Debian's
Chromium signs in through the login form and visits every page of the
sidebar navigation the role sees, three times:

- **cold**: the first visit in that server process (one fresh process per
  role, so nothing of another role's tour is cached; the operating system's
  file cache is not emptied). The home page's cold visit is the sign-in;
- **warm**: the second visit, after a round of every page;
- **after a write**: one order line is booked from outside the app (this
  process, ``command_center.ledger.book_lines`` against the same database,
  for the ``rep`` login's person, so it lies in every role's scope) right
  before the page's next visit; so every page's time is its first render
  after a write.

A visit's time runs from the click on the navigation link (or the sign-in
button) until Streamlit's "script finished" message reaches the browser
(seen on its WebSocket; ``stApp`` then says
``data-test-script-state="notRunning"``) and no further run follows within a
short settle time (``st.rerun``); both instants are taken in the browser.
After each role's tour the resident memory of the server process and its
children (the connectorx worker) is read from ``/proc``.
No timing is asserted anywhere: this measures, ``tests/test_bench_pages.py``
only checks that the tour still runs and every page renders without an
exception.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import report
from bench.measure import _status_mib, descendants

ROLES = ("director", "manager", "rep")
BACKENDS = ("sqlite", "postgresql")
KINDS = ("cold", "warm", "after_write")
PASSWORD = "demo-pass-2026"
WRITER_LOGIN = "rep"  # the booked lines are this login's: in every role's scope
PG_SERVER = os.environ.get(
    "COMMAND_CENTER_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SETTLE_MS = 400  # a run that ends and is followed by another within this is one visit
TIMEOUT_MS = 300_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BIN = Path(sys.executable).parent
NAV_LINK = "[data-testid='stSidebarNavLink']"
STATE = "document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')"
DONE = f"n => window.__cc && window.__cc.runs > n && {STATE} === 'notRunning'"
# In the page before its own scripts: counts the script runs that finished (a
# ForwardMsg with ``script_finished``, field 6, on Streamlit's WebSocket; a
# fragment's run too) and notes when the last one arrived, and the last click.
PROBE = """
(() => {
  if (window.__cc) return;
  const cc = window.__cc = {runs: 0, idleAt: 0, clickAt: 0};
  document.addEventListener('click', () => { cc.clickAt = performance.now(); }, true);
  const finished = (data) => {
    if (!(data instanceof ArrayBuffer)) return false;
    const b = new Uint8Array(data);
    let i = 0;
    const varint = () => {
      let v = 0, m = 1;
      while (i < b.length) { const x = b[i++]; v += (x & 127) * m; if (x < 128) break; m *= 128; }
      return v;
    };
    while (i < b.length) {
      const key = varint(), field = Math.floor(key / 8), wire = key % 8;
      if (field === 6 && wire === 0) return true;
      if (wire === 0) varint();
      else if (wire === 2) { const n = varint(); i += n; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return false;
    }
    return false;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (!finished(event.data)) return;
        cc.idleAt = performance.now();
        cc.runs += 1;
      });
    }
  };
})();
"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Visit:
    """One page of one role: seconds per kind of visit; ``error``: what the page showed."""

    key: str
    title: str
    cold: float | None = None
    warm: float | None = None
    after_write: float | None = None
    errors: list[str] = field(default_factory=list)
    rss_mib: dict[str, float] = field(default_factory=dict)  # per kind: server + children after


@dataclass
class Tour:
    """One role's tour of one database in one fresh server process."""

    backend: str
    scale: str
    role: str
    start_seconds: float = 0.0  # process start until /_stcore/health answers
    start_rss_mib: float | None = None  # server + children when it first answered
    visits: list[Visit] = field(default_factory=list)
    rss_mib: float | None = None  # server + children after the tour
    worker_mib: float = 0.0  # the children's part
    peak_mib: float | None = None  # the server process's high-water mark (VmHWM)
    error: str = ""  # a tour that broke off says why


# -- databases ---------------------------------------------------------------------------


@dataclass
class Target:
    backend: str
    scale: str
    url: str
    cleanup: Callable[[], None] = lambda: None


def sqlite_copy(source: Path, folder: Path, scale: str) -> Target:
    """A consistent private copy (SQLite's backup API: WAL contents included), with the
    summaries' snapshots the source has (as a user's restarted app finds them)."""
    from sqlalchemy import create_engine

    from command_center.db import snapshots

    dest = folder / f"pages-{scale}.db"
    source_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    with contextlib.closing(source_db) as src, contextlib.closing(sqlite3.connect(dest)) as dst:
        src.backup(dst)
    found = snapshots.folder(create_engine(f"sqlite:///{source}"))
    kept = snapshots.folder(create_engine(f"sqlite:///{dest}"))
    if found is not None and kept is not None and found.is_dir():
        shutil.copytree(found, kept, dirs_exist_ok=True)
    return Target("sqlite", scale, f"sqlite:///{dest}")


def _pg_admin() -> Any:
    from sqlalchemy import create_engine

    return create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    from sqlalchemy import make_url

    return make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)


def _cli(args: list[str], url: str, log: Path | None = None) -> None:
    env = {**os.environ, "COMMAND_CENTER_DB_URL": url}
    out = subprocess.run(
        [str(BIN / "command-center"), *args], env=env, capture_output=True, text=True
    )
    if log is not None:
        with log.open("a", encoding="utf-8") as fh:
            fh.write(out.stdout + out.stderr)
    if out.returncode != 0:
        raise RuntimeError(f"command-center {' '.join(args)} failed: {out.stderr[-2000:]}")


def _pg_template_ok(url: str, scale: str) -> bool:
    """The template holds a finished demo of ``scale`` and its schema is current."""
    from sqlalchemy import text

    from bench.data import host
    from command_center.db.engine import dispose_engine, get_engine
    from command_center.db.migrate import pending
    from command_center.demo import SCALES

    engine = get_engine(url)
    try:
        if pending(engine, host()):
            return False
        with engine.connect() as conn:
            done = conn.execute(
                text("SELECT 1 FROM bench_pages_done WHERE scale = :s"), {"s": scale}
            )
            return (
                done.first() is not None
                and conn.execute(text("SELECT count(*) FROM people")).scalar_one()
                == SCALES[scale].people
            )
    except Exception:
        return False
    finally:
        dispose_engine(url)


def pg_clone(scale: str, log: Path) -> Target:
    """A fresh database cloned from ``cc_bench_<scale>_tpl`` (built when missing or stale)."""
    from sqlalchemy import text

    from bench.data import AS_OF, SEED
    from command_center.db.engine import dispose_engine

    admin = _pg_admin()
    template = f"cc_bench_{scale}_tpl"
    tpl_url = _pg_url(template)
    try:
        if not _pg_template_ok(tpl_url, scale):
            print(f"   loading the {scale} demo into PostgreSQL {template} (once)", flush=True)
            started = time.perf_counter()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{template}"'))
            _cli(["init"], tpl_url, log)
            _cli(
                ["demo", "--scale", scale, "--seed", str(SEED), "--as-of", AS_OF.isoformat()],
                tpl_url,
                log,
            )
            from command_center.db.engine import get_engine

            engine = get_engine(tpl_url)
            with engine.begin() as conn:
                conn.execute(text("CREATE TABLE bench_pages_done (scale text)"))
                conn.execute(text("INSERT INTO bench_pages_done VALUES (:s)"), {"s": scale})
            dispose_engine(tpl_url)
            print(f"   loaded in {time.perf_counter() - started:.0f} s", flush=True)
        name = f"cc_bench_pages_{scale}_{os.getpid()}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    finally:
        admin.dispose()
    url = _pg_url(name)

    def drop() -> None:
        dispose_engine(url)
        engine = _pg_admin()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return Target("postgresql", scale, url, drop)


# -- the write from outside --------------------------------------------------------------


class Writer:
    """Books one order line per call, as another user of the same database would."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import select

        from command_center.db.engine import get_engine, read_session
        from command_center.db.models import OrderLine, User

        self.url = url
        self.engine = get_engine(url)
        with read_session(self.engine) as session:
            person = session.scalars(select(User.person_id).where(User.login == WRITER_LOGIN)).one()
            last = session.execute(
                select(OrderLine.customer_id, OrderLine.order_date)
                .where(OrderLine.person_id == person)
                .order_by(OrderLine.order_id.desc())
                .limit(1)
            ).one()
        self.person_id = int(person)
        self.customer_id = int(last.customer_id)
        self.day: dt.date = last.order_date
        self.booked = 0

    def book(self) -> None:
        from command_center.db.engine import write_session
        from command_center.ledger import NewLine, book_lines

        with write_session(self.engine) as session:
            line = NewLine(self.customer_id, self.person_id, self.day, 1_000.0, 600.0)
            book_lines(session, [line], actor="bench", source="bench.pages")
        self.booked += 1

    def close(self) -> None:
        from command_center.db.engine import dispose_engine

        dispose_engine(self.url)


# -- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str
    start_seconds: float

    def memory(self) -> tuple[float | None, float, float | None]:
        """RSS of the server and its children, the children's part, the server's peak."""
        own = _status_mib(self.proc.pid, "VmRSS")
        if own is None:
            return None, 0.0, None
        children = sum(_status_mib(pid, "VmRSS") or 0.0 for pid in descendants(self.proc.pid))
        return own + children, children, _status_mib(self.proc.pid, "VmHWM")


@contextlib.contextmanager
def serve(db_url: str, log: Path) -> Iterator[Server]:
    """``command-center run`` on a free port, until /_stcore/health answers."""
    port = free_port()
    env = {**os.environ, "COMMAND_CENTER_DB_URL": db_url, "COMMAND_CENTER_DISABLED_PLUGINS": ""}
    started = time.perf_counter()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(BIN / "command-center"), "run", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited ({proc.returncode}); see {log}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not answer /_stcore/health; see {log}")
            time.sleep(0.2)
        yield Server(proc, url, time.perf_counter() - started)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the browser -------------------------------------------------------------------------


def _settled(page: Any, runs_before: int, settle_ms: int = SETTLE_MS) -> float:
    """Wait for the run after a click to finish and stay finished; seconds since the click."""
    runs = runs_before
    while True:
        try:
            page.wait_for_function(DONE, arg=runs, timeout=TIMEOUT_MS)
        except Exception as exc:
            state = page.evaluate("[window.__cc, location.pathname]")
            raise RuntimeError(f"no finished run after the click ({state})") from exc
        runs = page.evaluate("window.__cc.runs")
        page.wait_for_timeout(settle_ms)
        if page.evaluate("window.__cc.runs") == runs and page.evaluate(f"{STATE} === 'notRunning'"):
            break
    idle, click = page.evaluate("[window.__cc.idleAt, window.__cc.clickAt]")
    return max(0.0, (idle - click) / 1000)


def _errors(page: Any) -> list[str]:
    """Exceptions the page shows (the shell's guard renders them with st.exception)."""
    found = page.locator("[data-testid='stException']")
    return [found.nth(i).inner_text()[:300] for i in range(found.count())]


def _path(url: str) -> str:
    return urllib.parse.urlparse(url).path.strip("/")


def _label(text: str) -> str:
    """A link's title without its icon's ligature name (the first line)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _nav_links(page: Any) -> list[tuple[str, str]]:
    """(url path, title) of every page in the sidebar navigation, in order."""
    more = page.locator("[data-testid='stSidebarNavViewButton']")
    if more.count() and "more" in more.first.inner_text().lower():
        more.first.click()
    links = page.locator(NAV_LINK)
    return [
        (_path(links.nth(i).get_attribute("href") or ""), _label(links.nth(i).inner_text()))
        for i in range(links.count())
    ]


def _visit(page: Any, index: int, settle_ms: int = SETTLE_MS) -> float:
    runs = page.evaluate("window.__cc.runs")
    page.locator(NAV_LINK).nth(index).click()
    return _settled(page, runs, settle_ms)


def sign_in(page: Any, app_url: str, login: str, settle_ms: int = SETTLE_MS) -> float:
    """Open the app in ``page`` (with :data:`PROBE`) and sign in as ``login``; seconds
    from the click on "Sign in" until the landing page is idle."""
    page.goto(app_url)
    page.wait_for_function(DONE, arg=0)
    page.get_by_role("textbox", name="Login").fill(login)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    runs = page.evaluate("window.__cc.runs")
    page.get_by_role("button", name="Sign in").click()
    page.locator(NAV_LINK).first.wait_for()  # signed in: the navigation is there
    return _settled(page, runs, settle_ms)


def tour(
    app_url: str,
    login: str,
    book: Callable[[], None],
    kinds: tuple[str, ...] = KINDS,
    settle_ms: int = SETTLE_MS,
    pages: int | None = None,
    memory: Callable[[], float | None] | None = None,
) -> list[Visit]:
    """Sign in as ``login``; every page cold, then warm and after a write when in ``kinds``
    (see the module doc). ``pages``: only the first that many of the navigation (a smoke).
    ``memory``: read after each visit into :attr:`Visit.rss_mib` (the server's RSS)."""

    def note(visit: Visit, kind: str) -> None:
        found = memory() if memory is not None else None
        if found is not None:
            visit.rss_mib[kind] = found

    from playwright.sync_api import sync_playwright

    executable = chromium()
    if executable is None:
        raise RuntimeError("Debian's chromium is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_init_script(PROBE)
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            signed_in = sign_in(page, app_url, login, settle_ms)
            landing = _path(page.url)
            landing_errors = _errors(page)
            visits = [Visit(key, title) for key, title in _nav_links(page)][:pages]
            if len(visits) < 2:
                shown = page.inner_text("body")[:400]
                raise RuntimeError(f"no navigation after signing in as {login}; shows: {shown}")
            for index, visit in enumerate(visits):
                if visit.key == landing:  # the default page renders at sign-in
                    visit.cold, found = signed_in, landing_errors
                else:
                    visit.cold = _visit(page, index, settle_ms)
                    found = _errors(page)
                visit.errors += found
                note(visit, "cold")
            for index, visit in enumerate(visits if "warm" in kinds else []):
                visit.warm = _visit(page, index, settle_ms)
                visit.errors += _errors(page)
                note(visit, "warm")
            for index, visit in enumerate(visits if "after_write" in kinds else []):
                book()
                visit.after_write = _visit(page, index, settle_ms)
                visit.errors += _errors(page)
                note(visit, "after_write")
            for visit in visits:
                visit.errors = list(dict.fromkeys(visit.errors))
            return visits
        finally:
            browser.close()


def run_role(
    target: Target,
    role: str,
    log: Path,
    kinds: tuple[str, ...] = KINDS,
    settle_ms: int = SETTLE_MS,
    pages: int | None = None,
) -> Tour:
    result = Tour(target.backend, target.scale, role)
    writer = Writer(target.url)
    try:
        with serve(target.url, log) as server:
            result.start_seconds = server.start_seconds
            result.start_rss_mib = server.memory()[0]
            try:
                result.visits = tour(
                    server.url,
                    role,
                    writer.book,
                    kinds,
                    settle_ms,
                    pages,
                    lambda: server.memory()[0],
                )
            except Exception as exc:
                result.error = f"{type(exc).__name__}: {str(exc)[:300]}"
            result.rss_mib, result.worker_mib, result.peak_mib = server.memory()
    finally:
        writer.close()
    return result


def run_target(
    target: Target,
    roles: tuple[str, ...],
    log: Path,
    progress: Callable[[Tour], None] | None = None,
    kinds: tuple[str, ...] = KINDS,
    settle_ms: int = SETTLE_MS,
    pages: int | None = None,
) -> list[Tour]:
    """Every role's tour of one database; the app is migrated for it first."""
    _cli(["init"], target.url, log)
    tours: list[Tour] = []
    for role in roles:
        done = run_role(target, role, log, kinds, settle_ms, pages)
        if progress:
            progress(done)
        tours.append(done)
    return tours


# -- the report --------------------------------------------------------------------------


def _s(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _mib(value: float | None) -> str:
    return "?" if value is None else f"{value:,.0f}"


def print_tour(done: Tour) -> None:
    head = f"  {done.backend:<10} {done.scale:<6} {done.role:<9}"
    if done.error:
        print(f"{head} BROKE OFF: {done.error}", flush=True)
    for v in done.visits:
        flag = f"  ERROR: {v.errors[0][:120]}" if v.errors else ""
        rss = "/".join(_mib(v.rss_mib.get(kind)) for kind in KINDS if kind in v.rss_mib)
        print(
            f"{head} {v.title[:28]:<28} cold {_s(v.cold):>6}  warm {_s(v.warm):>6}  "
            f"after write {_s(v.after_write):>6}  RSS {rss} MiB{flag}",
            flush=True,
        )
    print(
        f"{head} RSS {_mib(done.rss_mib)} MiB (worker {_mib(done.worker_mib)}), "
        f"server peak {_mib(done.peak_mib)} MiB, start {done.start_seconds:.1f} s "
        f"({_mib(done.start_rss_mib)} MiB)",
        flush=True,
    )


def table(tours: list[Tour]) -> list[str]:
    """One Markdown table per backend and scale: page × role × (cold, warm, after write)."""
    out: list[str] = []
    groups: dict[tuple[str, str], list[Tour]] = {}
    for done in tours:
        groups.setdefault((done.backend, done.scale), []).append(done)
    for (backend, scale), group in groups.items():
        roles = [d.role for d in group]
        titles: dict[str, str] = {}
        for d in group:
            for v in d.visits:
                titles.setdefault(v.key, v.title)
        out += [f"### {backend} · {scale}", ""]
        out.append("| page | " + " | ".join(f"{r} cold | warm | after write" for r in roles) + " |")
        out.append("|---|" + "---:|" * (3 * len(roles)))
        errors: list[str] = []
        for key, title in titles.items():
            cells = [title]
            for d in group:
                visit = next((v for v in d.visits if v.key == key), None)
                if visit is None:
                    cells += ["", "", ""]
                    continue
                mark = ""
                if visit.errors:
                    errors.append(f"{d.role} · {title}: {visit.errors[0][:200]}")
                    mark = f" [E{len(errors)}]"
                cells += [_s(visit.cold) + mark, _s(visit.warm), _s(visit.after_write)]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        rss = ["RSS MiB after the tour (worker)"]
        for d in group:
            rss += [f"{_mib(d.rss_mib)} ({_mib(d.worker_mib)})", f"peak {_mib(d.peak_mib)}", ""]
        out.append("| " + " | ".join(rss) + " |")
        out.append("")
        for d in group:
            if d.error:
                out.append(f"- {d.role}: tour broke off: {d.error}")
        out += [f"- [E{i}] {e}" for i, e in enumerate(errors, 1)]
        if any(d.error for d in group) or errors:
            out.append("")
    return out


def markdown(tours: list[Tour], command: str, started_load: str, notes: list[str]) -> str:
    info = report.machine()
    lines = [
        "## Pages in a browser",
        "",
        f"- date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- command: `{command}`",
        f"- machine: {info['nproc']} CPUs, {info['memory']} memory, {info['cpu']}",
        f"- load average (1/5/15 min) at the start: {started_load}, "
        f"at the end: {report.load_average()}",
        "",
        "Seconds from the click on the page's navigation link until Streamlit's script run",
        "has finished (and no rerun followed), in headless Chromium. One fresh app process",
        "per role (`command-center run`, on a private copy of the database): *cold* is the",
        "page's first visit in that process (home: the sign-in), *warm* the second,",
        "*after write* the next visit after one order line was booked from another",
        "process. *RSS*: the server process plus its children (the connectorx worker)",
        "after the tour, and the server's peak (VmHWM).",
        "",
    ]
    lines += [f"- {n}" for n in notes]
    if notes:
        lines.append("")
    lines += table(tours)
    return "\n".join(lines) + "\n"


# -- entry points ------------------------------------------------------------------------


def bench_source(scale: str) -> Path:
    from bench.data import db_path, info_path

    path = db_path(scale)
    if not path.exists() or not info_path(scale).exists():
        raise RuntimeError(f"{path} is not built (python -m bench --scale {scale} builds it)")
    return path


def run_scale(
    scale: str,
    backends: tuple[str, ...],
    roles: tuple[str, ...] = ROLES,
    notes: list[str] | None = None,
) -> list[Tour]:
    """Both backends' tours at one scale (PostgreSQL skipped, with a note, when unreachable)."""
    tours: list[Tour] = []
    with tempfile.TemporaryDirectory(prefix="cc-pages-") as folder:
        log = Path(folder) / "app.log"
        for backend in backends:
            print(f"== pages: {backend} {scale}", flush=True)
            try:
                if backend == "sqlite":
                    target = sqlite_copy(bench_source(scale), Path(folder), scale)
                else:
                    target = pg_clone(scale, log)
            except Exception as exc:
                message = f"{backend} {scale} skipped: {type(exc).__name__}: {str(exc)[:200]}"
                print(f"   {message}", flush=True)
                if notes is not None:
                    notes.append(message)
                continue
            try:
                tours += run_target(target, roles, log, print_tour)
            finally:
                target.cleanup()
    return tours


def _names(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__)
    parser.add_argument("--scale", type=_names, default=["medium"], help="medium,large")
    parser.add_argument("--backend", type=_names, default=list(BACKENDS), help="sqlite,postgresql")
    parser.add_argument("--roles", type=_names, default=list(ROLES), help="director,manager,rep")
    parser.add_argument(
        "--pg-large",
        action="store_true",
        help="also PostgreSQL at large (loading it takes many minutes)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write the tables to this file instead of bench/results.md's page section",
    )
    args = parser.parse_args(argv)
    if bad := [b for b in args.backend if b not in BACKENDS]:
        parser.error(f"unknown backend {', '.join(bad)}")
    started_load = report.load_average()
    notes: list[str] = []
    tours: list[Tour] = []
    for scale in args.scale:
        backends = tuple(
            b
            for b in args.backend
            if not (b == "postgresql" and scale == "large" and not args.pg_large)
        )
        if len(backends) < len(args.backend):
            notes.append(f"PostgreSQL at {scale} not run (pass --pg-large)")
        tours += run_scale(scale, backends, tuple(args.roles), notes)
    command = "python -m bench.pages " + " ".join(sys.argv[1:] if argv is None else argv)
    text = markdown(tours, command.strip(), started_load, notes)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
        path = args.out
    else:
        path = report.write_pages_section(text)
    print(f"wrote {path}")
    broken = [t for t in tours if t.error] + [t for t in tours if any(v.errors for v in t.visits)]
    return 1 if broken or not tours else 0


if __name__ == "__main__":
    sys.exit(main())
