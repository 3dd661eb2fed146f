"""Issue 15, item 10 and its "done when": a rep's day on a phone-sized screen.

Debian's Chromium through Playwright at 390 × 844 (a phone, touch, 3× pixels)
against ``command-center run`` on a copy of the small demo. The demo rep has
promised a customer a call today and another customer returns to the public
pool in three days unless followed up. The rep signs in and lands on Today,
sees both rows, logs the promised call from its row and submits the daily
report from the agenda; at each step the page scrolls only vertically and
every button is big enough to tap.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bench.pages import serve
from command_center import i18n
from command_center import testing as apptest
from command_center.db.engine import read_session
from command_center.db.models import Customer
from command_center.i18n import t
from command_center.org.auth import viewer_for
from plugins.customers.actions.followups import FollowUpInput, log_followup
from plugins.customers.models import CustomerProfile
from tests.conftest import Db, demo_copy, make_host

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("COMMAND_CENTER_REQUIRE_BROWSER") != "1":
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SMALLEST_TAP = 32
"""Pixels: the least height and width of a button a thumb can hit (WCAG's minimum is 24)."""
PASSWORD = "demo-pass-2026"
WAIT_MS = 120_000  # a loaded 2-core machine is slow to first paint


@pytest.fixture
def phone_day(tmp_path: Path) -> Iterator[tuple[Db, str, str]]:
    """The demo with the rep's promise due today and a pool release in three days;
    the two customers' names."""
    db = demo_copy("sqlite", tmp_path, None)
    # The server loads every installed plugin (entry points too): migrate for them first.
    env = {**os.environ, "COMMAND_CENTER_DB_URL": db.url, "COMMAND_CENTER_DISABLED_PLUGINS": ""}
    subprocess.run([sys.executable, "-m", "command_center.cli", "init"], env=env, check=True)
    today = dt.date.today()
    rep = viewer_for(db.engine, apptest.signed_in(db.engine, "rep"))
    with read_session(db.engine) as session:
        mine = session.execute(
            select(Customer.customer_id, Customer.name)
            .join(CustomerProfile, CustomerProfile.customer_id == Customer.customer_id)
            .where(Customer.owner_id == rep.person_id, CustomerProfile.locked.is_(False))
            .order_by(Customer.customer_id)
            .limit(2)
        ).all()
    (promised, promised_name), (fading, fading_name) = mine
    call = FollowUpInput(today - dt.timedelta(days=3), "phone", next_date=today)
    log_followup(db.engine, rep, promised, call, today)
    # 30 days without a follow-up release a customer: touched 28 days ago, out in 3
    log_followup(db.engine, rep, fading, FollowUpInput(today - dt.timedelta(days=28), "visit"))
    yield db, str(promised_name), str(fading_name)


def _no_sideways_scroll(page: Any, where: str) -> None:
    widths = page.evaluate(
        """() => {
            const doc = document.documentElement;
            const main = document.querySelector("[data-testid='stMain']") || doc;
            return [doc.scrollWidth, doc.clientWidth, main.scrollWidth, main.clientWidth];
        }"""
    )
    assert widths[0] <= widths[1] + 1 and widths[2] <= widths[3] + 1, (where, widths)


def _tap_targets_are_big_enough(page: Any, where: str) -> None:
    sizes = page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stMain'] button")]
            .filter(b => b.offsetParent !== null)
            // a date field's calendar icon, a multiselect's arrow and clear icons: the whole
            // field (taller than the least tap) opens the same calendar or list
            .filter(b => !b.closest("[data-testid='stDateInput']"))
            .filter(b => !b.closest("[data-testid='stMultiSelect']"))
            .map(b => { const r = b.getBoundingClientRect();
                        return [b.innerText.trim() || b.getAttribute("aria-label")
                                || b.closest("[data-testid]").getAttribute("data-testid"),
                                r.width, r.height]; })"""
    )
    small = [s for s in sizes if s[1] < SMALLEST_TAP or s[2] < SMALLEST_TAP]
    assert sizes and not small, (where, small)


def _row(page: Any, text: str, button: str) -> Any:
    """The agenda row (a bordered block) that holds ``text`` and a button named ``button``:
    the innermost block holding both (ancestors come first in document order)."""
    blocks = page.locator("[data-testid='stVerticalBlock']")
    return blocks.filter(has_text=text).filter(has=page.get_by_role("button", name=button)).last


def test_a_rep_runs_their_day_on_a_phone(phone_day: tuple[Db, str, str], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    db, promised, fading = phone_day
    expect.set_options(timeout=WAIT_MS)
    i18n.install(make_host().translations())
    promise = t("customers.agenda.promised", customer=promised)
    with serve(db.url, tmp_path / "app.log") as app, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3
        ).new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(app.url)
        page.get_by_role("textbox", name="Login").fill("rep")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").tap()

        # Today first: the promise made for today and the pool warning
        expect(page.get_by_role("heading", name=t("today.title"))).to_be_visible()
        expect(page.get_by_text(promise).first).to_be_visible()
        expect(page.get_by_text(fading).first).to_be_visible()
        _no_sideways_scroll(page, "Today")
        _tap_targets_are_big_enough(page, "Today")

        # log the promised call from its row
        _row(page, promise, t("today.log")).get_by_role("button", name=t("today.log")).tap()
        form = _row(page, promise, t("today.close"))
        form.get_by_role("textbox").first.fill("打过电话了，下周报价")
        _no_sideways_scroll(page, "the follow-up form")
        _tap_targets_are_big_enough(page, "the follow-up form")
        form.get_by_role("button", name=t("customers.followups.log")).tap()
        expect(page.get_by_text(f"with {promised}").first).to_be_visible()
        expect(page.get_by_text(promise)).to_have_count(0)

        # the daily report, from its row on the agenda
        write = t("team_events.agenda.write")
        mine = t("team_events.agenda.report", period=dt.date.today().isoformat(), time="")
        _row(page, mine.split(" (")[0], write).get_by_role("button", name=write).tap()
        boxes = page.locator("[data-testid='stForm'] textarea")
        expect(boxes.first).to_be_visible()
        for n, text in enumerate(("签了一单", "客户压价", "需要样品", "明天拜访两家")):
            boxes.nth(n).fill(text)
        _no_sideways_scroll(page, "the report form")
        _tap_targets_are_big_enough(page, "the report form")
        page.get_by_role("button", name=t("team_events.report.submit")).tap()
        done = t("team_events.report.submitted", period=dt.date.today().isoformat())
        expect(page.get_by_text(done)).to_be_visible()
        _no_sideways_scroll(page, "Today after the report")
        browser.close()
