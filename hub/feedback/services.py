"""The rules of periodic feedback reports: the seed's obligations, opening what is owed as
periods come round, filing once per period, and the obligations an admin or HR edits.

Obligations are data (``FeedbackObligation``); ``PRESETS`` is the policy's own set
(营销/客服信息反馈), which the demo installs and the obligation form offers as templates.
A report row is opened for each person who owes it when its period's window opens
(``open_due_reports``, run by the worker); filing fills it (``file_report``), and a row
that should be open but is not yet (the worker was late) is opened by the filing itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.feedback.access import (  # noqa: F401 - the services' callers ask these too
    get_report_or_404,
    may_file,
    may_manage_obligations,
    owed_query,
    own_reports_query,
    received_query,
    report_view,
    status_of,
    visible_reports_query,
)
from hub.feedback.models import FILERS, FREQUENCIES, FeedbackObligation, FeedbackReport
from hub.feedback.periods import Dates, Period, report_dates, summary_dates
from hub.org.models import Department, User

BODY_MAX = 10_000
NAME_MAX = 100
#: How many periods back the worker looks for windows it has not opened yet.
LOOKBACK_PERIODS = 60

FREQUENCY_LABELS = {"weekly": _l("每周"), "monthly": _l("每月"), "quarterly": _l("每季度")}
FILER_LABELS = {"members": _l("部门全体（负责人汇总）"), "head": _l("部门负责人")}
ROLE_LABELS = {"report": _l("反馈"), "summary": _l("汇总")}
STATUS_LABELS = {"owed": _l("待提交"), "overdue": _l("已逾期"), "filed": _l("已提交"),
                 "late": _l("逾期提交")}


class FeedbackError(Exception):
    """A refusal of the rules: ``status`` 400, 404 (nothing the caller owes) or 409 (filed
    already); ``fields`` names the fields it concerns."""

    def __init__(self, message: str, fields: dict | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.status = status


# --- the policy's set ----------------------------------------------------------------------

@dataclass(frozen=True)
class Preset:
    code: str
    name: str
    clause: str
    department: str  # the demo's name of the department that owes it
    filers: str
    frequency: str
    window_days: int
    due_days: int
    anchor_month: int | None = None
    summary_days: int | None = None


SALES_CLAUSE = ("《销售信息反馈表》……分为周、月、季度进销售信息反馈。营销人员在各阶段中定期进行数据整理"
                "统计及信息搜集，如实填写相应表格，按要求送交市场部。市场部在一周内将信息分析汇总，"
                "上报主管副总经理，下达上级批示的执行意见。")

#: The seed's obligations (信息反馈制度 二; 客户沟通管理规程 1.4.4 and 3.2).
PRESETS = [
    Preset("sales_weekly", "销售信息反馈表（周）", SALES_CLAUSE, "市场部", "members",
           "weekly", window_days=3, due_days=1, summary_days=7),
    Preset("sales_monthly", "销售信息反馈表（月）", SALES_CLAUSE, "市场部", "members",
           "monthly", window_days=3, due_days=3, summary_days=7),
    Preset("sales_quarterly", "销售信息反馈表（季度）", SALES_CLAUSE, "市场部", "members",
           "quarterly", window_days=7, due_days=5, summary_days=7),
    Preset("customer_opinion", "顾客意见征询表", (
        "《顾客意见征询表》针对一般顾客的调查……每季度进行一次。在各季度中不定期进行调查，并于每季度末前"
        "一星期内送交市场部。……市场部在一周内将信息分析汇总，填写《顾客意见处理报告》上报主管副总经理。"),
        "市场部", "members", "quarterly", window_days=7, due_days=0, summary_days=7),
    Preset("customer_visit", "客户回访征询表", (
        "《客户回访征询表》针对代销商以及酒店客户的调查，由市场部完成。每季度进行一次。定于一月、四月、"
        "七月、十月的月末5日内完成。……并在一周内将信息分析汇总，上报主管副总经理。"),
        "市场部", "members", "quarterly", window_days=5, due_days=0, anchor_month=1,
        summary_days=7),
    Preset("customer_service_monthly", "客户沟通月度总结（含新客户回访）", (
        "客户服务主管负责每月投诉和提出意见的客户沟通，做好每月的客户沟通总结；"
        "物业部主任或管理员在客户入住一个月内，对新客户进行回访。"),
        "客服部", "head", "monthly", window_days=3, due_days=5),
]
PRESETS_BY_CODE = {p.code: p for p in PRESETS}


def install_presets(today: date | None = None, *, starts_on: date | None = None,
                    departments: dict[str, Department] | None = None) -> list[FeedbackObligation]:
    """The seed's obligations for the departments named like the policy's (市场部, 客服部);
    a preset whose department does not exist, or whose code is taken, is skipped."""
    today = today or local_date(utcnow())
    if departments is None:
        departments = {d.name: d for d in db.session.scalars(select(Department))}
    taken = set(db.session.scalars(select(FeedbackObligation.code)))
    made = []
    for preset in PRESETS:
        dept = departments.get(preset.department)
        if dept is None or preset.code in taken:
            continue
        obligation = FeedbackObligation(
            code=preset.code, name=preset.name, clause=preset.clause, department=dept,
            filers=preset.filers, frequency=preset.frequency,
            anchor_month=preset.anchor_month, window_days=preset.window_days,
            due_days=preset.due_days, summary_days=preset.summary_days,
            starts_on=starts_on or today, active=True)
        db.session.add(obligation)
        made.append(obligation)
    db.session.flush()
    return made


# --- who owes, who receives ---------------------------------------------------------------

def _subtree_ids(department_id: int) -> set[int]:
    parents = dict(db.session.execute(select(Department.id, Department.parent_id)).all())
    found = {department_id}
    changed = True
    while changed:
        changed = False
        for dept, parent in parents.items():
            if parent in found and dept not in found:
                found.add(dept)
                changed = True
    return found


def recipient_of(obligation: FeedbackObligation) -> User | None:
    """Who receives the reports: the one named, else the department's head (for reports
    the head files: the head's manager)."""
    if obligation.recipient is not None:
        return obligation.recipient
    head = obligation.department.head
    if obligation.filers == "head":
        return head.manager if head is not None else None
    return head


