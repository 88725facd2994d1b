"""Every user-visible string is translatable, and the English catalog is complete and compiled."""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from hub.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "translations" / "en" / "LC_MESSAGES"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}


def not_hidden(dirpath: str) -> bool:
    """Babel's default also skips folders whose name starts with "_", such as
    templates/_macros/; the extract command in the README passes ``--ignore-dirs '.*'``."""
    return not Path(dirpath).name.startswith(".")


@pytest.fixture(scope="module")
def extracted() -> dict[str, set[str]]:
    """msgid → the files it is in, found as the README's ``pybabel extract`` finds them."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str, set[str]] = defaultdict(set)
    for filename, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, KEYWORDS, directory_filter=not_hidden):
        msgid = message if isinstance(message, str) else message[0]
        found[msgid].add(Path(filename).as_posix())
    return found


def test_babel_reads_every_template(extracted):
    """Babel skips without a word a template it cannot parse (a Jinja extension the app uses
    but babel.cfg does not name) or a folder it does not walk; those strings stay Chinese."""
    read = set().union(*extracted.values())
    templates = {path.relative_to(ROOT).as_posix() for path in (ROOT / "templates").rglob("*")
                 if path.suffix in {".html", ".txt"} and "_(" in path.read_text("utf-8")}
    assert not templates - read, "babel extracted nothing from: " + ", ".join(
        sorted(templates - read))


def test_english_catalog_translates_every_string(extracted):
    with (CATALOG / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and m.string and (m.string if isinstance(m.string, str) else all(m.string))
        and not m.fuzzy
    }
    missing = sorted(set(extracted) - translated)
    assert not missing, (
        "untranslated strings (run pybabel extract/update, translate, then compile): "
        + ", ".join(missing[:20]))


def test_compiled_catalog_matches_the_po_file():
    with (CATALOG / "messages.po").open("rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id and not m.fuzzy}
    with (CATALOG / "messages.mo").open("rb") as fh:
        mo = {m.id: m.string for m in read_mo(fh) if m.id}
    assert po == mo, "translations/en/LC_MESSAGES/messages.mo is stale: run pybabel compile"


def test_english_switch_translates_the_login_page(client):
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in html
    assert "Sign in" in html
    assert "登录内部沟通中心" not in html


def test_the_language_form_switches_and_remembers(client, create_user, login, get_csrf):
    user = create_user("zhang")
    login(client, user)
    response = client.post("/language", data={"csrf_token": get_csrf(client, "/"),
                                              "lang": "en", "next": "/people/"})
    assert response.headers["Location"] == "/people/"
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    assert user.locale == "en"
    client.post("/language", data={"csrf_token": get_csrf(client, "/"), "lang": "xx"})
    assert 'lang="en"' in client.get("/").get_data(as_text=True)  # unknown: unchanged


# --- the main pages in English: no Chinese left in what the hub itself says -------------------

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
DOUBLED = re.compile(r"\b([A-Za-z]{3,})\s+\1\b", re.IGNORECASE)
#: Where the hub speaks (headings, labels, table heads, buttons, badges, help, navigation,
#: history steps) — not where people's own words are (subjects, bodies, names in cells).
UI_XPATH = ("//title | //h1 | //h2 | //h3 | //h4 | //h5 | //h6 | //label | //legend | //th | "
            "//button | //summary | //dt | //nav//a | //*[contains(@class, 'btn')] | "
            "//*[contains(@class, 'badge')] | //*[contains(@class, 'form-text')] | "
            "//*[contains(@class, 'alert')] | //*[contains(@class, 'nav-link')] | "
            "//*[@data-testid='event']//*[contains(@class, 'fw-semibold')]")
UI_ATTRIBUTES = ("placeholder", "aria-label", "title")
#: The organisation sheet's column names: the import page names them in Chinese on purpose.
IMPORT_COLUMNS = ["上级工号", "用户名", "工号", "姓名", "部门", "职务", "邮箱"]
#: (who, the pages they use) — every main page of the roles that hold the work.
ENGLISH_PAGES = {
    "sales1": ["/", "/announcements/", "/mailbox/", "/mailbox/write", "/suggestions/",
               "/suggestions/new", "/talks/", "/notifications/", "/people/", "/search/?q=食堂",
               "/account/tokens", "/account/password"],
    "gmo": ["/", "/mailbox/office", "/mailbox/stats", "/announcements/new",
            "/announcements/mine", "/suggestions/stats", "/dashboard", "/talks/summary",
            "{letter}"],
    "hr1": ["/suggestions/queue", "/suggestions/rewards", "/talks/occasions/new", "{report}"],
    "hr_head": ["/talks/compliance", "/talks/config", "/dashboard"],
    "sales_lead": ["/talks/due", "/talks/logs/new", "/talks/meetings/new", "/mailbox/assigned"],
    "prod_head": ["/mailbox/assigned", "/announcements/new", "{letter}"],
    "admin": ["/admin/", "/admin/users", "/admin/departments", "/admin/routing",
              "/admin/calendar", "/admin/import"],
}


def user_content() -> list[str]:
    """What people wrote or named (the demo company's names, titles, departments, units),
    longest first, so that it can be taken out of the text before looking for Chinese."""
    from hub.org.models import Department, HandlingUnit, User

    words: set[str] = set()
    for user in db.session.scalars(db.select(User)):
        words |= {user.name, user.title or ""}
    words |= set(db.session.scalars(db.select(Department.name)))
    words |= set(db.session.scalars(db.select(HandlingUnit.name)))
    words.add("食堂")  # the search words typed below
    return sorted((w for w in words if w), key=len, reverse=True)


def chinese_in_ui(html: str, content: list[str]) -> list[str]:
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    texts = [" ".join(el.text_content().split()) for el in tree.xpath(UI_XPATH)]
    texts += [value for attribute in UI_ATTRIBUTES
              for value in tree.xpath(f"//*[not(self::option)]/@{attribute}")]
    found = []
    for text in texts:
        for word in content:
            text = text.replace(word, "")
        # Chinese left, or a label composed of translated pieces ("Held Held late")
        if CJK.search(text) or DOUBLED.search(text):
            found.append(text)
    return sorted(set(found))


def test_the_main_pages_in_english_show_no_chinese_of_the_hubs_own(app, demo, login):
    from datetime import timedelta

    from flask_babel import force_locale

    from hub.common.time import utcnow
    from hub.common.workdays import local_date
    from hub.mailbox import services as mb
    from hub.suggestions import services as sv

    # A letter and a report with some history, the steps taken in Chinese.
    with force_locale("zh"):
        letter = mb.file_letter(demo["sales1"], subject="LETTER-SUBJECT", body="BODY",
                                category="suggestion").letter
        mb.accept(letter, demo["gmo"])
        mb.assign(letter, demo["gmo"], department=demo["prod_head"].department,
                  due_date=local_date(utcnow()) + timedelta(days=3))
        report = sv.file_report(demo["prod1"], kind="issue", subject="REPORT-SUBJECT",
                                body="BODY", anonymous=False).report
        sv.accept(report, demo["hr1"])
        sv.set_urgency(report, demo["hr1"], "urgent")
    db.session.commit()
    content = user_content()
    leftovers = {}
    for username, paths in ENGLISH_PAGES.items():
        user = demo[username]
        user.locale = "en"
        db.session.commit()
        client = app.test_client()
        login(client, user)
        for path in paths:
            path = path.format(letter=f"/mailbox/letters/{letter.id}",
                               report=f"/suggestions/reports/{report.id}")
            response = client.get(path)
            assert response.status_code == 200, (username, path, response.status_code)
            html = response.get_data(as_text=True)
            assert 'lang="en"' in html, path
            found = chinese_in_ui(html, content + (IMPORT_COLUMNS if "import" in path else []))
            if found:
                leftovers[f"{username} {path}"] = found
    assert not leftovers, "Chinese left on English pages:\n" + "\n".join(
        f"{page}: {texts}" for page, texts in leftovers.items())


def test_labels_are_one_msgid_each_not_composed_of_pieces(app):
    """"Held Held late" (已谈 + 逾期补谈) and "Probation interview Interview" (转正面谈 + 面谈):
    a label is one translated string, not pieces that repeat a word in English."""
    from types import SimpleNamespace

    from flask import render_template_string
    from flask_babel import force_locale

    held_late = SimpleNamespace(status="held", late=True, status_label="已谈")
    with force_locale("en"):
        badge = render_template_string(
            "{% from 'meetings/due_macros.html' import status_badge %}{{ status_badge(i) }}",
            i=held_late)
        owner = render_template_string("{{ pgettext('待办事项', '负责人') }}")
    assert "Held late" in badge and not DOUBLED.search(" ".join(badge.split()))
    assert badge.count('data-testid="status"') == 1 and 'data-testid="late"' not in badge
    assert owner == "Owner"
    macros = (ROOT / "templates" / "meetings" / "due_macros.html").read_text("utf-8")
    assert "_('面谈')" not in macros  # an occasion's kind label already says 面谈
