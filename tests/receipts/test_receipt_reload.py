"""The pages that show a new receipt code survive a reload (problem 4 of issue 14).

An anonymous filing on ``/mailbox/write`` or ``/suggestions/new`` redirects to a page that
shows its code once (post → redirect → get); a reload of that page shows no code, says it
was shown, and files nothing — with the production default of held filings and with
filings recorded at once.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from hub.common.holding import HeldFiling
from hub.common.receipts import digest
from hub.extensions import db
from hub.mailbox.models import Letter
from hub.suggestions.models import Report
from tests.conftest import csrf_token

CODE_RE = re.compile(r'data-testid="receipt-code">([0-9A-Z-]+)<')
SHOWN = "回执码已显示过，请妥善保存"

FORMS = {
    "letter": ("/mailbox/write", "/mailbox/write/receipt", Letter,
               {"subject": "匿名反映夜班加班费", "body": "三月的加班费未发放。",
                "category": "complaint", "anonymous": "anonymous"}),
    "report": ("/suggestions/new", "/suggestions/new/receipt", Report,
               {"kind": "complaint", "subject": "食堂问题", "body": "食堂的菜太咸了。",
                "anonymous": "anonymous"}),
}


def count(model) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("held", [True, False], ids=["held", "recorded-at-once"])
@pytest.mark.parametrize("kind", sorted(FORMS))
def test_reloading_the_receipt_page_files_exactly_one_item(app, client, demo, login, kind,
                                                            held):
    form, receipt_page, model, fields = FORMS[kind]
    app.config["ANONYMOUS_RELEASE_MINUTES"] = 60 if held else 0
    login(client, demo["sales1"])
    filed = client.post(form, content_type="multipart/form-data",
                        data={"csrf_token": csrf_token(client, form), **fields})
    assert filed.status_code == 302
    assert filed.headers["Location"] == receipt_page  # no code in the URL
    assert CODE_RE.search(filed.get_data(as_text=True)) is None

    shown = client.get(receipt_page)
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    code = CODE_RE.search(html).group(1)
    assert SHOWN not in html
    assert ('data-testid="held-status"' in html) is held

    for _ in range(3):  # reloads
        again = client.get(receipt_page)
        assert again.status_code == 200
        html = again.get_data(as_text=True)
        assert SHOWN in html and code not in html and CODE_RE.search(html) is None

    # exactly one filing: in the holding table, or released into the records
    assert count(HeldFiling) + count(model) == 1
    hashes = set(db.session.scalars(select(HeldFiling.receipt_hash))) | set(
        db.session.scalars(select(model.receipt_hash)))
    assert hashes == {digest(code)}


def test_the_receipt_page_shows_nothing_without_a_filing(app, client, demo, login):
    login(client, demo["sales1"])
    for _, page, _, _ in FORMS.values():
        html = client.get(page).get_data(as_text=True)
        assert SHOWN in html and CODE_RE.search(html) is None


def test_a_letters_code_is_not_shown_on_the_reports_receipt_page(app, client, demo, login):
    """The waiting code belongs to its own form's page; the other page leaves it there."""
    login(client, demo["sales1"])
    form, page, _, fields = FORMS["letter"]
    client.post(form, content_type="multipart/form-data",
                data={"csrf_token": csrf_token(client, form), **fields})
    other = client.get(FORMS["report"][1]).get_data(as_text=True)
    assert CODE_RE.search(other) is None
    assert CODE_RE.search(client.get(page).get_data(as_text=True))


def test_the_receipt_pages_need_a_signed_in_person(app, client):
    for _, page, _, _ in FORMS.values():
        response = client.get(page)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_receipt_pages_and_their_script_stay_out_of_the_access_log():
    """The receipt pages come right after an anonymous filing, and only they load
    receipt.js: a log line of either would date the filing."""
    from hub.common.logging import is_quiet_request

    for path in ("/mailbox/write/receipt", "/suggestions/new/receipt", "/receipt/feedback",
                 "/static/js/receipt.js?v=0123456789ab"):
        assert is_quiet_request(path, "http://hub.example/"), path
    assert not is_quiet_request("/static/js/hub.js", "http://hub.example/")
