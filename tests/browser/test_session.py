"""Signing in, switching language and signing out in a real Chromium."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LoginPage, Navbar

pytestmark = pytest.mark.browser


def test_sign_in_switch_language_sign_out_and_the_old_cookie_is_dead(page, new_context):
    home = LoginPage(page).open().sign_in("sales1", "hub-demo")
    expect(home.greeting).to_contain_text("何磊")
    expect(home.manager).to_have_text("冯涛")

    navbar = Navbar(page)
    expect(navbar.language_button).to_be_visible()  # a choice is applied by 切换 only
    navbar.switch_language("en")
    expect(navbar.html).to_have_attribute("lang", "en")
    navbar.switch_language("zh_CN")
    expect(navbar.html).to_have_attribute("lang", "zh-CN")

    cookies_before_logout = page.context.cookies()
    login_page = navbar.sign_out()
    expect(login_page.username).to_be_visible()

    replay = new_context()
    replay.add_cookies(cookies_before_logout)
    stolen = replay.new_page()
    stolen.goto("/")
    expect(stolen).to_have_url(re.compile(r"/login(\?|$)"))
    expect(LoginPage(stolen).username).to_be_visible()


def test_login_page_is_chinese_and_a_wrong_password_is_refused(page):
    login_page = LoginPage(page).open()
    expect(Navbar(page).html).to_have_attribute("lang", "zh-CN")
    expect(login_page.heading).to_have_text("登录内部沟通中心")

    login_page.attempt("gm", "not-the-password")
    expect(login_page.error).to_contain_text("用户名或密码错误")
    expect(page).to_have_url(re.compile(r"/login"))


def test_without_javascript_sign_in_switch_language_and_sign_out(new_context):
    page = new_context(java_script_enabled=False).new_page()
    home = LoginPage(page).open().sign_in("sales2", "hub-demo")
    expect(home.greeting).to_contain_text("韩雪")

    navbar = Navbar(page)
    expect(navbar.language_button).to_be_visible()
    navbar.switch_language("en")
    expect(navbar.html).to_have_attribute("lang", "en")
    navbar.switch_language("zh_CN")
    expect(navbar.html).to_have_attribute("lang", "zh-CN")

    login_page = navbar.sign_out()
    expect(login_page.username).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
