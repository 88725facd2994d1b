"""Every route × every kind of caller → the status the caller gets.

``ROUTES`` names the access rule of every endpoint in ``app.url_map``; ``RULES`` says what
each rule means for anonymous visitors and for each demo caller in ``CALLERS``.  A new route
without an entry fails ``test_every_route_has_a_rule`` (deny by default is only as good as
the list of exceptions), and so does an entry whose route is gone.

Reads are GETs of URLs filled with ids of things the caller may see (``ARGUMENTS``,
``URL_VALUES``).  Writes are only ever tried in ways that must be refused: anonymous, or
without a CSRF token.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import url_for
from werkzeug.datastructures import FileStorage

from hub.common.converters import IdConverter

TO_LOGIN = "302 /login"

#: The signed-in callers: a role name → the demo user who plays it.
CALLERS = {
    "employee": "sales1",
    "admin": "admin",
    "gm_office": "gmo",
    "hr": "hr1",
}


@dataclass(frozen=True)
class Rule:
    """What a GET gets: ``anonymous``; ``allowed`` for the callers in ``only`` (every
    signed-in caller when ``only`` is empty) and ``refused`` for the others.

    ``anonymous_write``: what an anonymous write (POST, PUT, DELETE …) gets — on pages with a
    valid CSRF token, so that the refusal is the sign-in check's and not the CSRF check's; on
    the API with no token at all.  ``None``: the write is open to anonymous callers and
    would really happen, so it is not tried here."""

    anonymous: str
    allowed: str
    anonymous_write: str | None
    only: frozenset[str] = frozenset()
    refused: str = "404"

    def expected(self, caller: str) -> str:
        if caller == "anonymous":
            return self.anonymous
        return self.allowed if not self.only or caller in self.only else self.refused


def page_for(*callers: str) -> Rule:
    """A page for some roles only; everybody else gets a 404, as if it did not exist."""
    return Rule(TO_LOGIN, "200", TO_LOGIN, frozenset(callers))


RULES = {
    # Pages anyone may open, signed in or not.
    "public": Rule("200", "200", None),
    # The sign-in page: people who are signed in already go home.
    "sign-in": Rule("200", "302 /", None),
    # Every signed-in employee.
    "login": Rule(TO_LOGIN, "200", TO_LOGIN),
    # 系统管理: the admin only.
    "admin": page_for("admin"),
    # 总经办 GM office only.
    "gm-office": page_for("gm_office"),
    # Members of a handling unit (HR, 安全环保部, 客服部, 总经办 in the demo).
    "handling-units": page_for("hr", "gm_office"),
    # A report's handlers (HR for the demo's suggestions) and the department head concerned.
    "handlers": page_for("hr"),
    # The reward list: HR and the heads of the handling units.
    "report-oversight": page_for("hr"),
    # Statistics: those and the GM office (aggregate numbers only, tests/dashboard).
    "report-stats": page_for("hr", "gm_office"),
    # A handling unit's audit log: its head only, and none of CALLERS heads a unit
    # (tests/suggestions/test_audit.py checks the heads).
    "unit-heads": Rule(TO_LOGIN, "200", TO_LOGIN, frozenset({"head of a handling unit"})),
    # API without a token (the token exchange, the OpenAPI document, receipts): an empty
    # request body is a validation error.
    "api-public": Rule("200", "200", "400 validation_error"),
    # API with a bearer token.
    "api-token": Rule("401 unauthorized", "200", "401 unauthorized"),
    # 沟通执行情况: managers, department heads and the GM office (of CALLERS only the GM
    # office; tests/meetings/test_compliance_views.py checks managers and heads).
    "talk-compliance": page_for("gm_office"),
    # 协作部门与考核日期: the admin and HR.
    "talk-config": page_for("admin", "hr"),
    # Opening a 面谈: HR and managers (none of CALLERS manages anybody).
    "talk-occasions": page_for("hr"),
    # The compliance API: managers, heads and the GM office, as the page.
    "api-talk-compliance": Rule("401 unauthorized", "200", "401 unauthorized",
                                frozenset({"gm_office"}), refused="404 not_found"),
    # 反馈项目设置 (periodic feedback obligations): the admin and HR.
    "feedback-config": page_for("admin", "hr"),
    # Publishing announcements: the GM office, HR and department heads (none of CALLERS
    # heads a department; tests/announcements checks the heads).
    "publishers": page_for("gm_office", "hr"),
    # API for the GM office only (of CALLERS): an announcement's confirmation list.
    "api-gm-office": Rule("401 unauthorized", "200", "401 unauthorized",
                          frozenset({"gm_office"}), refused="404 not_found"),
    # 问卷管理: HR only; survey results: HR and the GM office (managers see their team's
    # upward feedback from 5 answers: tests/surveys).
    "survey-managers": page_for("hr"),
    "survey-results": page_for("hr", "gm_office"),
    "api-survey-results": Rule("401 unauthorized", "200", "401 unauthorized",
                               frozenset({"hr", "gm_office"}), refused="404 not_found"),
}

#: Every endpoint of the hub and its rule.
ROUTES = {
    # Public pages, the sign-in page and the API without a token (hub.auth.access allowlist).
    "static": "public",
    "main.healthz": "public",
    "favicon": "public",
    "main.set_language": "public",
    "receipts.lookup": "public",
    "receipts.message": "public",
    "receipts.feedback": "public",
    "auth.login": "sign-in",
    "api-docs.openapi_json": "api-public",
    "api_auth.create_token": "api-public",
    "api_receipts.lookup": "api-public",
    "api_receipts.message": "api-public",
    # the anonymous writer's verdict carries the receipt code instead of a token
    "api_letters.feedback": "api-public",
    # Every signed-in employee.
    "main.index": "login",
    # 责任追究: everybody sees their own entries; the 通报 is the GM office's and HR's.
    "accountability.index": "login",
    "accountability.entry": "login",
    "accountability.act": "login",
    "accountability.bulletin_page": "report-stats",
    "accountability.bulletin_export": "report-stats",
    "api_accountability.entries": "api-token",
    "api_accountability.entry": "api-token",
    "api_accountability.act": "api-token",
    "auth.logout": "login",
    "auth.change_password": "login",
    "auth.tokens": "login",
    "auth.revoke_token": "login",
    "notifications.index": "login",
    "notifications.open_notification": "login",
    "notifications.read_all": "login",
    "directory.index": "login",
    "directory.person": "login",
    "directory.department": "login",
    # 总经理信箱 GM mailbox.
    "mailbox.inbox": "login",
    "mailbox.write": "login",
    "mailbox.write_receipt": "login",
    "mailbox.letter": "login",
    "mailbox.attachment": "login",
    "mailbox.act": "login",
    "mailbox.assigned": "login",
    "mailbox.office": "gm-office",
    "mailbox.accept_many": "gm-office",
    "mailbox.stats": "gm-office",
    "mailbox.stats_xlsx": "gm-office",
    # 合理化建议与举报 suggestions and reports.
    "suggestions.index": "login",
    "suggestions.new": "login",
    "suggestions.new_receipt": "login",
    "suggestions.report": "login",
    "suggestions.attachment": "login",
    "suggestions.act": "login",
    "suggestions.reveal": "login",
    "suggestions.queue": "handling-units",
    "suggestions.rectification": "handlers",
    "suggestions.rectification_done": "handlers",
    "suggestions.stats": "report-stats",
    "suggestions.stats_xlsx": "report-stats",
    "suggestions.rewards": "report-oversight",
    "suggestions.rewards_xlsx": "report-oversight",
    "suggestions.audit_log": "unit-heads",
    "suggestions.audit_xlsx": "unit-heads",
    # 沟通 obligations: my list, compliance, the monthly summary, configuration, 面谈, 申诉.
    "meetings.due": "login",
    "meetings.compliance": "talk-compliance",
    "meetings.compliance_person": "login",  # the caller's own obligations
    "meetings.summary": "gm-office",
    "meetings.summary_xlsx": "gm-office",
    "meetings.summary_generate": "gm-office",
    "meetings.config": "talk-config",
    "meetings.add_pair": "talk-config",
    "meetings.remove_pair": "talk-config",
    "meetings.add_appraisal": "talk-config",
    "meetings.remove_appraisal": "talk-config",
    "meetings.new_occasion": "talk-occasions",
    "meetings.appeal": "login",
    # 沟通 meetings and talk logs: every signed-in employee; ids are of a meeting the
    # caller proposed and a talk the caller logged (others get a 404, tests/meetings).
    "meetings.index": "login",
    "meetings.new_meeting": "login",
    "meetings.meeting": "login",
    "meetings.meeting_ics": "login",
    "meetings.respond_to": "login",
    "meetings.new_talk": "login",
    "meetings.talk": "login",
    "meetings.acknowledge_talk": "login",
    "meetings.item_done": "login",
    # 公告 announcements: ids are of a company-wide announcement the GM published, which
    # only the GM office may edit or follow up.
    "announcements.index": "login",
    "announcements.digest": "login",
    "announcements.view": "login",
    "announcements.confirm_page": "login",
    "announcements.attachment": "login",
    "announcements.mine": "publishers",
    "announcements.new": "publishers",
    "announcements.edit_page": "gm-office",
    "announcements.confirmations": "gm-office",
    "announcements.confirmations_xlsx": "gm-office",
    "announcements.remind": "gm-office",
    "api_announcements.create": "api-token",
    "api_announcements.feed": "api-token",
    "api_announcements.announcement": "api-token",
    "api_announcements.confirm_it": "api-token",
    "api_announcements.confirmations": "api-gm-office",
    "api_announcements.change": "api-token",
    "api_announcements.remind": "api-token",
    "api_announcements.digest": "api-token",
    "api_announcements.set_digest_preference": "api-token",
    # 系统管理: the admin only.
    "admin.index": "admin",
    "admin.users": "admin",
    "admin.new_user": "admin",
    "admin.edit_user": "admin",
    "admin.reset_password": "admin",
    "admin.deactivate": "admin",
    "admin.reactivate": "admin",
    "admin.departments": "admin",
    "admin.new_department": "admin",
    "admin.edit_department": "admin",
    "admin.remove_department": "admin",
    "admin.org_import": "admin",
    "admin.apply_import": "admin",
    "admin.import_template": "admin",
    "admin.export_organisation": "admin",
    "admin.routing": "admin",
    "admin.timers": "admin",
    "admin.calendar": "admin",
    "admin.calendar_clear": "admin",
    # /api/v1 with a bearer token.
    "api_auth.list_tokens": "api-token",
    "api_auth.delete_token": "api-token",
    "api_org.me": "api-token",
    "api_org.departments": "api-token",
    "api_org.users": "api-token",
    "api_org.user": "api-token",
    "api_letters.write": "api-token",
    "api_letters.letters": "api-token",
    "api_letters.letter": "api-token",
    "api_letters.act": "api-token",
    "api_letters.urge_letter": "api-token",
    "api_letters.return_to_office": "api-token",
    "api_reports.submit": "api-token",
    "api_reports.reports": "api-token",
    "api_reports.report": "api-token",
    "api_reports.act": "api-token",
    "api_reports.message": "api-token",
    "api_talks.propose": "api-token",
    "api_talks.meeting": "api-token",
    "api_talks.respond_to": "api-token",
    "api_talks.meeting_ics": "api-token",
    "api_talks.log": "api-token",
    "api_talks.talks": "api-token",
    "api_talks.talk": "api-token",
    "api_talks.acknowledge_talk": "api-token",
    "api_compliance.talks_due": "api-token",
    "api_compliance.compliance": "api-talk-compliance",
    # 月汇总报审 and 抽查: department heads and the GM office (of CALLERS the GM office;
    # tests/meetings/test_summaries.py checks heads, the GM and employees).
    "meetings.department_summaries": "gm-office",
    "meetings.department_summary": "gm-office",
    "meetings.summary_step": "gm-office",
    "meetings.spot_checks": "gm-office",
    "meetings.spot_check": "gm-office",
    "meetings.spot_check_finding": "gm-office",
    "api_summaries.summaries": "api-talk-compliance",
    "api_summaries.summary": "api-talk-compliance",
    "api_summaries.summary_action": "api-talk-compliance",
    "api_summaries.spot_checks": "api-gm-office",
    "api_summaries.start_spot_check": "api-gm-office",
    "api_summaries.spot_check": "api-gm-office",
    "api_summaries.record_finding": "api-gm-office",
    "search.index": "login",
    "api_search.search_archive": "api-token",
    "api_notifications.list_notifications": "api-token",
    "api_notifications.read_all": "api-token",
    "api_workbench.my_todo": "api-token",
    # The GM dashboard: the GM office and HR's head (of CALLERS the GM office only;
    # tests/dashboard checks every demo person).
    "dashboard.index": "gm-office",
    "api_dashboard.dashboard": "api-gm-office",
    # 信息反馈: ids are of a report the caller owes, and of a period addressed to them.
    "feedback.index": "login",
    "feedback.report": "login",
    "feedback.period": "login",
    "feedback.obligation_list": "feedback-config",
    "feedback.new_obligation": "feedback-config",
    "feedback.edit_obligation": "feedback-config",
    "api_feedback.due": "api-token",
    "api_feedback.file_it": "api-token",
    "api_feedback.reports": "api-token",
    "api_feedback.report": "api-token",
    # 满意度调查: a company-wide survey everybody answers; HR builds and edits.
    "surveys.index": "login",
    "surveys.survey": "login",
    "surveys.answer_page": "login",
    "surveys.close": "survey-managers",
    "surveys.new": "survey-managers",
    "surveys.edit": "survey-managers",
    "surveys.results": "survey-results",
    "surveys.results_export": "survey-results",
    "api_surveys.create": "api-token",
    "api_surveys.surveys": "api-token",
    "api_surveys.survey": "api-token",
    "api_surveys.change": "api-token",
    "api_surveys.close": "api-token",
    "api_surveys.respond": "api-token",
    "api_surveys.results": "api-survey-results",
}


# Ids the caller may see --------------------------------------------------------------------

def own_letter(user, uploads=()):
    """A letter ``user`` wrote: the writer may always open it."""
    from hub.mailbox.services import file_letter

    return file_letter(user, subject="权限矩阵", body="测试来信", category="other",
                       uploads=list(uploads)).letter


def text_upload() -> FileStorage:
    return FileStorage(io.BytesIO("附件内容".encode()), filename="附件.txt",
                       content_type="text/plain")


def own_letter_with_attachment(user) -> dict:
    letter = own_letter(user, [text_upload()])
    return {"letter_id": letter.id, "attachment_id": letter.attachments[0].id}


def own_report(user, uploads=()) -> int:
    """A suggestion ``user`` filed under their name: the filer may always open it."""
    from hub.suggestions.services import file_report

    return file_report(user, kind="suggestion", subject="权限矩阵", body="测试建议",
                       anonymous=False, uploads=list(uploads)).report.id


def own_report_with_attachment(user) -> dict:
    from hub.extensions import db
    from hub.suggestions.models import Report

    report_id = own_report(user, [text_upload()])
    return {"report_id": report_id,
            "attachment_id": db.session.get(Report, report_id).attachments[0].id}


def rectification(user) -> int:
    """A rectification HR asked of the caller's department about a suggestion."""
    from hub.common.time import utcnow
    from hub.common.workdays import local_date
    from hub.org.services import find_user
    from hub.suggestions.services import accept, file_report, request_rectification

    hr_head = find_user("hr_head")
    report = file_report(find_user("prod1"), kind="suggestion", subject="权限矩阵",
                         body="测试整改", anonymous=False).report
    accept(report, hr_head)
    return request_rectification(report, hr_head, department=user.department,
                                 due_date=local_date(utcnow()), text="请整改").id


