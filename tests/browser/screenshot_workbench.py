"""Writes the README's screenshot of the 工作台: the demo company, signed in as the GM
office's secretary (gmo), at 1280×900.

    .venv/bin/python -m tests.browser.screenshot_workbench [docs/screenshots/workbench.png]

Not a test.  Chinese text needs a CJK font in the system (Debian: fonts-noto-cjk).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.live import launch_chromium, live_server
from tests.browser.pages import LoginPage

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "workbench.png"
VIEWPORT = {"width": 1280, "height": 900}


def take_screenshot(output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir, \
            live_server(Path(workdir), company=True) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(base_url=url, viewport=VIEWPORT, locale="zh-CN")
        page = context.new_page()
        LoginPage(page).open().sign_in("gmo", "hub-demo")
        page.goto("/")
        page.get_by_test_id("workbench").wait_for()
        page.screenshot(path=str(output))
        context.close()
        browser.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    take_screenshot(target)
    print(f"wrote {target}")
