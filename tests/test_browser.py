"""A real browser: Debian's Chromium, driven by Playwright, against `streamlit run`.

Signs in as a manager, opens the home page, switches to Chinese and sees the
chart. Skipped only when no Chromium is installed and CI did not ask for it
(``.ci/run`` sets COMMAND_CENTER_REQUIRE_BROWSER=1, so on CI it must run).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from command_center.testing import APP

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("COMMAND_CENTER_REQUIRE_BROWSER") != "1":
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

pytestmark = pytest.mark.browser
SHOT_DIR = (
    Path(os.environ.get("COMMAND_CENTER_SCREENSHOTS", ""))
    if os.environ.get("COMMAND_CENTER_SCREENSHOTS")
    else None
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(sqlite_demo_db) -> Iterator[str]:
    demo_db = sqlite_demo_db
    port = free_port()
    env = {
        **os.environ,
        "COMMAND_CENTER_DB_URL": demo_db.url,
        "COMMAND_CENTER_DISABLED_PLUGINS": "",
    }
    # The server loads every installed plugin (entry points too): migrate for them, as
    # `make run` does, or the app would rightly ask for `command-center init`.
    subprocess.run(
        [sys.executable, "-m", "command_center.cli", "init"],
        env=env,
        check=True,
        capture_output=True,
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            APP,
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_manager_signs_in_switches_to_chinese_and_sees_chart(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert CHROMIUM, "chromium is required on CI (apt-get install chromium)"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)  # a loaded 2-core CI machine is slow to first paint
        page.goto(server)
        login = page.get_by_role("textbox", name="Login")
        try:
            login.wait_for()
        except Exception as exc:
            raise AssertionError(
                f"no sign-in form; the page says: {page.inner_text('body')}"
            ) from exc
        login.fill("manager")
        page.get_by_role("textbox", name="Password").fill("demo-pass-2026")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Command center")).to_be_visible(timeout=120_000)
        chart = page.locator("[data-testid='stVegaLiteChart']").first
        expect(chart).to_be_visible(timeout=120_000)
        if SHOT_DIR:
            page.screenshot(path=str(SHOT_DIR / "home-en.png"), full_page=True)

        page.get_by_role("combobox", name="Language").click()
        page.get_by_role("option", name="简体中文").click()
        expect(page.get_by_role("heading", name="指挥中心")).to_be_visible(timeout=120_000)
        expect(page.get_by_text("销售额趋势与目标")).to_be_visible(timeout=120_000)
        chart = page.locator("[data-testid='stVegaLiteChart']").first
        expect(chart).to_be_visible(timeout=120_000)
        expect(chart.locator("canvas, svg").first).to_be_visible(timeout=120_000)
        if SHOT_DIR:
            page.screenshot(path=str(SHOT_DIR / "home-zh.png"), full_page=True)
        browser.close()
