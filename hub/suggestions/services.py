"""The inbox's steps: routing, filing, the lifecycle, rectification, rewards, anonymity,
notifications and the audit log.

Who may see or do what is decided in ``hub.suggestions.access`` (its names are re-exported
here for the callers that predate it).  Anonymous reports keep no author and only the day of
filing, and no notification is sent at the moment of writing (the unit hears of them
through a periodic digest).

Each step happens now unless given ``at`` (a past moment, for the demo company and for
reports carried over from paper records); the history, the audit log and the report's time
stamps agree.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation

from flask import abort, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from hub.common import history, holding, receipts
from hub.common.attachments import store_uploads
from hub.common.models import get_setting, set_setting
from hub.common.numbering import next_number
from hub.common.tasks import finished, item_key
from hub.common.time import company_tz, utcnow
from hub.common.urls import path_for
from hub.common.workdays import end_of_day_utc, local_date
from hub.extensions import db
from hub.notifications.services import notify
from hub.org.models import Department, HandlingUnit, User
from hub.org.services import department_head
from hub.suggestions import timers
from hub.suggestions.access import (  # noqa: F401 (re-exported)
    DEFAULT_FALLBACK_UNIT,
    FALLBACK_UNIT_SETTING,
    OPEN,
    SMALL_CELL,
    SUGGESTION_ONLY,
    TRANSITIONS,
    allowed_actions,
    audit_stmt,
    can_act,
    can_complete_rectification,
    can_read_audit,
    can_view_rectification,
    can_view_report,
    can_view_report_stats,
    conflicted_ids,
    effective_unit,
    filer_label,
    fallback_unit_code,
    get_report_or_404,
    handles_reports,
    handling_team,
    is_filer,
    is_handler,
    is_reviewer,
    is_team_head,
    may_rectify,
    overdue_clause,
    overdue_reasons,
    report_viewer_ids,
    suppress_small,
    unit_heads,
    unit_members,
    visible_events,
    visible_report_ids,
    visible_reports,
    visible_stmt,
)
from hub.suggestions.labels import (  # noqa: F401 (re-exported)
    ACTION_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    URGENCY_LABELS,
)
from hub.suggestions.models import (
    KIND_PREFIXES,
    KINDS,
    URGENCIES,
    KindRoute,
    Rectification,
    Report,
    ReportAudit,
    ReportEvent,
    ReportExclusion,
    ReportNamedPerson,
)

SUBJECT_MAX = 200
BODY_MAX = 20000
TEXT_MAX = 10000
DEFAULT_ROUTES = {"safety": "safety", "customer": "customer_service"}  # others: "hr"
DEFAULT_UNIT = "hr"

class ReportError(Exception):
    """A request the inbox refuses; ``status`` is what the API answers with."""

    status = 400

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidTransition(ReportError):
    status = 409


# --- routing ---------------------------------------------------------------------------

def unit_by_code(code: str) -> HandlingUnit | None:
    return db.session.scalar(select(HandlingUnit).where(HandlingUnit.code == code))


def route_for(kind: str) -> HandlingUnit:
    """The unit a new report of ``kind`` goes to (admin-edited routes, then defaults)."""
    route = db.session.get(KindRoute, kind)
    if route is not None:
        return route.unit
    unit = unit_by_code(DEFAULT_ROUTES.get(kind, DEFAULT_UNIT)) or unit_by_code(DEFAULT_UNIT)
    if unit is None:
        raise ReportError(_("尚未设置受理部门，请联系系统管理员。"))
    return unit


def current_routes(units: list[HandlingUnit]) -> dict[str, HandlingUnit | None]:
    """``route_for`` of every kind at once (None where it has no unit), from ``units`` (every
    handling unit) and one query of the stored routes."""
    by_id = {unit.id: unit for unit in units}
    by_code = {unit.code: unit for unit in units}
    stored = dict(db.session.execute(select(KindRoute.kind, KindRoute.unit_id)).all())
    return {kind: by_id.get(stored[kind]) if kind in stored else
            by_code.get(DEFAULT_ROUTES.get(kind, DEFAULT_UNIT)) or by_code.get(DEFAULT_UNIT)
            for kind in KINDS}


def set_route(kind: str, unit: HandlingUnit) -> None:
    if kind not in KINDS:
        raise ReportError(_("未知的类别。"))
    route = db.session.get(KindRoute, kind)
    if route is None:
        db.session.add(KindRoute(kind=kind, unit=unit))
    else:
        route.unit = unit
    db.session.flush()


def fallback_unit() -> HandlingUnit | None:
    return unit_by_code(fallback_unit_code())


def set_fallback_unit(unit: HandlingUnit) -> None:
    set_setting(FALLBACK_UNIT_SETTING, unit.code)


# --- audit -----------------------------------------------------------------------------

def audit(actor: User | None, report: Report | None, action: str, detail: str = "",
          unit: HandlingUnit | None = None, at: datetime | None = None) -> None:
    """Append an audit row.  Never called for anonymous filers (a timestamped row would
    point at them)."""
    db.session.add(ReportAudit(
        at=at or utcnow(), actor_id=actor.id if actor else None,
        report_id=report.id if report else None,
        unit_id=(unit.id if unit else (report.unit_id if report else None)),
        action=action, detail=detail[:500]))


def record_view(user: User, report: Report) -> None:
    """Every opening of a report by anybody but its filer is audited."""
    if not is_filer(user, report):
        audit(user, report, "view")


def reveal_filer(user: User, report: Report) -> str:
    if not can_act(user, report, "reveal") or report.author is None:
        abort(404)
    audit(user, report, "reveal")
    db.session.flush()
    return report.author.name


def audit_rows(user: User, unit: HandlingUnit) -> list[ReportAudit]:
    """The unit's audit log as its head may read it: rows about reports the head may not
    see (conflicts) are left out like the reports themselves."""
    return list(db.session.scalars(audit_stmt(user, unit)))


# --- filing ----------------------------------------------------------------------------

@dataclass
class Filed:
    #: None while an anonymous report is held back (``hub.common.holding``): it has no id
    #: or number until the background worker releases it.
    report: Report | None
    receipt_code: str | None


def _clean(text: str | None, field: str, limit: int, required: bool = True) -> str:
    value = (text or "").strip()
    if required and not value:
        raise ReportError(_("请填写此项。"), {field: [_("请填写此项。")]})
    if len(value) > limit:
        message = _("不能超过 %(n)s 个字符。", n=limit)
        raise ReportError(message, {field: [message]})
    return value


def _start_of_day_utc(day: date) -> datetime:
    local = datetime.combine(day, time.min, tzinfo=company_tz())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def file_report(author: User, *, kind: str, subject: str, body: str, anonymous: bool = True,
                urgent: bool = False, named_users: Iterable[User] = (),
                uploads: list | None = None, now: datetime | None = None) -> Filed:
    """File a report.  Anonymous is the default; then the author is forgotten at once.

    An anonymous report filed now goes to the holding table and enters the records with the
    next batch (``hub.common.holding``), unless it is a safety hazard, the filer marks it
    ``urgent`` or the release window is 0; one given a past ``now`` (the demo, paper
    records) is recorded at once."""
    if kind not in KINDS:
        raise ReportError(_("未知的类别。"), {"kind": [_("未知的类别。")]})
    subject = _clean(subject, "subject", SUBJECT_MAX)
    body = _clean(body, "body", BODY_MAX)
    named = {u.id: u for u in named_users}
    if not anonymous and author.id in named:
        named.pop(author.id)
    held = anonymous and now is None and holding.holds(urgent=urgent or kind == "safety")
    now = now or utcnow()
    today = local_date(now)
    # an anonymous filing's files lose their metadata before they are stored
    attachments = store_uploads(uploads or [], today, clean=anonymous)
    code = receipts.new_code() if anonymous else None
    if held:
        holding.hold("report", {"kind": kind, "subject": subject, "body": body,
                                "named": sorted(named)},
                     receipts.digest(code), attachments=attachments, now=now)
        return Filed(None, code)
    report = _record_report(
        author=None if anonymous else author, kind=kind, subject=subject, body=body,
        named=list(named.values()), receipt_hash=receipts.digest(code) if code else None,
        attachments=attachments, filed_at=_start_of_day_utc(today) if anonymous else now)
    if not anonymous:
        _notify_team(report, _l("新的%(kind)s %(number)s 待受理", kind=KIND_LABELS[kind],
                                number=report.number), task="accept")
    return Filed(report, code)


def _record_report(*, author: User | None, kind: str, subject: str, body: str,
                   named: list[User], receipt_hash: str | None, attachments: list,
                   filed_at: datetime) -> Report:
    """The report, its number and its first step, filed at ``filed_at``."""
    today = local_date(filed_at)
    unit = route_for(kind)
    number = next_number(KIND_PREFIXES[kind], today.year)
    cfg = current_app.config
    report = Report(
        number=number, kind=kind, year=today.year, seq=int(number.rsplit("-", 1)[1]),
        subject=subject, body=body, anonymous=author is None,
        author_id=author.id if author else None,
        author_department_id=author.department_id if author else None,
        receipt_hash=receipt_hash,
        unit=unit, status="submitted", urgency="normal", filed_on=today, filed_at=filed_at,
        ack_due_at=end_of_day_utc(today + timedelta(days=cfg["REPORT_ACK_DAYS"])),
        feedback_due_at=end_of_day_utc(_add_months(today, cfg["REPORT_FEEDBACK_MONTHS"])),
        attachments=attachments,
    )
    report.named = [ReportNamedPerson(user=u) for u in named]
    db.session.add(report)
    _event(report, author, "submit", to_status="submitted", at=filed_at, visibility="filer")
    db.session.flush()
    return report


@holding.releases("report", announce=lambda: announce_anonymous_reports())
def _release_report(fields: dict, receipt_hash: str, attachments: list,
                    now: datetime) -> Report:
    """A held anonymous report enters the records at the moment of its batch's release."""
    named = [db.session.get(User, user_id) for user_id in fields.get("named") or []]
    return _record_report(author=None, kind=fields["kind"], subject=fields["subject"],
                          body=fields["body"], named=[u for u in named if u is not None],
                          receipt_hash=receipt_hash, attachments=attachments, filed_at=now)


