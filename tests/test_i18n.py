"""Every user-visible string is translatable, and the English catalog is complete and compiled."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

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
