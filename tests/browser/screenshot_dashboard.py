"""Writes the README's screenshot of the GM dashboard: the demo company, signed in as the
GM, at 1280 px wide (the whole page).

    .venv/bin/python -m tests.browser.screenshot_dashboard [docs/screenshots/dashboard.png]

Not a test.  Chinese text needs a CJK font in the system (Debian: fonts-noto-cjk).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.live import launch_chromium, live_server
from tests.browser.pages import LoginPage

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "dashboard.png"
VIEWPORT = {"width": 1280, "height": 900}


def take_screenshot(output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir, \
            live_server(Path(workdir), company=True) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(base_url=url, viewport=VIEWPORT, locale="zh-CN")
        page = context.new_page()
        LoginPage(page).open().sign_in("gm", "hub-demo")
        page.goto("/dashboard")
        page.wait_for_load_state("load")
        page.locator('canvas[data-chart="reports-kind"]').wait_for(state="visible")
        page.screenshot(path=str(output), full_page=True)
        context.close()
        browser.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    take_screenshot(target)
    print(f"wrote {target}")