# --- the lifecycle ---------------------------------------------------------------------

def _event(report: Report, actor: User | None, action: str, *, text: str = "",
           visibility: str = "filer", from_status: str | None = None,
           to_status: str | None = None, at: datetime | None = None,
           params: dict | None = None) -> ReportEvent:
    event = ReportEvent(
        report=report, at=at or utcnow(), actor_id=actor.id if actor else None,
        actor_label=None if actor else ("filer" if action in ("submit", "message")
                                        else "system"),
        action=action, from_status=from_status, to_status=to_status, text=text,
        visibility=visibility, params=params)
    db.session.add(event)
    if report.handle_due_at is not None and report.handle_met_at is None \
            and action in timers.meeting_steps(report.handle_rule):
        report.handle_met_at = event.at
    return event


def _transition(report: Report, actor: User, action: str, *, text: str = "",
                visibility: str = "filer", at: datetime | None = None,
                params: dict | None = None) -> None:
    if not can_view_report(actor, report):
        abort(404)
    sources, target = TRANSITIONS[action]
    if report.status not in sources or (action in SUGGESTION_ONLY
                                        and report.kind != "suggestion"):
        raise InvalidTransition(_("当前状态“%(status)s”下不能执行“%(action)s”。",
                                  status=STATUS_LABELS[report.status],
                                  action=ACTION_LABELS[action]))
    if not can_act(actor, report, action):
        raise ReportError(_("您不能对此事项执行此操作。"))
    before = report.status
    if target is not None:
        report.status = target
    _event(report, actor, action, text=text, visibility=visibility, from_status=before,
           to_status=target, at=at, params=params)
    audit(actor, report, "change", action, at=at)
    for task in FINISHED_TASKS.get(action, ()):
        finished(item_key("report", report.id), task)


