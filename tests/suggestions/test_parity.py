"""Page–API parity for reports: for every demo person and every demo report, the fields the
report page shows (its ``data-field`` marks) are the fields ``GET /api/v1/reports/<id>``
returns, and a report one side hides (404) the other hides too.  Both render from
``hub.suggestions.access.report_view``."""
from __future__ import annotations

from sqlalchemy import select

from hub.extensions import db
from hub.suggestions import access
from hub.suggestions.demo import create_demo_reports
from hub.suggestions.models import Report
from tests.support.parity import api_fields, page_fields

#: The report's identity is in the page's address, not in a field.
IGNORE = frozenset({"id"})


def test_every_person_sees_the_same_fields_on_the_page_and_in_the_api(
        app, demo, login, bearer):
    create_demo_reports(demo)
    db.session.commit()
    reports = [(r.id, r.number) for r in db.session.scalars(select(Report).order_by(Report.id))]
    assert len(reports) >= 10
    seen_by = {}
    for username, user in sorted(demo.items()):
        page_client, api_client = app.test_client(), app.test_client()
        login(page_client, user)
        headers = bearer(user)
        for report_id, number in reports:
            page = page_client.get(f"/suggestions/reports/{report_id}")
            api = api_client.get(f"/api/v1/reports/{report_id}", headers=headers)
            assert (page.status_code, api.status_code) in ((200, 200), (404, 404)), \
                (username, number, page.status_code, api.status_code)
            if api.status_code == 404:
                continue
            shown = page_fields(page.get_data(as_text=True))
            returned = api_fields(api.get_json(), IGNORE)
            assert shown == returned, (username, number, shown ^ returned)
            seen_by.setdefault(number, set()).add(username)
    # the loop met handlers, filers and reviewing heads, and people who may see nothing
    assert set(seen_by) == {number for _id, number in reports}
    assert any(not any(u in people for people in seen_by.values()) for u in demo)
    # a reviewing department head sees neither the handler, the answer nor the decision
    for report in db.session.scalars(select(Report).where(Report.kind == "suggestion")):
        reviewer = access._decision(report).reviewer_id
        if reviewer is not None:
            view = access.report_view(db.session.get(type(demo["gm"]), reviewer), report)
            assert not view.shows_any("handler", "answer", "decision_reason", "overdue",
                                      "named", "outcome")
            assert "handle_due_at" not in view.timers and "overdue" not in view.timers
