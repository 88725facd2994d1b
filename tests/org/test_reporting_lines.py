"""The org helpers every feature relies on: reporting lines, skip levels, subtrees."""
from __future__ import annotations

from datetime import timedelta

import pytest

from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import ReportingLine
from hub.org.services import (
    OrgError,
    all_reports,
    deactivate_user,
    department_subtree,
    management_line,
    manager_of,
    set_department_parent,
    set_manager,
    skip_level_of,
)


def test_demo_reporting_lines(demo):
    sales1 = demo["sales1"]
    assert manager_of(sales1) == demo["sales_lead"]
    assert skip_level_of(sales1) == demo["sales_head"]
    assert management_line(sales1) == [demo["sales_lead"], demo["sales_head"], demo["gm"]]
    assert manager_of(demo["gm"]) is None
    assert skip_level_of(demo["sales_lead"]) == demo["gm"]


def test_all_reports_walks_the_whole_tree(demo):
    reports = {u.username for u in all_reports(demo["sales_head"])}
    assert reports == {"sales_lead", "sales1", "sales2", "sales3",
                       "sales_lead2", "sales4", "sales5"}
    assert all_reports(demo["sales1"]) == []


def test_department_subtree(demo):
    sales = demo["sales_head"].department
    names = [d.name for d in department_subtree(sales)]
    assert names[0] == "市场部"
    assert set(names) == {"市场部", "华东销售组", "华南销售组"}


def test_a_loop_in_the_reporting_line_is_refused(demo):
    with pytest.raises(OrgError):
        set_manager(demo["sales_head"], demo["sales1"])
    with pytest.raises(OrgError):
        set_manager(demo["sales1"], demo["sales1"])
    db.session.rollback()
    assert manager_of(demo["sales_head"]) == demo["gm"]


def test_moving_a_department_under_its_own_subtree_is_refused(demo):
    sales = demo["sales_head"].department
    east = demo["sales1"].department
    with pytest.raises(OrgError):
        set_department_parent(sales, east)


def test_history_keeps_who_was_whose_manager(demo):
    sales1 = demo["sales1"]
    before = utcnow()
    set_manager(sales1, demo["sales_lead2"], at=before + timedelta(seconds=1))
    db.session.commit()
    assert manager_of(sales1) == demo["sales_lead2"]
    assert manager_of(sales1, at=before) == demo["sales_lead"]
    assert manager_of(sales1, at=before + timedelta(seconds=2)) == demo["sales_lead2"]
    periods = db.session.scalars(
        db.select(ReportingLine).where(ReportingLine.user_id == sales1.id)
        .order_by(ReportingLine.valid_from)).all()
    assert [p.manager_id for p in periods] == [demo["sales_lead"].id, demo["sales_lead2"].id]
    assert periods[0].valid_to is not None and periods[1].valid_to is None


def test_nothing_breaks_when_a_manager_leaves(demo):
    lead = demo["sales_lead"]
    moved = deactivate_user(lead)
    db.session.commit()
    assert {u.username for u in moved} == {"sales1", "sales2", "sales3"}
    assert manager_of(demo["sales1"]) == demo["sales_head"]
    assert skip_level_of(demo["sales1"]) == demo["gm"]
    assert demo["sales1"].department.head is None
    assert lead not in all_reports(demo["sales_head"])


def test_management_line_survives_a_loop_in_stored_data(create_user):
    a = create_user("a")
    b = create_user("b", manager=a)
    a.manager = b  # data written around the service (e.g. an old import) must not hang us
    db.session.commit()
    assert management_line(a) == [b]
    assert management_line(b) == [a]