def own_accountability_entry(user) -> int:
    """An entry of the accountability register against the caller: everybody sees their
    own."""
    from hub.accountability.models import AccountabilityEntry
    from hub.common.time import utcnow
    from hub.extensions import db

    entry = AccountabilityEntry(person_id=user.id, department_id=user.department_id,
                                kind="talk_missed", source_kind="talk_obligation",
                                source_ref=f"matrix:{utcnow().isoformat()}", since=utcnow(),
                                opened_at=utcnow(), status="open")
    db.session.add(entry)
    db.session.flush()
    return entry.id


def company_announcement(user, uploads=()):
    """An announcement to the whole company from the GM, to be confirmed: everybody may
    read it, the GM office may edit it and see who confirmed.  Scheduled, then moved to the
    present, so that it is published without telling 30 people each time (this runs for
    every route and caller)."""
    from datetime import timedelta

    from hub.announcements.services import Audience, publish
    from hub.common.time import utcnow
    from hub.org.services import find_user

    now = utcnow()
    announcement = publish(find_user("gm"), title="权限矩阵", body="测试公告", kind="notice",
                           audience=Audience(everyone=True), requires_confirmation=True,
                           uploads=list(uploads), publish_at=now + timedelta(days=365))
    announcement.publish_at = announcement.notified_at = now
    return announcement