#: The tasks a step finishes (their notifications are done): None is every task of the
#: report.  A new handler ends the previous one's task.
FINISHED_TASKS: dict[str, tuple[str | None, ...]] = {
    "accept": ("accept",), "assign": ("handle",), "answer": (None,), "close": (None,),
}


def accept(report: Report, actor: User, text: str = "", *, at: datetime | None = None) -> None:
    at = at or utcnow()
    _transition(report, actor, "accept", text=_clean(text, "text", TEXT_MAX, required=False),
                at=at)
    report.accepted_at = at
    _notify_filer(report, _l("您提交的 %(number)s 已受理", number=report.number))
    db.session.flush()


def assign(report: Report, actor: User, handler: User | None, text: str = "", *,
           at: datetime | None = None) -> None:
    if handler is None or not is_handler(handler, report):
        message = _("承办人必须是可以处理此事项的受理部门成员。")
        raise ReportError(message, {"handler_id": [message]})
    _transition(report, actor, "assign", visibility="handlers",
                text=_clean(text, "text", TEXT_MAX, required=False) or handler.name, at=at)
    report.handler = handler
    if handler.id != actor.id:
        notify(handler, kind="report.assigned",
               title=_l("%(number)s 已指定由您承办", number=report.number),
               url=path_for("suggestions.report", report_id=report.id),
               item=item_key("report", report.id), task="handle")
    db.session.flush()


