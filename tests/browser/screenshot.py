"""Writes the README's screenshot: the people directory of the demo company, signed in as
the head of 市场部, at 1280×800.

    .venv/bin/python -m tests.browser.screenshot [docs/screenshot.png]

Not a test: it fails only when the hub or the browser cannot start.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.live import launch_chromium, live_server
from tests.browser.pages import DirectoryPage, LoginPage

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"
VIEWPORT = {"width": 1280, "height": 800}


def take_screenshot(output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir, live_server(Path(workdir)) as url, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(base_url=url, viewport=VIEWPORT, locale="zh-CN")
        page = context.new_page()
        LoginPage(page).open().sign_in("sales_head", "hub-demo")
        DirectoryPage(page).open().choose_department("市场部")
        page.screenshot(path=str(output))
        context.close()
        browser.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    take_screenshot(target)
    print(f"wrote {target}")
