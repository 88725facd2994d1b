"""The talk pages' tables on a 390 px phone: each obligation and each manager's compliance
row is a card (.table-stack), so status, window and the 约时间 button are seen without
scrolling sideways; at 1 366 px they stay tables.  One sign-in for the whole module."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LoginPage

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _scrolls_sideways(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


def _inside(box) -> bool:
    return box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5


def test_talks_due_and_compliance_stack_on_a_phone(company_context):
    """“上下级之间每月进行2次例行沟通” and “各部门负责人……对本部门人员的执行情况负监督检查责任”:
    the superior reads what is owed and how it is kept on a phone too."""
    page = company_context(viewport=DESKTOP).new_page()
    LoginPage(page).open().sign_in("sales_lead", "hub-demo")
    for path, table in (("/talks/due", "mine"), ("/talks/compliance", "compliance")):
        page.set_viewport_size(DESKTOP)
        page.goto(path)
        rows = page.locator(f"table.table-stack[data-testid='{table}'] tbody tr")
        assert rows.count() > 0, f"no rows on {path}"
        assert page.locator(f"table[data-testid='{table}'] thead").is_visible()
        assert not _scrolls_sideways(page), path

        page.set_viewport_size(PHONE)
        assert not _scrolls_sideways(page), path
        # The header row is kept for screen readers only (clipped to a pixel).
        assert page.locator(f"table[data-testid='{table}'] thead").bounding_box()["height"] <= 1
        first = rows.first
        assert _inside(first.bounding_box()), path
        label = "状态" if table == "mine" else "本月 · 超期"
        cell = first.locator(f"td[data-label='{label}']")
        cell.scroll_into_view_if_needed()  # down the page, never sideways
        assert _inside(cell.bounding_box()), (path, label)
        expect(cell).to_be_in_viewport()
        assert not _scrolls_sideways(page), path
    # The 约时间 / 记录 buttons of an open obligation stay on the card.
    page.goto("/talks/due")
    button = page.locator("table[data-testid='mine'] [data-testid='propose'], "
                          "table[data-testid='mine'] [data-testid='log']").first
    if button.count():
        assert _inside(button.bounding_box())