def company_announcement_with_attachment(user) -> dict:
    announcement = company_announcement(user, [text_upload()])
    return {"announcement_id": announcement.id,
            "attachment_id": announcement.attachments[0].id}


def own_meeting(user) -> int:
    """A 协作岗位 meeting the caller proposed (anybody may invite to one)."""
    from hub.meetings.services import propose_meeting
    from hub.org.services import find_user
    from tests.meetings.test_meetings import window_start

    other = find_user("gm" if user.username != "gm" else "gmo")
    return propose_meeting(user, kind="cross_team", with_user_ids=[other.id],
                           start_at=window_start("cross_team"), duration_minutes=20).id


def own_talk(user) -> int:
    """A 协作岗位 talk the caller logged."""
    from datetime import timedelta

    from hub.common.time import utcnow
    from hub.meetings.services import log_talk
    from hub.org.services import find_user

    other = find_user("gm" if user.username != "gm" else "gmo")
    return log_talk(user, kind="cross_team", with_user_ids=[other.id],
                    held_at=utcnow() - timedelta(hours=1), duration_minutes=20,
                    topics="权限矩阵", private_note="备注").id


def department_summary(user) -> int:
    """A department's monthly talk summary (the GM office and the heads above it see it)."""
    from sqlalchemy import select

    from hub.common.months import Month
    from hub.extensions import db
    from hub.meetings.summaries import open_month
    from hub.meetings.summaries_models import DepartmentSummary

    open_month(Month(2025, 1))
    return db.session.scalar(select(DepartmentSummary.id).order_by(DepartmentSummary.id))