def set_urgency(report: Report, actor: User, urgency: str, *,
                agreed_at: datetime | None = None, at: datetime | None = None) -> None:
    """特急 / 急 / 一般 with the timer of the report's kind (``hub.suggestions.timers``):
    minutes or the same day for a customer complaint's first response — or the time agreed
    with the customer (``agreed_at``, naive UTC) — working days for the other kinds.  A
    response (or the end of the handling) given before already meets the new timer."""
    if urgency not in URGENCIES:
        raise ReportError(_("未知的紧急程度。"), {"urgency": [_("未知的紧急程度。")]})
    at = at or utcnow()
    timer = timers.timer_for(report.kind, urgency)
    if agreed_at is not None and agreed_at.tzinfo is not None:  # from the API
        agreed_at = agreed_at.astimezone(timezone.utc).replace(tzinfo=None)
    if agreed_at is not None:
        if timer.rule != "end_of_day":
            message = _("只有“当日或与客户约定时间内”的时限可以填写约定时间。")
            raise ReportError(message, {"agreed_at": [message]})
        if agreed_at <= at:
            message = _("约定时间必须晚于现在。")
            raise ReportError(message, {"agreed_at": [message]})
    _transition(report, actor, "set_urgency", text=str(URGENCY_LABELS[urgency]),
                params=history.message("urgency", urgency=urgency),
                visibility="handlers", at=at)
    report.urgency = urgency
    report.handle_due_at = timers.due_at(timer, at, agreed_at)
    report.handle_rule = timer.rule if report.handle_due_at is not None else None
    met = [e.at for e in report.events if e.action in timers.meeting_steps(timer.rule)]
    report.handle_met_at = min(met) if met and report.handle_due_at is not None else None
    report.escalation_level = 0
    db.session.flush()


