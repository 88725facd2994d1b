"""Who may see or do what is decided in the features' access modules only
(``hub/<feature>/access.py``, ``hub/auth/access.py`` for the navigation): a template asks the
view it was given (``view.shows('field')``, ``view.may('action')``) or a function of an
access module, and an API schema dumps the view.  Neither looks at roles, at who the viewer
is, or at the item's author by itself.

This test reads ``templates/`` (the Jinja code only: ``{% … %}`` and ``{{ … }}``, not text
or comments) and the API's schema modules for the usual ways such a decision is written by
hand, and names ``file:line`` of each.  The few uses that remain are presentational; each is
listed in ``ALLOWED`` with the reason."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

#: People on an item, in the names the models give them.
PEOPLE = r"(author|actor|organizer|owner|creator|handler|filer|writer)"

#: Ways a template decides visibility by hand, wherever they stand…
TEMPLATE_ALWAYS = [
    (re.compile(r"\bhas_role\b"), "asks for a role"),
    (re.compile(r"\bperm\s*\."), "asks hub.org.permissions instead of the view"),
    (re.compile(r"""["'](admin|gm_office|hr)["']"""), "names a role"),
    (re.compile(r"\bis_(admin|hr|gm_office|filer|handler|author|reviewer)\b"),
     "asks a role or a relation by hand"),
]
#: …and in a decision (an ``if``, a ``set``, a ``select``/``reject`` filter).
DECISION = re.compile(r"\b(if|elif|set|selectattr|rejectattr|select|reject)\b")
TEMPLATE_IN_DECISIONS = [
    (re.compile(r"\broles\b"), "reads roles"),
    (re.compile(r"\bcurrent_user\s*\.\s*(id|username|department|department_id)\b|"
                r"(==|!=)\s*current_user\b|\bcurrent_user\s*(==|!=)"),
     "compares with who the viewer is"),
    (re.compile(r"\b\w*" + PEOPLE + r"_id\b|\." + PEOPLE + r"\s*\.\s*id\b|\b" + PEOPLE
                + r"\s*(==|!=)"), "compares with the item's people"),
    (re.compile(r"\buser\s*\.\s*id\s*(==|!=)|(==|!=)\s*user\s*\.\s*id\b"),
     "compares with a person"),
    (re.compile(r"(?<!form)\.\s*(is_)?anonymous\b"), "looks at the item's anonymity"),
    (re.compile(r"\b(view|report|letter|talk|rect|announcement)\.item\.\w+"),
     "decides on the item behind its view"),
]

#: The API's schema code: shared schemas and each feature's endpoints.
SCHEMA_FILES = ["hub/api/schemas.py", *sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "hub").glob("*/api.py"))]

#: Ways schema code decides visibility by hand.
SCHEMA_PATTERNS = [
    (re.compile(r"\bhas_role\b"), "asks for a role"),
    (re.compile(r"\bpermissions\s*\.|\bis_(admin|hr|gm_office)\s*\("), "asks a role"),
    (re.compile(r"""["'](admin|gm_office|hr)["']"""), "names a role"),
    (re.compile(r"\bcurrent_user\s*\.\s*(id|username|roles)\b"),
     "compares with who the caller is"),
    (re.compile(r"\b\w*" + PEOPLE + r"_id\s*(==|!=|is\b)|(==|!=)\s*[\w.]*" + PEOPLE
                + r"_id\b|\." + PEOPLE + r"\s*\.\s*id\s*(==|!=)"),
     "compares with the item's people"),
    (re.compile(r"\.id\s*(==|!=)\s*current_user|current_user\.id\s*(==|!=)"),
     "compares with the caller"),
    (re.compile(r"\bis_(filer|handler|author|reviewer|participant|team_head)\s*\("),
     "asks a relation by hand"),
    (re.compile(r"\bif\b[^#\n]*\.anonymous\b|\.anonymous\s+(and|or)\b"),
     "looks at the item's anonymity"),
]