def spot_check(user) -> int:
    """A spot check of talk logs by the GM office (seen by the GM office only)."""
    from hub.extensions import db
    from hub.meetings.summaries_models import SpotCheck
    from hub.org.services import find_user

    check = SpotCheck(month="2025-01", checker_id=find_user("gmo").id, requested=3)
    db.session.add(check)
    db.session.flush()
    return check.id


def feedback_obligation(user, **values):
    """A monthly feedback report owed by the head of the caller's department."""
    from hub.feedback.services import save_obligation
    from hub.org.services import find_user

    fields = {"name": "权限矩阵反馈", "department": user.department, "filers": "head",
              "frequency": "monthly", "window_days": 31, "due_days": 5, **values}
    return save_obligation(None, find_user("hr1"), **fields)


def own_feedback_report(user) -> int:
    """A feedback report the caller owes for this month (its window open)."""
    from hub.feedback.periods import Period
    from hub.feedback.services import open_period, period_rows
    from hub.org.services import find_user

    obligation = feedback_obligation(user, recipient=find_user("gm"))
    period = Period.of("monthly", factories_today())
    open_period(obligation, period, people=[user], joined_check=False)
    return period_rows(find_user("gm"), obligation.id, period.key)[0].id


def feedback_period_received(user) -> dict:
    """A month of feedback reports addressed to the caller."""
    from hub.feedback.periods import Period
    from hub.feedback.services import open_period
    from hub.org.services import find_user

    obligation = feedback_obligation(user, recipient=user)
    period = Period.of("monthly", factories_today())
    open_period(obligation, period, people=[find_user("sales1" if user.username != "sales1"
                                                      else "sales2")], joined_check=False)
    return {"obligation_id": obligation.id, "period": period.key}