def request_rectification(report: Report, actor: User, *, department: Department | None,
                          due_date: date | None, text: str,
                          at: datetime | None = None) -> Rectification:
    text = _clean(text, "text", TEXT_MAX)
    at = at or utcnow()
    if department is None:
        raise ReportError(_("请选择整改部门。"), {"department_id": [_("请选择整改部门。")]})
    if due_date is None or due_date < local_date(at):
        message = _("请填写不早于今天的整改期限。")
        raise ReportError(message, {"due_date": [message]})
    if can_view_report(actor, report) and not may_rectify(department, report):
        # the request would tell its head, who is in the report's conflict set, what the
        # report is about
        message = _("%(department)s的负责人与此事项有利害关系，不能向该部门提出整改。"
                    "请向其上级单位或其他部门提出整改要求。", department=department.name)
        raise ReportError(message, {"department_id": [message]})
    _transition(report, actor, "request_rectification", visibility="handlers",
                text=_("%(department)s，期限 %(due)s：%(text)s", department=department.name,
                       due=due_date.isoformat(), text=text), at=at,
                params=history.message("rectification_request", department=department.name,
                                       due=due_date.isoformat(), text=text))
    rect = Rectification(report=report, department=department, requested_by_id=actor.id,
                         requested_at=at, due_at=end_of_day_utc(due_date),
                         request_text=text)
    db.session.add(rect)
    db.session.flush()
    head = department_head(department)
    if head is not None:
        notify(head, kind="report.rectification",
               title=_l("整改要求：请于 %(due)s 前完成", due=due_date.isoformat()),
               url=path_for("suggestions.rectification", rectification_id=rect.id),
               item=item_key("rectification", rect.id), task="complete")
    return rect


def get_rectification_or_404(rectification_id: int, user: User) -> Rectification:
    rect = db.session.get(Rectification, rectification_id)
    if rect is None or not can_view_rectification(user, rect):
        abort(404)
    return rect


def rectifications_for(user: User) -> list[Rectification]:
    headed = select(Department.id).where(Department.head_id == user.id)
    report = selectinload(Rectification.report)
    rows = db.session.scalars(select(Rectification)
                              .where(Rectification.department_id.in_(headed))
                              .order_by(Rectification.due_at)
                              .options(report.selectinload(Report.named),
                                       report.selectinload(Report.exclusions),
                                       selectinload(Rectification.department)))
    return [r for r in rows if can_view_rectification(user, r)]


def complete_rectification(rect: Rectification, actor: User, text: str, *,
                           at: datetime | None = None) -> None:
    text = _clean(text, "text", TEXT_MAX)
    at = at or utcnow()
    head = department_head(rect.department)
    if head is None or head.id != actor.id:
        abort(404)
    if rect.status == "done":
        raise InvalidTransition(_("该整改已完成。"))
    rect.status, rect.done_at, rect.done_text, rect.done_by_id = "done", at, text, actor.id
    finished(item_key("rectification", rect.id), "complete", at=at)
    _event(rect.report, actor, "rectification_done", visibility="handlers",
           text=_("%(department)s：%(text)s", department=rect.department.name, text=text),
           at=at)
    audit(actor, rect.report, "change", "rectification_done", at=at)
    for person in _responsible(rect.report):
        notify(person, kind="report.rectification",
               title=_l("%(number)s 的整改已完成", number=rect.report.number),
               url=path_for("suggestions.report", report_id=rect.report_id),
               item=item_key("report", rect.report_id))
    db.session.flush()


def _parse_amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or amount < 0 or amount >= Decimal("1e10"):
        message = _("请输入有效的金额。")
        raise ReportError(message, {"reward_amount": [message]})
    return amount


def adopt(report: Report, actor: User, *, reason: str, expected_benefit: str = "",
          reward_amount=None, reward_note: str = "", at: datetime | None = None) -> None:
    reason = _clean(reason, "text", TEXT_MAX)
    amount = _parse_amount(reward_amount)
    _transition(report, actor, "adopt", text=reason, at=at)
    report.decision_reason = reason
    report.expected_benefit = _clean(expected_benefit, "expected_benefit", TEXT_MAX,
                                     required=False)
    report.reward_amount = amount
    report.reward_note = _clean(reward_note, "reward_note", 200, required=False)
    _notify_filer(report, _l("您的建议 %(number)s 已被采纳", number=report.number))
    db.session.flush()