def summary_to_of(obligation: FeedbackObligation, recipient: User | None) -> User | None:
    """Who gets the recipient's summary: the one named, else the recipient's manager."""
    if obligation.summary_to is not None:
        return obligation.summary_to
    return recipient.manager if recipient is not None else None


def filers_of(obligation: FeedbackObligation) -> list[User]:
    """The people who owe ``obligation`` now (active ones only)."""
    if obligation.filers == "head":
        head = obligation.department.head
        return [head] if head is not None and head.active else []
    recipient = recipient_of(obligation)
    people = db.session.scalars(select(User).where(
        User.active.is_(True), User.department_id.in_(_subtree_ids(obligation.department_id)))
        .order_by(User.id))
    return [p for p in people if recipient is None or p.id != recipient.id]


def dates_of(obligation: FeedbackObligation, period: Period, role: str = "report") -> Dates:
    dates = report_dates(period, window_days=obligation.window_days,
                         due_days=obligation.due_days, anchor_month=obligation.anchor_month)
    if role == "summary":
        return summary_dates(dates, obligation.summary_days or 0)
    return dates


def period_of(obligation: FeedbackObligation, text: str) -> Period:
    """``text`` as a period of the obligation's frequency (a 400 otherwise)."""
    try:
        period = Period.parse(text)
    except ValueError:
        period = None
    if period is None or period.frequency != obligation.frequency:
        example = {"weekly": "2026-W49", "monthly": "2026-12", "quarterly": "2026-Q4"}
        raise FeedbackError(_("期间格式不对，此项应写作 %(example)s。",
                              example=example[obligation.frequency]),
                            {"period": [_("期间格式不对。")]})
    return period


# --- opening what is owed --------------------------------------------------------------------

def _open_row(obligation, period: Period, role: str, person: User,
              recipient: User | None, dates: Dates) -> FeedbackReport:
    row = FeedbackReport(obligation=obligation, period=period.key, role=role,
                         person_id=person.id, recipient_id=recipient.id if recipient else None,
                         opens_on=dates.opens_on, due_on=dates.due_on)
    db.session.add(row)
    return row


def open_period(obligation: FeedbackObligation, period: Period, *,
                people: list[User] | None = None, joined_check: bool = True) -> int:
    """Open the rows of ``period`` that are not open yet: one per person who owes it
    (``people``, or everybody who owes it now and was in the hub when its window opened)
    and the recipient's summary.  Returns how many it opened."""
    dates = dates_of(obligation, period)
    existing = set(db.session.execute(
        select(FeedbackReport.role, FeedbackReport.person_id).where(
            FeedbackReport.obligation_id == obligation.id,
            FeedbackReport.period == period.key)).all())
    recipient = recipient_of(obligation)
    if people is None:
        people = [p for p in filers_of(obligation)
                  if not joined_check or local_date(p.created_at) <= dates.opens_on]
    opened = 0
    for person in people:
        if ("report", person.id) not in existing:
            _open_row(obligation, period, "report", person, recipient, dates)
            opened += 1
    if obligation.summary_days is not None and recipient is not None and recipient.active \
            and ("summary", recipient.id) not in existing:
        _open_row(obligation, period, "summary", recipient,
                  summary_to_of(obligation, recipient), dates_of(obligation, period, "summary"))
        opened += 1
    db.session.flush()
    return opened


