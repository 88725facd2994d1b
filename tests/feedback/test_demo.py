"""The demo company's feedback reports: the policy's obligations, filed periods, a report
``sales1`` owes in the workbench and one ``sales2`` missed."""
from __future__ import annotations

from sqlalchemy import select

from hub.extensions import db
from hub.feedback.demo import create_demo_feedback
from hub.feedback.lapses import feedback_lapses
from hub.feedback.models import FeedbackObligation, FeedbackReport
from hub.feedback.services import PRESETS
from tests.support.factories import bearer, sign_in


def test_the_demo_shows_owed_filed_and_missed_reports(app, client, demo):
    """Done-when of issue 15: "the demo company has … owed feedback reports, so every new
    page shows something real"."""
    from hub.common.time import utcnow

    create_demo_feedback(demo)
    db.session.commit()
    codes = set(db.session.scalars(select(FeedbackObligation.code)))
    assert codes == {p.code for p in PRESETS}
    filed = db.session.scalars(select(FeedbackReport).where(
        FeedbackReport.filed_at.is_not(None))).all()
    assert filed and {"report", "summary"} <= {r.role for r in filed}
    todo = client.get("/api/v1/me/todo", headers=bearer(demo["sales1"])).get_json()["items"]
    assert [i for i in todo if i["kind"] == "feedback_due"]
    missed = {lapse.person_id for lapse in feedback_lapses(db.session, utcnow())}
    assert demo["sales2"].id in missed
    sign_in(client, demo["sales_head"])
    page = client.get("/feedback/").get_data(as_text=True)
    assert 'data-testid="received-period"' in page
    sign_in(client, demo["hr1"])
    assert client.get("/feedback/obligations").get_data(as_text=True).count(
        'data-testid="obligation"') == len(PRESETS)