def decline(report: Report, actor: User, reason: str, *, at: datetime | None = None) -> None:
    reason = _clean(reason, "text", TEXT_MAX)
    _transition(report, actor, "decline", text=reason, at=at)
    report.decision_reason = reason
    _notify_filer(report, _l("您的建议 %(number)s 未被采纳", number=report.number))
    db.session.flush()


def resolve(report: Report, actor: User, outcome: str, *, at: datetime | None = None) -> None:
    outcome = _clean(outcome, "text", TEXT_MAX)
    _transition(report, actor, "resolve", text=outcome, visibility="handlers", at=at)
    report.outcome = outcome
    db.session.flush()


def answer(report: Report, actor: User, text: str, *, at: datetime | None = None) -> None:
    text = _clean(text, "text", TEXT_MAX)
    at = at or utcnow()
    _transition(report, actor, "answer", text=text, at=at)
    report.answer, report.answered_at = text, at
    _notify_filer(report, _l("您提交的 %(number)s 已答复", number=report.number))
    db.session.flush()


def close(report: Report, actor: User, reason: str, *, at: datetime | None = None) -> None:
    """Close with a reason.  Nothing is deleted: the full record stays."""
    reason = _clean(reason, "text", TEXT_MAX)
    at = at or utcnow()
    _transition(report, actor, "close", text=reason, at=at)
    report.close_reason, report.closed_at = reason, at
    db.session.flush()


def exclude_handler(report: Report, actor: User, person: User, reason: str = "") -> None:
    """The head of the unit takes a handler off a report (conflict of interest)."""
    if not can_act(actor, report, "exclude"):
        abort(404)
    if person.id == actor.id:
        raise ReportError(_("不能回避自己，请联系上级。"))
    if any(e.user_id == person.id for e in report.exclusions):
        return
    report.exclusions.append(ReportExclusion(user=person, excluded_by_id=actor.id,
                                             reason=reason[:500], at=utcnow()))
    _event(report, actor, "exclude", visibility="handlers",
           text=_("%(name)s 回避此事项", name=person.name),
           params=history.message("excluded", name=person.name))
    audit(actor, report, "change", f"exclude {person.username}")
    if report.handler_id == person.id:
        report.handler = None
    db.session.flush()


def add_note(report: Report, actor: User, text: str, *, at: datetime | None = None) -> None:
    if not can_act(actor, report, "note"):
        abort(404)
    _event(report, actor, "note", text=_clean(text, "text", TEXT_MAX), visibility="handlers",
           at=at)
    audit(actor, report, "change", "note", at=at)
    db.session.flush()


def add_comment(report: Report, actor: User, text: str, *,
                at: datetime | None = None) -> None:
    """分析应用: the filer's department head (or a handler) comments on a suggestion."""
    if not can_act(actor, report, "comment"):
        abort(404)
    _event(report, actor, "comment", text=_clean(text, "text", TEXT_MAX),
           visibility="reviewers", at=at)
    audit(actor, report, "change", "comment", at=at)
    db.session.flush()


def reply(report: Report, actor: User, text: str, *,
          at: datetime | None = None) -> ReportEvent:
    """A handler's message to the filer (named: in the hub; anonymous: on the receipt).  A
    closed report takes no more messages either way."""
    if not is_handler(actor, report):
        abort(404)
    if not can_act(actor, report, "reply"):
        raise InvalidTransition(_("此事项已关闭，不能再留言。"))
    event = _event(report, actor, "reply", text=_clean(text, "text", TEXT_MAX), at=at)
    audit(actor, report, "change", "reply", at=at)
    _notify_filer(report, _l("%(number)s 有新的回复", number=report.number))
    db.session.flush()
    return event


def add_filer_message(report: Report, text: str, filer: User | None = None, *,
                      at: datetime | None = None) -> ReportEvent:
    """A message from the filer: signed in for a named report, through the receipt
    (``filer`` None) for an anonymous one — then dated to the day only, and the handlers
    hear of it through the next digest, not at once."""
    text = _clean(text, "text", TEXT_MAX)
    if report.status == "closed":
        raise InvalidTransition(_("此事项已关闭，不能再留言。"))
    if filer is not None and not is_filer(filer, report):
        abort(404)
    if filer is None:
        at = _start_of_day_utc(local_date(at or utcnow()))
    event = _event(report, filer, "message", text=text, at=at)
    if filer is not None:
        _notify_team(report, _l("%(number)s 有提交人的新留言", number=report.number))
    db.session.flush()
    return event