def factories_today():
    from tests.support.factories import company_today

    return company_today()


#: How to fill a URL argument, by its name, for the caller.
ARGUMENTS = {
    "filename": lambda user: "css/hub.css",
    "user_id": lambda user: user.id,
    "dept_id": lambda user: user.department_id,
    "department_id": lambda user: user.department_id,
    "letter_id": lambda user: own_letter(user).id,
    "report_id": own_report,
    "rectification_id": rectification,
    "entry_id": own_accountability_entry,
    "announcement_id": lambda user: company_announcement(user).id,
    "meeting_id": own_meeting,
    "talk_id": own_talk,
    "feedback_id": own_feedback_report,
    "obligation_id": lambda user: feedback_obligation(user).id,
    "summary_id": department_summary,
    "check_id": spot_check,
    "survey_id": lambda user: company_survey().id,
}

#: Endpoints whose arguments belong together (a letter and one of its attachments).
URL_VALUES = {
    "mailbox.attachment": own_letter_with_attachment,
    "suggestions.attachment": own_report_with_attachment,
    "announcements.attachment": company_announcement_with_attachment,
    "feedback.period": feedback_period_received,
    # a survey not open yet: the only kind HR may still edit
    "surveys.edit": lambda user: {"survey_id": company_survey(opens_in_days=1).id},
}