#: (file, a piece of the flagged code) → why it is no visibility decision.  Keep it short.
ALLOWED = {
    ("templates/mailbox/letter.html", "if view.anonymous %}"):
        "the label 匿名来信人 where the view gives no author (the view hides the writer)",
    ("templates/mailbox/letter.html", "if view.anonymous else"):
        "an anonymous letter's time is stored to the day; the format only avoids 00:00",
    ("templates/mailbox/_macros.html", "if v.anonymous"):
        "the label 匿名 in the list where the view gives no author",
    ("templates/meetings/index.html", "rejectattr('id', 'equalto', current_user.id)"):
        "a meeting's other participants (the viewer is one of them): wording, not access",
    ("templates/meetings/talk.html", "rejectattr('user_id', 'equalto', current_user.id)"):
        "the other participant, preset in the link to the next talk's form",
    ("templates/meetings/talk.html", "if p.user_id != talk.author.id"):
        "the acknowledgements: every participant but the one who logged the talk",
    ("hub/suggestions/api.py", "if is_filer(current_user, found)"):
        "which service records a message (the filer's or a handler's reply), not what "
        "anyone sees",
}


def jinja_code(text: str):
    """(line, code) of every ``{% … %}`` and ``{{ … }}`` in a template; comments and plain
    text are left out."""
    text = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.DOTALL)
    for match in re.finditer(r"\{%-?(.*?)-?%\}|\{\{-?(.*?)-?\}\}", text, flags=re.DOTALL):
        yield text.count("\n", 0, match.start()) + 1, match.group(0)


def python_code(text: str):
    """(line, code) of every line of a module, comments and docstrings left out."""
    text = re.sub(r'"""(.*?)"""', lambda m: "\n" * m.group(0).count("\n"), text, flags=re.DOTALL)
    for number, line in enumerate(text.splitlines(), 1):
        yield number, line.split("#", 1)[0]


def scan(name: str, code, patterns, in_decisions=()) -> list[tuple[str, str, str]]:
    """(``file:line``, code, why) of every decision ``code`` makes by hand."""
    found = []
    for line, piece in code:
        checks = [*patterns, *(in_decisions if DECISION.search(piece) else ())]
        for pattern, why in checks:
            if pattern.search(piece):
                found.append((f"{name}:{line}", " ".join(piece.split()), why))
                break
    return found


def allowed(name: str, piece: str) -> tuple[str, str] | None:
    for key in ALLOWED:
        if key[0] == name and key[1] in piece:
            return key
    return None


def template_findings(root: Path = ROOT) -> list[tuple[str, str, str]]:
    found = []
    for path in sorted((root / "templates").rglob("*")):
        if path.suffix in (".html", ".txt") and path.is_file():
            name = str(path.relative_to(root))
            found += scan(name, jinja_code(path.read_text(encoding="utf-8")),
                          TEMPLATE_ALWAYS, TEMPLATE_IN_DECISIONS)
    return found


def schema_findings(root: Path = ROOT) -> list[tuple[str, str, str]]:
    found = []
    for name in SCHEMA_FILES:
        path = root / name
        if path.exists():
            found += scan(name, python_code(path.read_text(encoding="utf-8")),
                          SCHEMA_PATTERNS)
    return found


def violations(findings) -> list[str]:
    return [f"{where}: {why}: {piece}" for where, piece, why in findings
            if not allowed(where.rsplit(":", 1)[0], piece)]


def test_no_template_decides_visibility_by_hand():
    assert violations(template_findings()) == []


def test_no_schema_decides_visibility_by_hand():
    assert violations(schema_findings()) == []


def test_every_allowance_is_still_needed():
    """An allowance nobody uses any more goes, so the list stays the short truth."""
    used = {allowed(where.rsplit(":", 1)[0], piece)
            for where, piece, _why in template_findings() + schema_findings()}
    assert set(ALLOWED) - used == set()


# --- the check itself ------------------------------------------------------------------

