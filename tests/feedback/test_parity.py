"""Page–API parity of feedback reports: for every demo person and a filed and an unfiled
report and summary of the demo, the fields the report page shows (``data-field``) are the
fields GET /api/v1/feedback/<id> returns, and a report one side hides is a 404 on the
other too."""
from __future__ import annotations

from sqlalchemy import select

from hub.extensions import db
from hub.feedback.demo import create_demo_feedback
from hub.feedback.models import FeedbackReport
from tests.support.factories import bearer, sign_in
from tests.support.parity import api_fields, page_fields

#: The id is the page's address.
SAME_THING = frozenset({"id"})


def test_every_person_sees_the_same_fields_on_page_and_api(app, client, demo):
    create_demo_feedback(demo)
    db.session.commit()
    rows = list(db.session.scalars(select(FeedbackReport).order_by(FeedbackReport.id)))
    sample = {}
    for row in rows:
        sample.setdefault((row.role, row.filed_at is None), row.id)
    assert len(sample) == 4, sample  # filed and unfiled, reports and summaries
    seen = hidden = 0
    for person in demo.values():
        if not person.active:
            continue
        headers = bearer(person)
        sign_in(client, person)
        for row_id in sample.values():
            api = client.get(f"/api/v1/feedback/{row_id}", headers=headers)
            page = client.get(f"/feedback/{row_id}")
            assert api.status_code == page.status_code, (person.username, row_id)
            assert api.status_code in (200, 404)
            if api.status_code == 404:
                hidden += 1
                continue
            seen += 1
            shown = page_fields(page.get_data(as_text=True))
            returned = api_fields(api.get_json(), ignore=SAME_THING)
            assert shown == returned, (person.username, row_id, shown ^ returned)
    assert seen and hidden
