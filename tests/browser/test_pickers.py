"""Searchable people pickers (Tom Select over plain selects, static/js/pickers.js): typing
filters the list, "涉及的人员" takes several people with a tap each and a remove button, and
the assign-handler picker offers only the chosen department's people."""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LetterPage, LoginPage, MailboxPages

pytestmark = pytest.mark.browser

PASSWORD = "hub-demo"
SLOW_MS = 30_000


def signed_in(new_context, username: str, **options):
    page = new_context(**options).new_page()
    page.set_default_timeout(SLOW_MS)
    LoginPage(page).open().sign_in(username, PASSWORD)
    return page


def picker_of(page, select_id: str):
    """The search box of the Tom Select that stands for the select ``select_id``."""
    return page.locator(f"#{select_id}-ts-control")


def offered(page, select_id: str) -> list[str]:
    return page.locator(f"#{select_id}-ts-dropdown [data-selectable].option").all_inner_texts()


def test_typing_filters_the_involved_people_and_a_phone_can_pick_several(new_context):
    page = signed_in(new_context, "sales1", viewport={"width": 390, "height": 844},
                     has_touch=True)
    page.goto("/suggestions/new")
    control = picker_of(page, "named")
    expect(control).to_be_visible()
    control.click()
    everyone = len(offered(page, "named"))
    control.fill("林强")
    options = page.locator("#named-ts-dropdown [data-selectable].option")
    expect(options).to_have_count(1)  # of everyone the page offers, only 林强
    assert everyone > 20 and "林强" in options.inner_text()
    page.locator("#named-ts-dropdown .option", has_text="林强").click()
    control.fill("黄海")
    page.locator("#named-ts-dropdown .option", has_text="黄海").click()
    items = page.locator(".ts-wrapper .item")
    expect(items).to_have_count(2)
    # Each chosen person has a remove button (no Ctrl-click anywhere).
    items.filter(has_text="黄海").locator(".remove").click()
    expect(items).to_have_count(1)
    chosen = page.eval_on_selector("#named", "s => [...s.selectedOptions].map(o => o.text)")
    assert len(chosen) == 1 and "林强" in chosen[0]


def test_the_handler_picker_offers_only_the_chosen_departments_people(new_context):
    subject = f"仓库照明不足 {uuid.uuid4().hex[:8]}"
    writer = signed_in(new_context, "sales1")
    MailboxPages(writer).open_write().write(subject, "仓库二楼灯坏了一半。", "建议")
    expect(LetterPage(writer).subject).to_have_text(subject)

    office = signed_in(new_context, "gmo")
    mailbox = MailboxPages(office)
    office.goto(MailboxPages.inbox_path)
    mailbox.open_tab("来信处理")
    expect(office).to_have_url(re.compile(r"/mailbox/office"))
    letter = mailbox.open_letter(subject).perform("accept", "已收到。")
    card = letter.action("assign")
    production = office.eval_on_selector(
        "#assign-department", "s => [...s.options].find(o => o.text.trim() === '生产部').value")
    office.eval_on_selector("#assign-department",
                            f"s => s.tomselect.setValue('{production}')")
    handler = picker_of(office, "assign-handler")
    handler.click()
    names = offered(office, "assign-handler")
    assert any("黄海" in n for n in names), names  # prod1
    assert not any("王芳" in n or "销售" in n for n in names), names
    departments = office.eval_on_selector(
        "#assign-handler", "s => Object.values(s.tomselect.options)"
        ".filter(o => o.value !== '0').map(o => o.departments)")
    assert departments and all(production in line.split() for line in departments)
    handler.fill("黄")
    options = office.locator("#assign-handler-ts-dropdown [data-selectable].option")
    expect(options).to_have_count(1)
    assert "黄海" in options.inner_text()
    assert card.is_visible()
