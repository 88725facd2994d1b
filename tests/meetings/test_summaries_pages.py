"""What the monthly summary's pages cost the database (the same number of statements at 5
rows as at 50, at most ``LIMIT``), and page–API parity of a department's summary for every
demo person (both render ``hub.meetings.access.summary_view``)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.meetings import summaries as sm
from hub.meetings.services import log_talk
from hub.meetings.summaries_models import DepartmentSummary
from tests.api.conftest import API
from tests.support.parity import api_fields, page_fields
from tests.support.sqlcount import statements

LIMIT = 12
#: ``id`` is the page's address, not a field it shows.
IGNORE = frozenset({"id"})
#: The GM, the GM office, department heads (of a department and of a sub-department),
#: HR, the admin and an employee.
ROLES = ("gm", "gmo", "sales_head", "sales_lead", "prod_head", "cs_head", "hr_head", "hr1",
         "admin", "sales1")


class World:
    """The GM and the GM office; ``n`` departments, each with a head reporting to the GM
    (the first 20 with an employee who had a talk with the head this month); last month's
    drafts, every other one submitted; a spot check per department."""

    def __init__(self, create_user, create_department):
        self.create_user, self.create_department = create_user, create_department
        office = create_department("总经办")
        self.gm = create_user("gm", department=office, roles=["gm_office"], heads=True)
        self.gmo = create_user("gmo", department=office, roles=["gm_office"], manager=self.gm)
        self.n = 0
        self.month = Month.of(utcnow()).previous

    def grow(self, n: int) -> None:
        held = utcnow() - timedelta(hours=1)
        while self.n < n:
            i = self.n
            dept = self.create_department(f"部门{i}")
            head = self.create_user(f"head{i}", name=f"经理{i}", department=dept,
                                    manager=self.gm, heads=True)
            if i < 20:  # enough talk logs for a spot check of 20
                person = self.create_user(f"p{i}", name=f"员工{i}", department=dept,
                                          manager=head)
                log_talk(head, kind="one_on_one", with_user_ids=[person.id], held_at=held,
                         duration_minutes=20, topics=f"例行{i}")
            for summary in sm.open_month(self.month):
                if i % 2:
                    sm.act(summary, head, "submit", f"说明{i}")
            sm.start_spot_check(self.gmo, Month.of(held), 1)
            db.session.commit()
            self.n += 1


def cost(client, path: str) -> int:
    client.get(path)  # warm: the first request of a session loads what later ones reuse
    with statements() as found:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(found)


def test_pages_cost_the_same_at_5_and_50_rows(app, create_user, create_department, client,
                                              login):
    """每月对《沟通记录》…进行汇总，报总经理审核 / 监督方式为不定期抽查: the summaries list, a
    summary, the spot checks and a spot check run a fixed number of statements."""
    world = World(create_user, create_department)
    login(client, world.gmo)
    pages = ["/talks/summaries?month=" + str(world.month), "/talks/spot-checks"]
    world.grow(5)
    small = {p: cost(client, p) for p in pages}
    world.grow(50)
    big = {p: cost(client, p) for p in pages}
    assert small == big and max(big.values()) <= LIMIT, (small, big)
    first = db.session.scalar(select(DepartmentSummary.id).order_by(DepartmentSummary.id))
    assert cost(client, f"/talks/summaries/{first}") <= LIMIT
    # A spot check of 2 logs and of 20.
    held = utcnow() - timedelta(hours=1)
    two = sm.start_spot_check(world.gmo, Month.of(held), 2)
    twenty = sm.start_spot_check(world.gmo, Month.of(held), 20)
    db.session.commit()
    assert len(twenty.items) == 20
    assert cost(client, f"/talks/spot-checks/{two.id}") == \
        cost(client, f"/talks/spot-checks/{twenty.id}") <= LIMIT


def test_summary_page_and_api_show_the_same_fields(app, client, demo, bearer, login):
    """报总经理审核，并在月例会上公布: for each demo role and a demo summary of each state
    (draft, submitted, returned, published), the page shows the fields the API returns, and
    hides (404) the same ones."""
    from hub.meetings.demo import create_demo_talks
    from hub.meetings.summaries_demo import create_demo_summaries

    create_demo_talks(demo)
    create_demo_summaries(demo)
    approved = db.session.scalar(select(DepartmentSummary).where(
        DepartmentSummary.status == "approved"))
    sm.act(approved, demo["gmo"], "publish")
    db.session.commit()
    # One summary of each state, as each role sees it.
    by_status = {}
    for summary in db.session.scalars(select(DepartmentSummary).order_by(DepartmentSummary.id)):
        by_status.setdefault(summary.status, summary.id)
    assert set(by_status) == {"draft", "submitted", "returned", "published"}
    summaries = sorted(by_status.values())

    seen = hidden = 0
    for username in ROLES:
        person = demo[username]
        headers = bearer(person)
        login(client, person)
        for summary_id in summaries:
            api = client.get(f"{API}/compliance/summaries/{summary_id}", headers=headers)
            page = client.get(f"/talks/summaries/{summary_id}")
            where = (person.username, summary_id)
            assert api.status_code == page.status_code, where
            if api.status_code == 404:
                hidden += 1
                continue
            assert api.status_code == 200, where
            assert api_fields(api.get_json(), IGNORE) == \
                page_fields(page.get_data(as_text=True)), where
            seen += 1
    assert seen and hidden


def test_spot_check_page_and_api_show_the_same_fields(app, client, demo, bearer, login):
    """监督方式为不定期抽查: the demo's spot check shows the same fields on its page and in
    the API for each role, and is hidden (404) from the same people."""
    from hub.meetings.demo import create_demo_talks
    from hub.meetings.summaries_demo import create_demo_summaries
    from hub.meetings.summaries_models import SpotCheck

    create_demo_talks(demo)
    create_demo_summaries(demo)
    db.session.commit()
    check_id = db.session.scalar(select(SpotCheck.id))
    assert check_id is not None
    seen = hidden = 0
    for username in ROLES:
        person = demo[username]
        login(client, person)
        api = client.get(f"{API}/compliance/spot-checks/{check_id}", headers=bearer(person))
        page = client.get(f"/talks/spot-checks/{check_id}")
        assert api.status_code == page.status_code, username
        if api.status_code == 404:
            hidden += 1
            continue
        assert api_fields(api.get_json(), IGNORE) == page_fields(page.get_data(as_text=True))
        seen += 1
    assert seen == 2 and hidden == len(ROLES) - 2  # the GM and the GM office