def periods_open(obligation: FeedbackObligation, today: date) -> list[Period]:
    """The periods whose window has opened by ``today`` and that are due on or after the
    obligation's start, newest first (at most ``LOOKBACK_PERIODS``)."""
    found = []
    period = Period.of(obligation.frequency, today).next
    for _i in range(LOOKBACK_PERIODS + 1):
        dates = dates_of(obligation, period)
        if dates.due_on < obligation.starts_on:
            break
        if dates.opens_on <= today:
            found.append(period)
        period = period.previous
    return found


def open_due_reports(now: datetime | None = None) -> int:
    """The worker's job: open every owed row whose window has come (idempotent)."""
    today = local_date(now or utcnow())
    opened = 0
    for obligation in db.session.scalars(
            select(FeedbackObligation).where(FeedbackObligation.active.is_(True))):
        for period in periods_open(obligation, today):
            opened += open_period(obligation, period)
    return opened


# --- filing ----------------------------------------------------------------------------------

def clean_body(body: str | None) -> str:
    text = (body or "").strip()
    if not text:
        raise FeedbackError(_("请填写反馈内容。"), {"body": [_("请填写此项。")]})
    if len(text) > BODY_MAX:
        raise FeedbackError(_("反馈内容不能超过 %(n)s 个字符。", n=BODY_MAX),
                            {"body": [_("不能超过 %(n)s 个字符。", n=BODY_MAX)]})
    return text


def submit(report: FeedbackReport, user: User, body: str, now: datetime | None = None
           ) -> FeedbackReport:
    """File ``report`` (a row ``user`` owes): once, from the day its window opens."""
    now = now or utcnow()
    text = clean_body(body)
    if report.person_id != user.id:
        raise FeedbackError(_("这份反馈不由您提交。"), status=404)
    if report.filed_at is not None:
        raise FeedbackError(_("本期反馈已提交，不能重复提交。"), status=409)
    if report.opens_on > local_date(now):
        raise FeedbackError(_("本期反馈 %(day)s 起才能提交。", day=report.opens_on.isoformat()),
                            {"period": [_("本期尚未开始。")]})
    report.body = text
    report.filed_at = now
    db.session.flush()
    return report


def file_report(user: User, *, kind: str, period: str, body: str, summary: bool = False,
                now: datetime | None = None) -> FeedbackReport:
    """The API's filing: the report of obligation ``kind`` for ``period`` that ``user``
    owes (their summary with ``summary``), opened first if its window has come and the
    worker has not opened it yet."""
    now = now or utcnow()
    clean_body(body)
    obligation = db.session.scalar(select(FeedbackObligation).where(
        FeedbackObligation.code == kind, FeedbackObligation.active.is_(True)))
    if obligation is None:
        raise FeedbackError(_("没有这项信息反馈。"), {"kind": [_("没有这项信息反馈。")]})
    chosen = period_of(obligation, period)
    role = "summary" if summary else "report"
    row = db.session.scalar(select(FeedbackReport).where(
        FeedbackReport.obligation_id == obligation.id, FeedbackReport.period == chosen.key,
        FeedbackReport.role == role, FeedbackReport.person_id == user.id))
    if row is None:
        dates = dates_of(obligation, chosen, role)
        if dates.opens_on > local_date(now):
            raise FeedbackError(_("本期反馈 %(day)s 起才能提交。", day=dates.opens_on.isoformat()),
                                {"period": [_("本期尚未开始。")]})
        owes = (any(p.id == user.id for p in filers_of(obligation)) if role == "report"
                else obligation.summary_days is not None
                and getattr(recipient_of(obligation), "id", None) == user.id)
        if not owes or dates_of(obligation, chosen).due_on < obligation.starts_on:
            raise FeedbackError(_("您不承担这一期的这项反馈。"), {"kind": [_("您不承担这项反馈。")]})
        open_period(obligation, chosen, people=[user] if role == "report" else [],
                    joined_check=False)
        row = db.session.scalar(select(FeedbackReport).where(
            FeedbackReport.obligation_id == obligation.id, FeedbackReport.period == chosen.key,
            FeedbackReport.role == role, FeedbackReport.person_id == user.id))
    return submit(row, user, body, now)


# --- the obligations ---------------------------------------------------------------------------