def report_by_receipt(code: str | None) -> Report | None:
    digest = receipts.digest(code)
    if digest is None:
        return None
    return db.session.scalar(select(Report).where(Report.receipt_hash == digest))


ACTIONS = {
    "accept": lambda r, a, f: accept(r, a, f.get("text", "")),
    "assign": lambda r, a, f: assign(r, a, f.get("handler"), f.get("text", "")),
    "set_urgency": lambda r, a, f: set_urgency(r, a, f.get("urgency", ""),
                                               agreed_at=f.get("agreed_at")),
    "request_rectification": lambda r, a, f: request_rectification(
        r, a, department=f.get("department"), due_date=f.get("due_date"),
        text=f.get("text", "")),
    "adopt": lambda r, a, f: adopt(r, a, reason=f.get("text", ""),
                                   expected_benefit=f.get("expected_benefit", ""),
                                   reward_amount=f.get("reward_amount"),
                                   reward_note=f.get("reward_note", "")),
    "decline": lambda r, a, f: decline(r, a, f.get("text", "")),
    "resolve": lambda r, a, f: resolve(r, a, f.get("text", "")),
    "answer": lambda r, a, f: answer(r, a, f.get("text", "")),
    "close": lambda r, a, f: close(r, a, f.get("text", "")),
    "note": lambda r, a, f: add_note(r, a, f.get("text", "")),
    "comment": lambda r, a, f: add_comment(r, a, f.get("text", "")),
    "reply": lambda r, a, f: reply(r, a, f.get("text", "")),
    "message": lambda r, a, f: add_filer_message(r, f.get("text", ""), a),
    "exclude": lambda r, a, f: exclude_handler(r, a, f.get("person") or abort(404),
                                               f.get("text", "")),
}


def perform(report: Report, actor: User, action: str, fields: dict) -> None:
    """One entry point for pages and the API."""
    if action not in ACTIONS:
        raise ReportError(_("未知的操作。"), {"action": [_("未知的操作。")]})
    ACTIONS[action](report, actor, fields)


# --- notifications ---------------------------------------------------------------------

def _notify_team(report: Report, title, task: str | None = None) -> None:
    """Tell the handling team.  Confidential kinds never carry their subject in a
    notification or an e-mail: the number and a link only."""
    for person in handling_team(report):
        notify(person, kind="report.team", title=title,
               url=path_for("suggestions.report", report_id=report.id),
               item=item_key("report", report.id), task=task)


def _responsible(report: Report) -> list[User]:
    if report.handler is not None and is_handler(report.handler, report):
        return [report.handler]
    return [h for h in unit_heads(effective_unit(report)) if is_handler(h, report)] \
        or handling_team(report)


def _notify_filer(report: Report, title) -> None:
    if report.author is not None and report.author.active:
        notify(report.author, kind="report.filer", title=title,
               url=path_for("suggestions.report", report_id=report.id),
               item=item_key("report", report.id))


