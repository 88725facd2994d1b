"""The GM dashboard in a real Chromium: the charts are drawn (Chart.js from the vendored
file, the figures from the JSON in the page) without any Content-Security-Policy complaint,
and with JavaScript off the same figures are there as tables."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import LoginPage

pytestmark = pytest.mark.browser

PASSWORD = "hub-demo"
CHARTS = ("letters-category", "letters-status", "letters-overdue", "reports-kind")
TABLES = ("letters-by-category", "letters-by-status", "letters-overdue", "reports-by-kind")


class DashboardPage:
    path = "/dashboard"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.nav_link = page.get_by_test_id("nav-dashboard")

    def chart(self, name: str):
        return self.page.locator(f'canvas[data-chart="{name}"]')

    def table(self, testid: str):
        return self.page.get_by_test_id(testid).locator("table")

    def drawn(self, name: str) -> bool:
        """Whether Chart.js holds a chart on the canvas."""
        return self.page.evaluate(
            "name => !!window.Chart.getChart(document.querySelector("
            "`canvas[data-chart=\"${name}\"]`))", name)


def test_the_charts_are_drawn_under_the_csp(new_context):
    page = new_context(viewport={"width": 1366, "height": 900}).new_page()
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text)
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: complaints.append(str(error)))
    LoginPage(page).open().sign_in("gm", PASSWORD)
    dashboard = DashboardPage(page)
    dashboard.nav_link.click()
    page.wait_for_url("**/dashboard")
    page.wait_for_load_state("load")
    for name in CHARTS:
        expect(dashboard.chart(name)).to_be_visible()
        assert dashboard.drawn(name), name
        box = dashboard.chart(name).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100, (name, box)
        label = dashboard.chart(name).get_attribute("aria-label")
        assert label and "数据见下表" in label   # the text alternative points at the table
    for testid in TABLES:
        expect(dashboard.table(testid)).to_be_visible()
    assert not complaints, complaints


def test_without_javascript_the_tables_are_the_page(new_context):
    page = new_context(java_script_enabled=False).new_page()
    LoginPage(page).open().sign_in("gmo", PASSWORD)
    page.goto(DashboardPage.path)
    dashboard = DashboardPage(page)
    for name in CHARTS:
        expect(dashboard.chart(name)).to_be_hidden()
    for testid in TABLES:
        table = dashboard.table(testid)
        expect(table).to_be_visible()
        expect(table.locator("tbody tr")).to_have_count(12)
    # the report counts of the empty demo months: all under 5, shown as such
    expect(dashboard.table("reports-by-kind").locator("tfoot td").first).to_have_text("<5")