def company_survey(opens_in_days: int = 0):
    """A survey of the whole company by HR (open now, or opening later)."""
    from datetime import timedelta

    from hub.common.time import utcnow
    from hub.org.services import find_user
    from hub.surveys.access import Audience
    from hub.surveys.services import QuestionSpec, create_survey

    now = utcnow()
    return create_survey(find_user("hr1"), title="权限矩阵问卷",
                         questions=[QuestionSpec("满意吗", "scale")],
                         audience=Audience(everyone=True),
                         opens_at=now + timedelta(days=opens_in_days) if opens_in_days
                         else now - timedelta(minutes=1),
                         closes_at=now + timedelta(days=opens_in_days + 7), now=now)


# The mechanism -----------------------------------------------------------------------------

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def is_api(rule) -> bool:
    return rule.rule.startswith("/api/")


def rule_of(rule) -> Rule:
    """The route's rule; a route missing from ROUTES (its own test fails) gets what deny by
    default gives it."""
    return RULES[ROUTES.get(rule.endpoint) or ("api-token" if is_api(rule) else "login")]


def url_to_read(rule, user) -> str:
    """The route's URL with ids of things ``user`` may see."""
    if rule.endpoint in URL_VALUES:
        return url_for(rule.endpoint, **URL_VALUES[rule.endpoint](user))
    missing = sorted(set(rule.arguments) - set(ARGUMENTS))
    if missing:
        pytest.fail(f"{rule.endpoint}: tell ARGUMENTS how to fill {missing} with ids the "
                    "caller may see")
    return url_for(rule.endpoint, **{name: ARGUMENTS[name](user) for name in rule.arguments})


