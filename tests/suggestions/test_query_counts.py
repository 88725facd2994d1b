"""Who may see a report is decided in bulk: a list, a queue, the statistics, the search's
re-check and its access terms cost the same number of SQL statements for 5 reports as for
25 (no query per report), and the bulk decision is the rule itself — the same answers as
deciding each report on its own, as ``report_viewer_ids`` (the search's access terms), and
as a plain reading of the rule (``reference_can_view`` below) — and it follows every change
at once, committed or not."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, select, update

from hub.common.models import set_setting
from hub.extensions import db
from hub.org.models import UnitMembership, User
from hub.org.services import department_head, management_line, set_manager
from hub.search.indexer import documents
from hub.search.registry import PROVIDERS
from hub.suggestions import access
from hub.suggestions import services as sv
from hub.suggestions.models import Report, ReportExclusion

#: People named in the reports of each round: a different one every round, so that no
#: round can borrow another's management line.
NAMED = ["sales1", "sales3", "sales4", "prod2", "prod3"]


@contextmanager
def statements():
    """Counts the SQL statements run inside the block."""
    found = []

    def count(*_args, **_kwargs):
        found.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield found
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def file_round(demo, n: int) -> None:
    """Five reports of every shape the rule knows: an anonymous complaint naming somebody
    (their line is conflicted), a named whistle-blowing report (the filer's line), a named
    suggestion (its department head reviews it), a report naming all of HR (the GM office
    takes over), one with an excluded handler, accepted and assigned."""
    named = demo[NAMED[n % len(NAMED)]]
    sv.file_report(demo["cs1"], kind="complaint", subject=f"投诉{n}", body="正文",
                   anonymous=True, named_users=[named])
    sv.file_report(demo["prod1"], kind="whistleblowing", subject=f"举报{n}", body="正文",
                   anonymous=False)
    sv.file_report(demo["sales2"], kind="suggestion", subject=f"建议{n}", body="正文",
                   anonymous=False)
    sv.file_report(demo["fin1"], kind="whistleblowing", subject=f"人事{n}", body="正文",
                   anonymous=True, named_users=[demo["hr_head"], demo["hr1"], demo["hr2"]])
    report = sv.file_report(demo["rd1"], kind="issue", subject=f"问题{n}", body="正文",
                            anonymous=False).report
    sv.exclude_handler(report, demo["hr_head"], demo["hr2"], "亲属")
    sv.accept(report, demo["hr1"])
    sv.assign(report, demo["hr_head"], demo["hr1"])
    db.session.commit()


PAGES = [
    ("hr1", "/suggestions/queue"),
    ("hr_head", "/suggestions/queue?sort=urgency"),
    ("gmo", "/suggestions/queue"),                  # the fallback unit
    ("hr1", "/api/v1/reports?per_page=100"),
    ("hr_head", "/suggestions/stats"),
    ("prod1", "/suggestions/"),                     # an employee's own reports
    ("prod1", "/api/v1/reports?per_page=100"),
    ("sales_lead", "/suggestions/?show=department"),  # a reviewing department head
]


def measure(app, demo, login, bearer) -> tuple[dict, dict]:
    """SQL statements per page (each page asked twice, the second one counted) and what
    the pages list."""
    counts, listed = {}, {}
    for username, path in PAGES:
        client = app.test_client()
        api = path.startswith("/api/")
        headers = bearer(demo[username]) if api else {}
        if not api:
            login(client, demo[username])
        assert client.get(path, headers=headers).status_code == 200
        with statements() as found:
            response = client.get(path, headers=headers)
        assert response.status_code == 200, (username, path)
        counts[(username, path)] = len(found)
        if api:
            listed[(username, path)] = response.get_json()["total"]
    provider = PROVIDERS["report"]
    ids = list(db.session.scalars(select(Report.id)))
    db.session.commit()  # nothing the pages or the last round decided is known any more
    with statements() as found:
        # as the search's re-check: the hits loaded together, then the page rule on each
        loaded = db.session.scalars(select(Report).where(Report.id.in_(ids))
                                    .options(*provider.load_options)).all()
        allowed = [r.id for r in loaded if provider.can_view(demo["hr1"], r)]
    counts["recheck"], listed["recheck"] = len(found), len(allowed)
    db.session.commit()
    with statements() as found:
        docs = [doc for _key, doc in documents(provider, ids)]
    counts["index"], listed["index"] = len(found), sum(1 for d in docs if d["access"])
    db.session.commit()
    return counts, listed


def test_lists_cost_the_same_for_5_reports_as_for_25(app, demo, login, bearer):
    file_round(demo, 0)
    few, few_listed = measure(app, demo, login, bearer)
    for n in range(1, 5):
        file_round(demo, n)
    many, many_listed = measure(app, demo, login, bearer)
    # the lists did grow: hr1 handles 4 of each 5 (not the one naming all of HR), prod1
    # filed one of each 5 under their name
    assert few_listed[("hr1", "/api/v1/reports?per_page=100")] == 4
    assert many_listed[("hr1", "/api/v1/reports?per_page=100")] == 20
    assert (few_listed[("prod1", "/api/v1/reports?per_page=100")],
            many_listed[("prod1", "/api/v1/reports?per_page=100")]) == (1, 5)
    assert (few_listed["recheck"], many_listed["recheck"]) == (4, 20)
    assert (few_listed["index"], many_listed["index"]) == (5, 25)
    # the statistics show their table by department (one query) only once there are
    # enough reports not to give anybody away
    stats = ("hr_head", "/suggestions/stats")
    assert many.pop(stats) == few.pop(stats) + 1
    assert many == few


def reference_can_view(user: User, report: Report) -> bool:
    """The rule read plainly, one report and one query at a time (as it was written before
    it was decided in bulk): the oracle the bulk decision must agree with."""
    if not user.active:
        return False
    if report.author_id is not None and report.author_id == user.id:
        return True
    blocked = set()
    for named in report.named:
        blocked |= {named.user_id} | {m.id for m in management_line(named.user)}
    if report.kind == "whistleblowing" and report.author is not None:
        blocked |= {m.id for m in management_line(report.author)}
    blocked |= {e.user_id for e in report.exclusions}

    def team(unit):
        return [] if unit is None else [
            m.user for m in sorted(unit.memberships, key=lambda m: m.user_id)
            if m.user.active and m.user_id not in blocked]

    handlers = team(report.unit) or team(sv.fallback_unit())
    if any(h.id == user.id for h in handlers):
        return True
    if report.kind == "suggestion" and report.author_department is not None:
        head = department_head(report.author_department)
        return head is not None and head.id == user.id and user.id not in blocked
    return False


def test_the_bulk_decision_is_the_rule(app, demo):
    file_round(demo, 3)  # names prod2, who is about to be in a loop
    set_manager(demo["prod2"], demo["prod3"])  # a loop in the reporting lines
    db.session.execute(update(User).where(User.id == demo["prod3"].id)
                       .values(manager_id=demo["prod2"].id))
    demo["sales_lead"].active = False  # a reviewing head who left
    db.session.commit()
    reports = list(db.session.scalars(select(Report).order_by(Report.id)))
    newest_first = sorted(reports, key=lambda r: (r.filed_on, r.id), reverse=True)
    viewers = sv.report_viewer_ids(reports)
    for user in demo.values():
        db.session.commit()  # each person decided from scratch
        expected = [r.id for r in newest_first if reference_can_view(user, r)]
        db.session.commit()
        assert sv.visible_report_ids(user) == expected, user.username
        db.session.commit()
        assert [r.id for r in newest_first if sv.can_view_report(user, r)] == expected
        assert {r.id for r in reports if user.id in viewers[r.id]} == set(expected)
        # the SQL rule's parts agree with the bulk rule's (the queue, a head's list)
        db.session.commit()
        handled = set(db.session.scalars(access.visible_stmt(
            user, clause=access.handled_clause(user)).with_only_columns(Report.id)))
        reviewed = set(db.session.scalars(access.visible_stmt(
            user, clause=access.reviewed_clause(user)).with_only_columns(Report.id)))
        assert handled == {r.id for r in reports if sv.is_handler(user, r)}, user.username
        assert reviewed == {r.id for r in reports if user.active and sv.is_reviewer(user, r)}


def test_a_change_counts_at_once_committed_or_not(app, demo):
    report = sv.file_report(demo["cs1"], kind="complaint", subject="投诉", body="正文",
                            anonymous=True, named_users=[demo["sales1"]]).report
    db.session.commit()
    hr1, hr2, hr_head = demo["hr1"], demo["hr2"], demo["hr_head"]
    assert sv.can_view_report(hr2, report) and sv.is_handler(hr2, report)
    # an exclusion, not flushed yet
    report.exclusions.append(ReportExclusion(user=hr2, excluded_by_id=hr_head.id,
                                             at=report.filed_at))
    assert not sv.can_view_report(hr2, report)
    assert [m.username for m in sv.handling_team(report)] == ["hr_head", "hr1"]
    # a new reporting line puts hr1 (and hr_head, gm above) over the person named
    set_manager(demo["sales1"], hr1)
    assert not sv.is_handler(hr1, report) and hr1.id in sv.conflicted_ids(report)
    assert sv.effective_unit(report).code == "gm_office"
    assert [m.username for m in sv.handling_team(report)] == ["gmo"]
    # a statement that bypasses the objects: the GM office's secretary leaves
    db.session.execute(update(User).where(User.id == demo["gmo"].id).values(active=False))
    assert sv.handling_team(report) == [] and sv.effective_unit(report).code == "hr"
    # another fallback unit
    set_setting(sv.FALLBACK_UNIT_SETTING, "customer_service")
    assert sv.effective_unit(report).code == "customer_service"
    assert sv.can_view_report(demo["cs2"], report)
    # somebody joins HR
    db.session.add(UnitMembership(unit_id=report.unit_id, user_id=demo["fin1"].id))
    assert [m.username for m in sv.handling_team(report)] == ["fin1"]
    assert not sv.can_view_report(demo["cs2"], report)
    # and all of it undone
    db.session.rollback()
    assert sv.is_handler(hr1, report) and sv.is_handler(hr2, report)
    assert sv.effective_unit(report).code == "hr"


def test_one_report_asked_about_again_costs_nothing(app, demo):
    for n in range(2):
        file_round(demo, n)
    for username in ("hr1", "gmo"):  # HR, and the fallback unit
        db.session.commit()
        user = demo[username]
        stmt = access.visible_stmt(user, clause=access.handled_clause(user))
        reports, total = access.page_of_reports(stmt, 1, 50, options=access.LIST_OPTIONS)
        assert total == len(reports) > 0
        access.summary_views(user, reports)  # the page, decided together
        with statements() as found:
            for report in reports:
                assert sv.is_handler(user, report)
                sv.allowed_actions(user, report)
                sv.effective_unit(report)
        assert found == [], username