@pytest.mark.parametrize("code", [
    "{% if current_user.has_role('hr') %}<a href='/x'>HR</a>{% endif %}",
    "{% if 'hr' in current_user.roles %}x{% endif %}",
    "{% if perm.is_admin(current_user) %}x{% endif %}",
    "{% if current_user.id == item.author_id %}x{% endif %}",
    "{% if item.author == current_user %}x{% endif %}",
    "{{ item.author.name if not item.anonymous else '匿名' }}",
    "{% if report.handler_id == user.id %}x{% endif %}",
    "{%- if is_hr(current_user) -%}x{%- endif -%}",
    "{% if report.item.author_department %}{{ report.item.author_department.name }}{% endif %}",
])
def test_the_check_catches_a_decision_written_into_a_template(tmp_path, code):
    (tmp_path / "templates" / "feature").mkdir(parents=True)
    page = tmp_path / "templates" / "feature" / "page.html"
    page.write_text("{% extends 'base.html' %}\n{% block content %}\n<p>\n"
                    + code + "\n</p>\n{% endblock %}\n", encoding="utf-8")
    assert [v.split(": ")[0] for v in violations(template_findings(tmp_path))] == \
        ["templates/feature/page.html:4"]


def test_the_check_reads_code_not_text_or_comments(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        "{# has_role('hr') was asked here once #}\n<p>hr admin author_id</p>\n"
        "{% if view.shows('handler') %}{{ view.handler.name }}{% endif %}\n"
        "{% if view.may('reveal') %}x{% endif %}\n", encoding="utf-8")
    assert violations(template_findings(tmp_path)) == []


def test_the_check_catches_a_schema_that_decides(tmp_path, monkeypatch):
    (tmp_path / "hub" / "feature").mkdir(parents=True)
    (tmp_path / "hub" / "feature" / "api.py").write_text(
        '"""The API; has_role in a docstring is text."""\n'
        "class ItemSchema(Schema):\n"
        "    computed = {\n"
        "        'author': lambda item: item.author if current_user.has_role('hr') else None,\n"
        "        'note': lambda item: item.note if item.author_id == current_user.id else None,\n"
        "    }  # has_role in a comment is text too\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "SCHEMA_FILES",
                        ["hub/feature/api.py"])
    assert [v.split(": ")[0] for v in violations(schema_findings(tmp_path))] == \
        ["hub/feature/api.py:4", "hub/feature/api.py:5"]


# --- the pages ask the views -------------------------------------------------------------

def test_the_pages_follow_what_the_access_modules_answer(app):
    """The header's 系统管理 (hub.auth.access.navigation), the announcement tabs' 全部公告
    (manages_every_announcement) and a meeting's organizer controls (the ``reschedule``
    action of meeting_view) are there for exactly whom the access modules say."""
    from hub.extensions import db
    from hub.org.models import ROLES
    from tests.meetings.test_meetings import propose
    from tests.support.factories import create_department, create_user, sign_in

    assert {"admin", "gm_office"} <= set(ROLES)
    admin = create_user(roles=["admin"])
    office = create_user(roles=["gm_office"])
    head = create_user(department=create_department(), heads=True)
    member = create_user(department=head.department, manager=head)

    def page(user, url):
        client = app.test_client()
        sign_in(client, user)
        response = client.get(url)
        assert response.status_code == 200, (user.username, url)
        return response.get_data(as_text=True)

    for user, shown in ((admin, True), (office, False), (member, False)):
        assert ('href="/admin/"' in page(user, "/announcements/")) is shown, user.username
    assert "全部公告" in page(office, "/announcements/mine")
    mine = page(head, "/announcements/mine")
    assert "我发布的" in mine and "全部公告" not in mine

    meeting = propose(head, member)
    db.session.commit()
    organizer = page(head, f"/talks/meetings/{meeting.id}")
    invitee = page(member, f"/talks/meetings/{meeting.id}")
    assert 'data-testid="cancel"' in organizer and 'data-testid="decline"' not in organizer
    assert 'data-testid="decline"' in invitee and 'data-testid="cancel"' not in invitee