def url_to_write(rule) -> str:
    """A write must be refused before anything is looked up, so any well-formed id will do."""
    return url_for(rule.endpoint, **{
        name: 1 if isinstance(rule._converters[name], IdConverter) else "x"
        for name in rule.arguments
    })


def outcome(response) -> str:
    """``"200"``, ``"302 /login"``, ``"401 unauthorized"`` (an API error with its code)."""
    status = str(response.status_code)
    if response.status_code in (301, 302, 303, 307, 308):
        return f"{status} {urlsplit(response.headers['Location']).path}"
    if response.is_json and isinstance(response.get_json(silent=True), dict):
        code = (response.get_json().get("error") or {}).get("code")
        if code:
            return f"{status} {code}"
    return status


def request(client, method, url, headers=None) -> str:
    response = client.open(url, method=method, headers=headers or {})
    try:
        return outcome(response)
    finally:
        response.close()


def check_reads(app, client, caller: str, user, api_headers=None) -> list[str]:
    """GET every readable route as ``caller``; returns the routes that answer unexpectedly."""
    problems = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint not in ROUTES:
                continue
            expected = RULES[ROUTES[rule.endpoint]].expected(caller)
            url = url_to_read(rule, user)
            got = request(client, "GET", url, api_headers if is_api(rule) else None)
            if got != expected:
                problems.append(f"{caller} GET {url} ({rule.endpoint}): "
                                f"expected {expected}, got {got}")
    return problems


def write_routes(app):
    """(rule, method) for every route that changes something."""
    for rule in app.url_map.iter_rules():
        for method in sorted(set(WRITE_METHODS) & rule.methods):
            yield rule, method


# The tests ---------------------------------------------------------------------------------

def test_every_route_has_a_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    without_rule = sorted(endpoints - set(ROUTES))
    gone = sorted(set(ROUTES) - endpoints)
    assert (without_rule, gone) == ([], []), (
        f"routes without an access rule in ROUTES: {without_rule}; "
        f"ROUTES entries whose endpoint no longer exists: {gone}")
    assert set(ROUTES.values()) <= set(RULES)


def test_anonymous_reads(app, client, demo):
    problems = check_reads(app, client, "anonymous", demo[CALLERS["employee"]])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("caller", CALLERS)
def test_signed_in_reads(app, client, demo, login, bearer, caller):
    user = demo[CALLERS[caller]]
    login(client, user)
    problems = check_reads(app, client, caller, user, bearer(user))
    assert not problems, "\n".join(problems)


def test_anonymous_writes_are_refused(app, client, get_csrf):
    token = get_csrf(client, "/login")
    problems = []
    with app.test_request_context():
        for rule, method in write_routes(app):
            expected = rule_of(rule).anonymous_write
            if expected is None:
                continue
            url = url_to_write(rule)
            got = request(client, method, url, None if is_api(rule) else {"X-CSRFToken": token})
            if got != expected:
                problems.append(f"anonymous {method} {url}: expected {expected}, got {got}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "employee"])
def test_page_writes_without_csrf_token_are_refused(app, client, create_user, login,
                                                     signed_in):
    if signed_in:
        login(client, create_user())
    problems = []
    with app.test_request_context():
        for rule, method in write_routes(app):
            if is_api(rule):
                continue  # bearer tokens, never cookies: nothing for a forged form to ride on
            url = url_to_write(rule)
            got = request(client, method, url)
            if got != "400":
                problems.append(f"{method} {url} without CSRF token: expected 400, got {got}")
    assert not problems, "\n".join(problems)


def test_rules_are_all_used():
    """A rule nobody uses is a rule nobody checks."""
    assert set(RULES) == set(ROUTES.values())
