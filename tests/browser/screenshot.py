"""Writes the README's screenshots of the demo company:

* ``directory`` — the people directory, signed in as the head of 市场部, 1280×800
  (docs/screenshot.png);
* ``workbench`` — the 工作台 of the GM office's secretary (gmo), 1280×900
  (docs/screenshots/workbench.png);
* ``dashboard`` — the GM's dashboard, 1280 px wide, the whole page
  (docs/screenshots/dashboard.png).

    .venv/bin/python -m tests.browser.screenshot [NAME …]      # every one without a name

Not a test: it fails only when the hub or the browser cannot start.  Chinese text needs a
CJK font in the system (Debian: fonts-noto-cjk).
"""
from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.browser.live import launch_chromium, live_server
from tests.browser.pages import DirectoryPage, LoginPage

DOCS = Path(__file__).resolve().parents[2] / "docs"


@dataclass(frozen=True)
class Shot:
    output: Path
    username: str
    show: Callable[[Page], None]
    viewport: tuple[int, int] = (1280, 800)
    full_page: bool = False
    #: the whole demo company (talks, notifications …), not only its people
    company: bool = False


def _workbench(page: Page) -> None:
    page.goto("/")
    page.get_by_test_id("workbench").wait_for()


def _dashboard(page: Page) -> None:
    page.goto("/dashboard")
    page.wait_for_load_state("load")
    page.locator('canvas[data-chart="reports-kind"]').wait_for(state="visible")


SHOTS = {
    "directory": Shot(DOCS / "screenshot.png", "sales_head",
                      lambda page: DirectoryPage(page).open().choose_department("市场部")),
    "workbench": Shot(DOCS / "screenshots" / "workbench.png", "gmo", _workbench,
                      viewport=(1280, 900), company=True),
    "dashboard": Shot(DOCS / "screenshots" / "dashboard.png", "gm", _dashboard,
                      full_page=True, company=True),
}


def take_screenshot(shot: Shot) -> None:
    shot.output.parent.mkdir(parents=True, exist_ok=True)
    width, height = shot.viewport
    with tempfile.TemporaryDirectory() as workdir, \
            live_server(Path(workdir), company=shot.company) as url, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(base_url=url, locale="zh-CN",
                                      viewport={"width": width, "height": height})
        page = context.new_page()
        LoginPage(page).open().sign_in(shot.username, "hub-demo")
        shot.show(page)
        page.screenshot(path=str(shot.output), full_page=shot.full_page)
        context.close()
        browser.close()


if __name__ == "__main__":
    for name in sys.argv[1:] or list(SHOTS):
        take_screenshot(SHOTS[name])
        print(f"wrote {SHOTS[name].output}")
