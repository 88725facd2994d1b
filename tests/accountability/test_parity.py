"""Page–API parity for the register: for every demo person and entry, the fields the entry
page shows (its ``data-field`` marks) are the fields ``GET /api/v1/accountability/<id>``
returns, and an entry one side hides (404) the other hides too.  Both render
``hub.accountability.access.entry_view``.

Seed: 沟通管理办法 五、执行责任 2(2) "如发现执行不力问题,依本办法对相关责任人进行处罚。"
"""
from __future__ import annotations

from datetime import timedelta

from hub.accountability.services import open_entries, perform
from hub.common.time import utcnow
from hub.extensions import db
from tests.accountability.conftest import entries
from tests.support.parity import api_fields, page_fields

IGNORE = frozenset({"id"})


def test_every_person_sees_the_same_fields_on_the_page_and_in_the_api(
        app, demo, assigned_letter, whistle, login, bearer):
    past = utcnow() - timedelta(hours=1)
    assigned_letter.due_at = whistle.feedback_due_at = past
    open_entries()
    letter_entry = entries("letter_overdue", source_id=assigned_letter.id)[0]
    report_entry = entries("report_overdue", source_id=whistle.id)[0]
    perform(letter_entry, demo["hr1"], "penalise", "通报批评。")
    perform(letter_entry, demo["prod1"], "appeal", "出差。")
    perform(report_entry, demo["hr_head"], "excuse", "系统故障。")
    db.session.commit()
    seen = {}
    for username, user in sorted(demo.items()):
        page_client = app.test_client()
        login(page_client, user)
        headers = bearer(user)
        for entry in (letter_entry, report_entry):
            page = page_client.get(f"/accountability/{entry.id}")
            api = app.test_client().get(f"/api/v1/accountability/{entry.id}", headers=headers)
            assert (page.status_code, api.status_code) in ((200, 200), (404, 404)), username
            if api.status_code == 404:
                continue
            shown = page_fields(page.get_data(as_text=True))
            returned = api_fields(api.get_json(), IGNORE)
            assert shown == returned, (username, entry.kind, shown ^ returned)
            seen.setdefault(entry.id, set()).add(username)
    assert {"hr1", "gmo", "prod_head", "prod1"} <= seen[letter_entry.id]
    assert "sales1" not in seen[letter_entry.id] and "prod2" not in seen[report_entry.id]
