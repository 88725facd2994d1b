"""The people directory in a real Chromium."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import DirectoryPage, LoginPage

pytestmark = pytest.mark.browser


def test_search_a_colleague_and_open_their_page(page):
    LoginPage(page).open().sign_in("prod1", "hub-demo")
    directory = DirectoryPage(page).open().search("何磊")
    expect(directory.result("何磊")).to_be_visible()

    person = directory.open_person("何磊")
    expect(person.name).to_contain_text("何磊")
    expect(person.department).to_contain_text("华东销售组")
    expect(person.manager).to_contain_text("冯涛")
    expect(person.skip_level).to_contain_text("钱伟明")


def test_choosing_a_department_lists_its_sub_departments_people(page):
    LoginPage(page).open().sign_in("prod1", "hub-demo")
    directory = DirectoryPage(page).open().choose_department("市场部")
    expect(directory.result("钱伟明")).to_be_visible()
    expect(directory.result("何磊")).to_be_visible()  # 华东销售组, under 市场部
    expect(directory.result("邓琳")).to_be_visible()  # 华南销售组
    expect(directory.result("黄海")).to_have_count(0)  # 生产部