def check_obligation(values: dict) -> dict:
    """The obligation form's and the services' checks; returns the cleaned values."""
    errors: dict[str, list[str]] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("请填写此项。")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("不能超过 %(n)s 个字符。", n=NAME_MAX)]
    if values.get("frequency") not in FREQUENCIES:
        errors["frequency"] = [_("请选择频率。")]
    if values.get("filers") not in FILERS:
        errors["filers"] = [_("请选择由谁提交。")]
    anchor = values.get("anchor_month")
    if anchor is not None and (values.get("frequency") != "quarterly" or anchor not in (1, 2, 3)):
        errors["anchor_month"] = [_("只有季度反馈可以按季度中的某个月计算。")]
    window = values.get("window_days")
    if not isinstance(window, int) or not 1 <= window <= 92:
        errors["window_days"] = [_("请填写 1 到 92 之间的天数。")]
    due = values.get("due_days")
    if not isinstance(due, int) or not 0 <= due <= 92:
        errors["due_days"] = [_("请填写 0 到 92 之间的天数。")]
    summary = values.get("summary_days")
    if summary is not None and not 1 <= summary <= 92:
        errors["summary_days"] = [_("请填写 1 到 92 之间的天数。")]
    if values.get("department") is None:
        errors["department"] = [_("请选择部门。")]
    if errors:
        raise FeedbackError(_("请检查标出的项目。"), errors)
    return {**values, "name": name}


def save_obligation(obligation: FeedbackObligation | None, user: User, *,
                    now: datetime | None = None, **values) -> FeedbackObligation:
    """Create or change an obligation (admin, HR).  A deactivated one stops being owed:
    its rows not yet filed and not yet overdue go; overdue ones stay for the register."""
    if not may_manage_obligations(user):
        raise FeedbackError(_("只有系统管理员和人力资源部可以设置信息反馈。"), status=404)
    values = check_obligation(values)
    today = local_date(now or utcnow())
    if obligation is None:
        code = values.pop("code", None) or _free_code()
        obligation = FeedbackObligation(code=code, starts_on=today)
        db.session.add(obligation)
    else:
        values.pop("code", None)
    for key in ("name", "clause", "department", "filers", "frequency", "anchor_month",
                "window_days", "due_days", "recipient", "summary_days", "summary_to",
                "active"):
        if key in values:
            setattr(obligation, key, values[key])
    if values.get("starts_on"):
        obligation.starts_on = values["starts_on"]
    db.session.flush()
    if not obligation.active:
        db.session.execute(delete(FeedbackReport).where(
            FeedbackReport.obligation_id == obligation.id, FeedbackReport.filed_at.is_(None),
            FeedbackReport.due_on >= today))
    return obligation


def _free_code() -> str:
    taken = set(db.session.scalars(select(FeedbackObligation.code)))
    n = 1
    while f"feedback_{n}" in taken:
        n += 1
    return f"feedback_{n}"


def obligations() -> list[FeedbackObligation]:
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(select(FeedbackObligation).options(
        joinedload(FeedbackObligation.department), joinedload(FeedbackObligation.recipient),
        joinedload(FeedbackObligation.summary_to)).order_by(FeedbackObligation.id)))


# --- what a recipient sees of a period -------------------------------------------------------

@dataclass(frozen=True)
class Received:
    """One obligation and period addressed to somebody: how many reports, how many filed."""

    obligation: FeedbackObligation
    period: Period
    role: str
    expected: int
    filed: int


def received_overview(user: User, limit: int = 30) -> list[Received]:
    """The obligations and periods addressed to ``user``, newest first (one statement)."""
    from sqlalchemy import func

    rows = db.session.execute(
        select(FeedbackReport.obligation_id, FeedbackReport.period, FeedbackReport.role,
               func.count(), func.count(FeedbackReport.filed_at),
               func.max(FeedbackReport.due_on).label("due"))
        .where(FeedbackReport.recipient_id == user.id)
        .group_by(FeedbackReport.obligation_id, FeedbackReport.period, FeedbackReport.role)
        .order_by(func.max(FeedbackReport.due_on).desc()).limit(limit)).all()
    if not rows:
        return []
    by_id = {o.id: o for o in db.session.scalars(select(FeedbackObligation).where(
        FeedbackObligation.id.in_({r[0] for r in rows})))}
    return [Received(by_id[r[0]], Period.parse(r[1]), r[2], r[3], r[4]) for r in rows]


def period_rows(user: User, obligation_id: int, period: str) -> list[FeedbackReport]:
    """The rows of one obligation and period addressed to ``user`` (who has filed, who
    has not), people loaded with them; empty when none is addressed to them."""
    from sqlalchemy.orm import joinedload, selectinload

    return list(db.session.scalars(
        received_query(user).where(FeedbackReport.obligation_id == obligation_id,
                                   FeedbackReport.period == period)
        .options(joinedload(FeedbackReport.obligation),
                 selectinload(FeedbackReport.person).joinedload(User.department),
                 joinedload(FeedbackReport.recipient))
        .order_by(FeedbackReport.role, FeedbackReport.person_id)).unique())


def sort_key_due(row: FeedbackReport):
    return (row.filed_at is not None, row.due_on, row.id)

