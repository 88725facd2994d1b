"""The page that shows a new receipt code, in Chromium: copy and print buttons (static
JavaScript under the CSP), nothing lost without JavaScript, and a reload that shows no code
and files nothing (issue 14, problem 4)."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.browser.pages import LoginPage, MailboxPages, SuggestionPages

PASSWORD = "hub-demo"
SLOW_MS = 30_000


def signed_in(new_context, username: str, **options):
    page = new_context(**options).new_page()
    page.set_default_timeout(SLOW_MS)
    LoginPage(page).open().sign_in(username, PASSWORD)
    return page


def test_the_code_is_copied_printed_and_gone_after_a_reload(new_context):
    page = signed_in(new_context, "prod2", permissions=["clipboard-read", "clipboard-write"])
    # window.print would open a dialog: count the calls instead
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    subject = f"夜班补贴 {uuid.uuid4().hex[:8]}"
    MailboxPages(page).open_write().write(subject, "夜班补贴三个月没发。", "投诉",
                                           anonymous=True)
    expect(page).to_have_url(f"{page.url.split('/mailbox')[0]}/mailbox/write/receipt")
    code = page.get_by_test_id("receipt-code").inner_text().strip()

    copy, print_button = page.get_by_test_id("copy-code"), page.get_by_test_id("print-code")
    expect(copy).to_be_visible()
    expect(print_button).to_be_visible()
    expect(page.get_by_test_id("print-hint")).to_be_hidden()
    copy.click()
    expect(page.get_by_test_id("copy-status")).to_have_text("已复制到剪贴板。")
    assert page.evaluate("navigator.clipboard.readText()") == code
    print_button.click()
    assert page.evaluate("window.__printed") == 1
    assert not [e for e in errors if "Content Security Policy" in e], errors

    page.reload()
    expect(page.get_by_test_id("receipt-shown")).to_contain_text("回执码已显示过，请妥善保存")
    expect(page.get_by_test_id("receipt-code")).to_have_count(0)


def test_without_javascript_the_page_says_how_to_print(new_context):
    page = signed_in(new_context, "prod3", java_script_enabled=False)
    SuggestionPages(page).open_new().file("suggestion", f"仓库照明 {uuid.uuid4().hex[:8]}",
                                          "仓库照明太暗，建议更换灯管。")
    expect(page.get_by_test_id("receipt-code")).to_be_visible()
    expect(page.get_by_test_id("print-hint")).to_have_text("按 Ctrl+P 打印本页。")
    expect(page.get_by_test_id("copy-code")).to_be_hidden()
    expect(page.get_by_test_id("print-code")).to_be_hidden()
    page.reload()
    expect(page.get_by_test_id("receipt-shown")).to_be_visible()
