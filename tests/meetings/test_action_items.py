"""Who may tick an action item done (issue 14, problem 14): its owner alone — the talk's
author when the owner has left.  Anybody else who sees the talk gets a 403 and no button;
anybody who does not see it, a 404."""
from __future__ import annotations

import re

from tests.meetings.test_meetings import org  # noqa: F401 - the fixture
from tests.meetings.test_talk_logs import log


def buttons(html: str) -> list[str]:
    """The texts of the action items that carry a 标记完成 button on a page."""
    rows = re.findall(r'data-testid="action-item".*?</li>', html, re.S)
    return sorted(re.search(r"</i> (\S+)", row).group(1) for row in rows
                  if 'data-testid="item-done"' in row)


def test_only_the_owner_ticks_an_item_done(app, org, login, get_csrf):
    from hub.extensions import db

    talk = log(org.lead, org.one, items=[("申请样品", org.lead), ("整理客户名单", org.one)])
    db.session.commit()
    samples, names = talk.action_items

    def client_of(user):
        client = app.test_client()
        login(client, user)
        return client, get_csrf(client, f"/talks/logs/{talk.id}")

    one, one_token = client_of(org.one)
    assert buttons(one.get(f"/talks/logs/{talk.id}").get_data(as_text=True)) == ["整理客户名单"]
    assert buttons(one.get("/talks/").get_data(as_text=True)) == ["整理客户名单"]
    # The subordinate cannot tick the manager's item …
    refused = one.post(f"/talks/items/{samples.id}/done", data={"csrf_token": one_token})
    assert refused.status_code == 403
    db.session.refresh(samples)
    assert samples.done_at is None
    # … nor can the manager, their manager or HR tick the subordinate's.
    for user in (org.lead, org.head, org.hr):
        other, token = client_of(user)
        assert other.post(f"/talks/items/{names.id}/done",
                          data={"csrf_token": token}).status_code == 403, user.username
    lead, lead_token = client_of(org.lead)
    assert buttons(lead.get(f"/talks/logs/{talk.id}").get_data(as_text=True)) == ["申请样品"]
    # Somebody who does not see the talk: 404, as if the item did not exist.
    outsider = app.test_client()
    login(outsider, org.outsider)
    assert outsider.post(f"/talks/items/{names.id}/done",
                         data={"csrf_token": get_csrf(outsider, "/talks/")}).status_code == 404

    # Each owner ticks their own.
    assert one.post(f"/talks/items/{names.id}/done",
                    data={"csrf_token": one_token}).status_code == 302
    assert lead.post(f"/talks/items/{samples.id}/done",
                     data={"csrf_token": lead_token}).status_code == 302
    db.session.refresh(names)
    db.session.refresh(samples)
    assert (names.done_by_id, samples.done_by_id) == (org.one.id, org.lead.id)


def test_the_author_closes_the_item_of_somebody_who_left(app, org, login, get_csrf):
    from hub.extensions import db

    talk = log(org.lead, org.two, items=[("交接客户", org.two)])
    db.session.commit()
    (handover,) = talk.action_items
    org.two.active = False
    db.session.commit()
    client = app.test_client()
    login(client, org.lead)
    token = get_csrf(client, f"/talks/logs/{talk.id}")
    assert buttons(client.get(f"/talks/logs/{talk.id}").get_data(as_text=True)) == ["交接客户"]
    assert client.post(f"/talks/items/{handover.id}/done",
                       data={"csrf_token": token}).status_code == 302
    db.session.refresh(handover)
    assert handover.done_by_id == org.lead.id
