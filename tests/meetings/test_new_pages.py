"""The new-meeting and new-talk pages ask for 沟通类别 and 沟通对象 once (issue 14, problem 9):
the look-up buttons (free slots, earlier action items) are part of the one form, show the
page again filled as it was, and save nothing."""
from __future__ import annotations

import re

import pytest

from tests.meetings.test_meetings import form_time, org, window_start  # noqa: F401


def labels(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s", "", text) for text in re.findall(r"<label\b[^>]*>(.*?)</label>",
                                                                   html, re.S)]


@pytest.mark.parametrize("path", ["/talks/meetings/new", "/talks/logs/new"])
def test_each_label_appears_once(client, org, login, path):
    login(client, org.lead)
    html = client.get(f"{path}?kind=one_on_one&person={org.one.id}").get_data(as_text=True)
    found = labels(html)
    assert found.count("沟通类别") == 1 and found.count("沟通对象") == 1, found
    assert html.count('name="kind"') == 1 and html.count('name="with_user"') == 1


def test_looking_up_slots_keeps_the_form_and_files_nothing(client, org, login, get_csrf):
    from sqlalchemy import func, select

    from hub.extensions import db
    from hub.meetings.models import Meeting

    login(client, org.lead)
    token = get_csrf(client, "/talks/meetings/new")
    data = {"csrf_token": token, "kind": "one_on_one", "with_user": org.one.id, "start": "",
            "duration_minutes": 20, "location": "小会议室", "agenda": "本月目标"}
    found = client.post("/talks/meetings/new", data={**data, "find": "slots"})
    assert found.status_code == 200
    html = found.get_data(as_text=True)
    slots = re.findall(r'name="slot" value="([^"]+)"', html)
    assert slots and 'value="小会议室"' in html and "本月目标" in html
    assert "invalid-feedback" not in html  # a look-up is not a failed submission
    taken = client.post("/talks/meetings/new", data={**data, "slot": slots[0]})
    assert taken.status_code == 200
    assert re.search(rf'id="start"[^>]*value="{slots[0]}"', taken.get_data(as_text=True)) or \
        f'value="{slots[0]}"' in taken.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0
    sent = client.post("/talks/meetings/new", data={**data, "start": slots[0]})
    assert sent.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_looking_up_earlier_items_on_the_talk_form(client, org, login, get_csrf):
    from hub.extensions import db
    from tests.meetings.test_talk_logs import log

    first = log(org.lead, org.one, items=[("整理客户名单", org.one)])
    db.session.commit()
    login(client, org.lead)
    token = get_csrf(client, "/talks/logs/new")
    found = client.post("/talks/logs/new", data={
        "csrf_token": token, "kind": "one_on_one", "with_user": org.one.id, "held_at": "",
        "duration_minutes": 15, "topics": "客户拜访", "find": "items"})
    assert found.status_code == 200
    html = found.get_data(as_text=True)
    assert f'name="done_items" value="{first.action_items[0].id}"' in html
    assert "客户拜访" in html and 'data-testid="talk-errors"' not in html