def announce_anonymous_reports() -> int:
    """Tell each handling team about anonymous reports and anonymous follow-up messages that
    nobody has been told of yet, in one digest per person."""
    last_report = int(get_setting("reports.anonymous_announced_report", "0") or 0)
    last_event = int(get_setting("reports.anonymous_announced_event", "0") or 0)
    new_reports = list(db.session.scalars(
        select(Report).where(Report.anonymous.is_(True), Report.id > last_report)
        .order_by(Report.id)))
    new_messages = list(db.session.scalars(
        select(ReportEvent).join(Report)
        .where(Report.anonymous.is_(True), ReportEvent.action == "message",
               ReportEvent.id > last_event).order_by(ReportEvent.id)))
    per_person: dict[int, tuple[User, list[str]]] = {}
    for report in new_reports:
        for person in handling_team(report):
            per_person.setdefault(person.id, (person, []))[1].append(report.number)
    for event in new_messages:
        for person in handling_team(event.report):
            per_person.setdefault(person.id, (person, []))[1].append(
                _("%(number)s（新留言）", number=event.report.number))
    for person, items in per_person.values():
        notify(person, kind="report.team", title=_l("匿名事项待处理：%(n)s 项", n=len(items)),
               body="、".join(items), url=path_for("suggestions.queue"))
    if new_reports:
        set_setting("reports.anonymous_announced_report", str(new_reports[-1].id))
    if new_messages:
        set_setting("reports.anonymous_announced_event", str(new_messages[-1].id))
    return len(new_reports) + len(new_messages)


def escalate_overdue(now: datetime | None = None) -> int:
    """Tell the people responsible when a timer runs out (acknowledgement within 7 days,
    feedback within 3 months, the urgency's due time), once per report and level, and the
    department head and handlers when a rectification is late."""
    now = now or utcnow()
    count = 0
    # Only the reports with a level still to reach: overdue and not told yet, or past the
    # feedback deadline (level 2) and told of level 1 at most.
    for report in db.session.scalars(select(Report).where(overdue_clause(now), or_(
            Report.escalation_level < 1,
            (Report.escalation_level < 2) & (Report.feedback_due_at < now)))):
        reasons = overdue_reasons(report, now)
        level = 2 if "feedback" in reasons else (1 if reasons else 0)
        if level <= report.escalation_level:
            continue
        title = _l("超期：%(number)s 需要处理", number=report.number)
        for person in _responsible(report):
            notify(person, kind="report.overdue", title=title,
                   url=path_for("suggestions.report", report_id=report.id),
                   item=item_key("report", report.id),
                   task="accept" if report.status == "submitted" else "handle")
        _event(report, None, "escalate", text=", ".join(reasons), visibility="handlers",
               at=now, params=history.message("overdue", reasons=reasons))
        report.escalation_level = level
        count += 1
    for rect in db.session.scalars(select(Rectification).where(
            Rectification.status == "requested", Rectification.escalated.is_(False),
            Rectification.due_at < now)):
        people = _responsible(rect.report)
        head = department_head(rect.department)
        if head is not None:
            people.append(head)
        for person in people:
            notify(person, kind="report.overdue",
                   title=_l("整改超期：%(department)s", department=rect.department.name),
                   url=path_for("suggestions.rectification", rectification_id=rect.id),
                   item=item_key("rectification", rect.id), task="complete")
        rect.escalated = True
        count += 1
    db.session.flush()
    return count


# --- lists, statistics, rewards -----------------------------------------------------------

def filter_reports(stmt: Select, *, kind: str | None = None, status: str | None = None,
                   urgency: str | None = None, overdue: bool = False,
                   now: datetime | None = None) -> Select:
    if kind:
        stmt = stmt.where(Report.kind == kind)
    if status:
        stmt = stmt.where(Report.status == status)
    if urgency:
        stmt = stmt.where(Report.urgency == urgency)
    if overdue:
        stmt = stmt.where(overdue_clause(now or utcnow()))
    return stmt


def reward_list(user: User, year: int) -> list[Report]:
    """Suggestions of ``year`` that were adopted (年终酌情奖励), as far as the caller may
    see them; a suggestion answered or closed after adoption still counts."""
    return list(db.session.scalars(rewards_stmt(user, year).order_by(Report.number)))


def rewards_stmt(user: User, year: int) -> Select:
    """``reward_list`` as one query (who may see what in SQL: ``visible_stmt``)."""
    adopted = select(ReportEvent.report_id).where(ReportEvent.action == "adopt")
    return visible_stmt(user, select(Report).where(
        Report.kind == "suggestion", Report.year == year, Report.id.in_(adopted)))
