"""A survey answered in the browser with the keyboard only, as sales1 of the demo company
(the demo's yearly satisfaction survey, which sales1 has not answered)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.pages import LoginPage


def test_sales1_answers_the_yearly_survey_by_keyboard(company_context):
    """人力资源部“定期进行员工满意度调查问卷,了解员工的目前工作的状态和需求”: from the
    header's 更多 › 问卷 entry to the submitted answers, without a mouse; answering twice is not
    offered."""
    page = company_context(viewport={"width": 1280, "height": 900}).new_page()
    LoginPage(page).open().sign_in("sales1", "hub-demo")
    # 问卷 sits under 更多 with 信息反馈 (sales1 owes feedback reports): Enter opens it.
    page.get_by_test_id("nav-more").locator("summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("nav-surveys")).to_be_focused()
    page.keyboard.press("Enter")
    row = page.get_by_test_id("survey-row").filter(has_text="2026年度员工满意度调查")
    row.get_by_role("link", name="去填写").focus()
    page.keyboard.press("Enter")
    form = page.get_by_test_id("answer-form")
    expect(form).to_be_visible()
    # Question 1 (a score): the first radio, then arrows move the choice to 4.
    form.locator("input[type=radio]").first.focus()
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    # Questions 2 and 3 (scores): Tab moves to the next group.
    for _ in range(2):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
        page.keyboard.press("ArrowRight")
    # Question 4 (a choice): the second option.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    # Question 5 (text), then the submit button.
    page.keyboard.press("Tab")
    page.keyboard.type("希望多组织跨部门交流。")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("submit-answers")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="已提交")).to_be_visible()
    row = page.get_by_test_id("survey-row").filter(has_text="2026年度员工满意度调查")
    expect(row).to_contain_text("已填写")
    row.get_by_role("link", name="2026年度员工满意度调查").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("answered")).to_be_visible()
    expect(page.get_by_test_id("answer-form")).to_have_count(0)
