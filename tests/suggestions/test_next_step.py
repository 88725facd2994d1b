"""The report page shows one next step (issue 14, problem 7): the action the report's state
waits for is first, open, with the primary button; the other actions the person may take
(still decided by the access view) are folded under 其他操作."""
from __future__ import annotations

import re

import pytest

from hub.extensions import db
from hub.suggestions import services as sv
from hub.suggestions.models import Report


def panels(html: str) -> list[tuple[str, bool, bool]]:
    """The action panels in page order: (action, primary, open)."""
    found = []
    for tag in re.findall(r'<details class="card[^"]*action-card[^>]*>', html):
        action = re.search(r'data-testid="action-([a-z_]+)"', tag).group(1)
        found.append((action, 'data-primary="y"' in tag, bool(re.search(r"\sopen\b", tag))))
    return found


def page_of(app, login, user, report: Report) -> str:
    client = app.test_client()
    login(client, user)
    response = client.get(f"/suggestions/reports/{report.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def steps(report: Report, hr1, hr2, kind: str):
    """The report walked through its states: (status, what to do to get there)."""
    yield "submitted", lambda: None
    yield "accepted", lambda: sv.accept(report, hr1)
    yield "assigned", lambda: sv.assign(report, hr1, hr2)
    if kind == "suggestion":
        yield "adopted", lambda: sv.adopt(report, hr2, reason="可行")
    else:
        yield "resolved", lambda: sv.resolve(report, hr2, "已调整排班")
    yield "answered", lambda: sv.answer(report, hr2, "已处理，谢谢。")
    yield "closed", lambda: sv.close(report, hr2, "办结")


EXPECTED = {"submitted": "accept", "accepted": "assign", "assigned": None, "adopted": "answer",
            "resolved": "answer", "answered": "close", "closed": None}


@pytest.mark.parametrize("kind, assigned_step", [("complaint", "resolve"),
                                                ("suggestion", "adopt")])
def test_each_state_shows_its_next_step_first(app, demo, login, kind, assigned_step):
    report = sv.file_report(demo["sales1"], kind=kind, subject="夜班排班", body="夜班太多。",
                            anonymous=False).report
    db.session.commit()
    hr1, hr2 = demo["hr1"], demo["hr2"]
    expected = {**EXPECTED, "assigned": assigned_step}
    for status, step in steps(report, hr1, hr2, kind):
        step()
        db.session.commit()
        assert report.status == status
        # hr2 handles it (and is its handler once assigned).
        html = page_of(app, login, hr2, report)
        shown = panels(html)
        if expected[status] is None:
            assert not any(primary for _a, primary, _o in shown), (status, shown)
            continue
        first, *rest = shown
        assert first == (expected[status], True, True), (status, shown)
        assert rest, status
        assert all(not primary and not is_open for _a, primary, is_open in rest), status
        # The rest sit under 其他操作, after the primary panel.
        assert html.index(f'data-testid="action-{first[0]}"') < \
            html.index('data-testid="other-actions"') < \
            html.index(f'data-testid="action-{rest[0][0]}"')
        assert re.search(r'<details class="mb-3 other-actions" data-testid="other-actions"\s*>',
                         html), "其他操作 starts folded"
        # The primary button is the only primary one.
        assert html.count('class="btn btn-sm btn-primary"') == 1


def test_the_filer_sees_the_message_form_first(app, demo, login):
    report = sv.file_report(demo["sales1"], kind="complaint", subject="夜班排班", body="夜班太多。",
                            anonymous=False).report
    db.session.commit()
    shown = panels(page_of(app, login, demo["sales1"], report))
    assert shown == [("message", True, True)]


def test_a_failed_other_action_opens_its_panel(app, demo, login):
    from tests.conftest import csrf_token

    report = sv.file_report(demo["sales1"], kind="complaint", subject="夜班排班", body="夜班太多。",
                            anonymous=False).report
    sv.accept(report, demo["hr1"])
    db.session.commit()
    client = app.test_client()
    login(client, demo["hr1"])
    token = csrf_token(client, f"/suggestions/reports/{report.id}")
    response = client.post(f"/suggestions/reports/{report.id}/actions/close",
                           data={"csrf_token": token, "text": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    shown = dict((a, (p, o)) for a, p, o in panels(html))
    assert shown["close"] == (False, True) and shown["assign"] == (True, True)
    assert re.search(r'data-testid="other-actions"\s*open', html)
