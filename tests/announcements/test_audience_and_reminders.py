"""Issue 14, problem 10: a head's one possible audience is preselected, the publisher is
never asked to confirm their own announcement (nor counted 未确认), and the reminder button's
count is the number the reminder reaches."""
from __future__ import annotations

import re

from sqlalchemy import select

from hub.announcements import services as an
from hub.announcements.models import Announcement
from hub.extensions import db
from tests.announcements.conftest import department
from tests.conftest import csrf_token


def browser(app, login, user):
    client = app.test_client()
    login(client, user)
    return client


def selected_departments(html: str) -> list[str]:
    select_html = html[html.index('name="departments"'):]
    select_html = select_html[:select_html.index("</select>")]
    return re.findall(r'<option selected value="(\d+)"|<option value="(\d+)" selected',
                      select_html)


def test_a_head_with_one_department_finds_it_preselected_and_the_first_publish_works(
        app, demo, login):
    prod_head = browser(app, login, demo["prod_head"])
    form = prod_head.get("/announcements/new").get_data(as_text=True)
    prod = str(department("生产部").id)
    assert [v for pair in selected_departments(form) for v in pair if v] == [prod]
    # The form as the browser sends it: the preselected department goes with it.
    response = prod_head.post("/announcements/new", data={
        "csrf_token": csrf_token(prod_head, "/announcements/new"), "title": "十二月安全生产检查",
        "kind": "notice", "body": "周五下午检查车间消防通道。", "departments": [prod]})
    assert response.status_code == 302, response.get_data(as_text=True)
    announcement = db.session.scalar(select(Announcement))
    assert [r.department.name for r in announcement.audience] == ["生产部"]


def test_nothing_is_preselected_for_who_may_address_anyone(app, demo, login):
    for username in ("gmo", "hr1"):
        form = browser(app, login, demo[username]).get("/announcements/new").get_data(
            as_text=True)
        assert not selected_departments(form), username


def test_the_publisher_is_not_asked_to_confirm_their_own_announcement(app, demo, login):
    author = demo["sales_head"]  # in 市场部, the audience
    announcement = an.publish(author, title="拜访计划", kind="plan", body="每周五提交。",
                              audience=an.Audience(department_ids=(department("市场部").id,)),
                              requires_confirmation=True)
    db.session.commit()
    assert an.in_audience(author, announcement)
    assert not an.asks_to_confirm(author, announcement)
    assert announcement.id not in {a.id for a in db.session.scalars(
        an.unconfirmed_query(author))}
    assert an.asks_to_confirm(demo["sales1"], announcement)

    status = an.confirmation_status(author, announcement)
    usernames = {s.person.username for s in status.people}
    assert author.username not in usernames and "sales1" in usernames
    assert author.username not in {s.person.username for s in status.not_confirmed}

    client = browser(app, login, author)
    page = client.get(f"/announcements/{announcement.id}").get_data(as_text=True)
    assert 'data-testid="confirm"' not in page
    listing = client.get(f"/announcements/{announcement.id}/confirmations").get_data(
        as_text=True)
    assert f'data-username="{author.username}"' not in listing
    assert f"已确认 0 / {len(status.people)} 人" in listing
    response = client.post(f"/announcements/{announcement.id}/confirm", data={
        "csrf_token": csrf_token(client, f"/announcements/{announcement.id}")})
    assert response.status_code in (302, 409)
    assert an.confirmation_of(author, announcement) is None


def test_the_remind_button_counts_whom_the_reminder_reaches(app, demo, login):
    # gmo publishes to 市场部; sales_lead (in the audience himself) follows up his team.
    announcement = an.publish(demo["gmo"], title="客户资料保密规定", kind="policy",
                              body="客户资料不得外传。", requires_confirmation=True,
                              audience=an.Audience(department_ids=(department("市场部").id,)))
    an.confirm(announcement, demo["sales1"])
    db.session.commit()
    for username in ("sales_lead", "gmo"):
        client = browser(app, login, demo[username])
        url = f"/announcements/{announcement.id}/confirmations"
        listing = client.get(url).get_data(as_text=True)
        shown = int(re.search(r"提醒未确认人员（(\d+)）", listing).group(1))
        response = client.post(f"/announcements/{announcement.id}/remind",
                               data={"csrf_token": csrf_token(client, url)})
        message = client.get(response.headers["Location"]).get_data(as_text=True)
        told = int(re.search(r"已提醒 (\d+) 名未确认人员", message).group(1))
        assert shown == told, username
    assert told == 7  # 市场部's 8 people but sales1, who confirmed (gmo is not in it)
