"""The monthly 沟通记录 summary's loop and the GM office's spot checks.

沟通管理办法 五.1(3): "每月对《沟通记录》和对本办法的执行情况进行汇总，报总经理审核，并在月例会
上公布"; 五.2(1): the GM supervises "监督方式为不定期抽查及对月汇总进行审核".

* On the 1st (or the first run of the worker after it) every department with an active
  head but the GM's own gets a **draft** summary of the month that ended; its figures are
  the month's summary (``obligations.summary_rows``), live until the head submits.
* The head **submits** it with a comment (the figures are kept as they stand then); the GM
  **approves** it (with an optional note) or **returns** it with a reason, after which the
  head edits the comment and submits again.
* The GM office **publishes** the month: every approved summary of it, in one announcement
  (通知) to the department heads — the monthly meeting's audience — through the
  announcements feature; each of them is then **published**.
* Spot checks (抽查): a GM office member picks N talk logs of a month at random among those
  they may read (``access.visible_talks_query``: skip-level and appeal rules stay) and
  records a finding for each.

Who may see and do what is ``hub.meetings.access``'s; services flush and never commit.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from types import SimpleNamespace

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from hub.common.months import Month
from hub.common.tasks import finished, item_key
from hub.common.time import utcnow
from hub.common.urls import path_for
from hub.extensions import db
from hub.meetings import access
from hub.meetings.models import TalkLog
from hub.meetings.summaries_models import (
    FIGURES,
    FINDINGS,
    DepartmentSummary,
    DepartmentSummaryEvent,
    SpotCheck,
    SpotCheckItem,
)
from hub.notifications.services import notify
from hub.org.models import Department, User, UserRole

STATUS_LABELS = {
    "draft": _l("待报送"),
    "submitted": _l("待审核"),
    "returned": _l("已退回"),
    "approved": _l("已审核"),
    "published": _l("已公布"),
}
ACTION_LABELS = {
    "open": _l("生成草稿"),
    "submit": _l("报送总经理"),
    "approve": _l("审核通过"),
    "return": _l("退回修改"),
    "publish": _l("公布"),
}
VERDICT_LABELS = {"ok": _l("合规"), "issue": _l("有问题")}
COMMENT_MAX = 2000
#: At most this many talk logs in one spot check.
SPOT_CHECK_MAX = 20


class SummaryError(Exception):
    """A request the summary loop refuses; ``status`` is the HTTP status of the API."""

    status = 400

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class SummaryConflict(SummaryError):
    """The step does not fit the summary's state."""

    status = 409


class SummaryForbidden(SummaryError):
    """The caller sees the summary but may never take this step."""

    status = 403


def _key(summary: DepartmentSummary) -> str:
    return item_key("summary", summary.id)


def _url(summary: DepartmentSummary) -> str:
    return path_for("meetings.department_summary", summary_id=summary.id)


def general_managers() -> list[User]:
    """The GM (``access.is_general_manager``; one, in a normal company)."""
    return list(db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == "gm_office", User.active.is_(True),
                                          User.manager_id.is_(None)).order_by(User.id)))


def _gm_office() -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == "gm_office", User.active.is_(True))
        .order_by(User.id)))


def _text(value: str | None, name: str, *, required: bool, message: str) -> str:
    text = (value or "").strip()
    if required and not text:
        raise SummaryError(message, {name: [message]})
    if len(text) > COMMENT_MAX:
        too_long = _("不能超过 %(n)s 个字符。", n=COMMENT_MAX)
        raise SummaryError(too_long, {name: [too_long]})
    return text


# --- drafts --------------------------------------------------------------------------------

def summarised_departments() -> list[Department]:
    """The departments that owe a monthly summary: those with an active head, but the GM's
    own (the GM reviews the others; there is nobody to report to)."""
    gms = {u.id for u in general_managers()}
    return [d for d in db.session.scalars(
        select(Department).join(User, User.id == Department.head_id)
        .where(User.active.is_(True)).order_by(Department.sort_order, Department.id))
        if d.head_id not in gms]


def open_month(month: Month, *, now: datetime | None = None) -> list[DepartmentSummary]:
    """A draft for every department that owes ``month``'s summary and has none yet; each
    head is asked to submit it."""
    now = now or utcnow()
    have = set(db.session.scalars(select(DepartmentSummary.department_id)
                                  .where(DepartmentSummary.month == str(month))))
    created = []
    for dept in summarised_departments():
        if dept.id in have:
            continue
        summary = DepartmentSummary(month=str(month), department=dept, status="draft",
                                    created_at=now)
        summary.events.append(DepartmentSummaryEvent(action="open", created_at=now))
        db.session.add(summary)
        created.append(summary)
    db.session.flush()
    for summary in created:
        notify(summary.department.head, kind="talk.summary_due",
               title=_l("请报送%(department)s %(month)s 的沟通记录月汇总",
                        department=summary.department.name, month=str(month)),
               url=_url(summary), item=_key(summary), task="submit")
    return created


def open_due_month(now: datetime | None = None) -> int:
    """On the 1st (or the first run after it): last month's drafts, once."""
    now = now or utcnow()
    previous = Month.of(now).previous
    if db.session.scalar(select(exists().where(DepartmentSummary.month == str(previous)))):
        return 0
    return len(open_month(previous, now=now))


# --- reading -------------------------------------------------------------------------------

ZERO = SimpleNamespace(**{name: 0 for name in FIGURES})


def live_figures(month: Month) -> dict[int, object]:
    """The month's figures per department, as the summary computes them now."""
    from hub.meetings.obligations import summary_rows

    rows, _items = summary_rows(month)
    return {row.department.id: row for row in rows}


def summaries_for(viewer: User, month: Month) -> list[DepartmentSummary]:
    """The month's summaries ``viewer`` may see, in the departments' order (one statement,
    the departments, their heads and the history with it)."""
    query = (access.visible_summaries_query(viewer)
             .where(DepartmentSummary.month == str(month))
             .join(Department, Department.id == DepartmentSummary.department_id)
             .options(joinedload(DepartmentSummary.department).joinedload(Department.head)
                      .lazyload(User.role_rows),
                      selectinload(DepartmentSummary.events)
                      .joinedload(DepartmentSummaryEvent.actor).lazyload(User.role_rows))
             .order_by(Department.sort_order, Department.id))
    return list(db.session.scalars(query))


def needs_live_figures(summaries: list[DepartmentSummary]) -> bool:
    return any(s.status in ("draft", "returned") for s in summaries)


def views_of(viewer: User, summaries: list[DepartmentSummary], month: Month) -> list:
    """The per-viewer views of a month's summaries; drafts with the live figures."""
    live = live_figures(month) if needs_live_figures(summaries) else {}
    return [access.summary_view(viewer, s, figures=live.get(s.department_id, ZERO))
            for s in summaries]


def view_of(viewer: User, summary: DepartmentSummary):
    live = live_figures(Month.parse(summary.month)) if needs_live_figures([summary]) else {}
    return access.summary_view(viewer, summary, figures=live.get(summary.department_id, ZERO))


# --- the steps -----------------------------------------------------------------------------

def act(summary: DepartmentSummary, user: User, action: str, text: str = "", *,
        now: datetime | None = None) -> DepartmentSummary:
    """Take one step (``submit``, ``approve``, ``return``, ``publish``).  A step ``user`` may
    never take is a ``SummaryForbidden``; one the state does not allow, a
    ``SummaryConflict``."""
    now = now or utcnow()
    if action not in ("submit", "approve", "return", "publish"):
        message = _("未知的操作。")
        raise SummaryError(message, {"action": [message]})
    if action not in access.summary_actions(user, summary):
        if not access.may_act_on_summary(user, summary, action):
            raise SummaryForbidden({
                "submit": _("只有本部门负责人可以报送月汇总。"),
                "approve": _("只有总经理可以审核月汇总。"),
                "return": _("只有总经理可以审核月汇总。"),
                "publish": _("只有总经办可以公布月汇总。"),
            }[action])
        raise SummaryConflict(_("月汇总当前状态为“%(status)s”，不能%(action)s。",
                                status=STATUS_LABELS[summary.status],
                                action=ACTION_LABELS[action]))
    if action == "submit":
        _submit(summary, user, text, now)
    elif action == "approve":
        _approve(summary, user, text, now)
    elif action == "return":
        _return(summary, user, text, now)
    else:
        publish_month(summary, user, now=now)
    db.session.flush()
    return summary


def _event(summary: DepartmentSummary, action: str, user: User, text: str,
           now: datetime) -> None:
    summary.events.append(DepartmentSummaryEvent(action=action, actor_id=user.id, text=text,
                                                 created_at=now))


def _submit(summary: DepartmentSummary, user: User, text: str, now: datetime) -> None:
    comment = _text(text, "text", required=True,
                    message=_("请写明本部门本月沟通记录和制度执行情况的说明。"))
    month = Month.parse(summary.month)
    if month >= Month.of(now):
        raise SummaryConflict(_("只能报送已结束月份的月汇总。"))
    figures = live_figures(month).get(summary.department_id, ZERO)
    for name in FIGURES:
        setattr(summary, name, getattr(figures, name))
    summary.comment = comment
    summary.status = "submitted"
    summary.submitted_by_id, summary.submitted_at = user.id, now
    _event(summary, "submit", user, comment, now)
    finished(_key(summary), "submit", at=now)
    for gm in general_managers():
        notify(gm, kind="talk.summary_submitted",
               title=_l("%(department)s 报送了 %(month)s 的沟通记录月汇总，请审核",
                        department=summary.department.name, month=summary.month),
               url=_url(summary), item=_key(summary), task="review")


def _approve(summary: DepartmentSummary, user: User, text: str, now: datetime) -> None:
    note = _text(text, "text", required=False, message="")
    summary.status = "approved"
    summary.review_note = note
    summary.return_reason = ""
    summary.reviewed_by_id, summary.reviewed_at = user.id, now
    _event(summary, "approve", user, note, now)
    finished(_key(summary), "review", at=now)
    head = summary.department.head
    if head is not None:
        notify(head, kind="talk.summary_approved",
               title=_l("%(department)s %(month)s 的沟通记录月汇总已审核通过",
                        department=summary.department.name, month=summary.month),
               url=_url(summary))
    for person in _gm_office():
        if person.id != user.id:
            notify(person, kind="talk.summary_approved",
                   title=_l("%(department)s %(month)s 的沟通记录月汇总已审核，待公布",
                            department=summary.department.name, month=summary.month),
                   url=_url(summary), item=_key(summary), task="publish")


def _return(summary: DepartmentSummary, user: User, text: str, now: datetime) -> None:
    reason = _text(text, "text", required=True, message=_("请写明退回的原因。"))
    summary.status = "returned"
    summary.return_reason = reason
    summary.reviewed_by_id, summary.reviewed_at = user.id, now
    _event(summary, "return", user, reason, now)
    finished(_key(summary), "review", at=now)
    head = summary.department.head
    if head is not None:
        notify(head, kind="talk.summary_returned",
               title=_l("%(department)s %(month)s 的沟通记录月汇总被退回：%(reason)s",
                        department=summary.department.name, month=summary.month,
                        reason=reason[:80]),
               url=_url(summary), item=_key(summary), task="submit")


# --- publishing ----------------------------------------------------------------------------

def _line(summary: DepartmentSummary) -> str:
    head = summary.department.head
    line = _("- **%(department)s**（负责人 %(head)s）：应谈 %(owed)s，已谈 %(held)s（其中逾期补谈 "
             "%(late)s），超期未谈 %(overdue)s；沟通记录 %(talks)s 条，共 %(minutes)s 分钟。",
             department=summary.department.name, head=head.name if head else "—",
             owed=summary.owed, held=summary.held, late=summary.late,
             overdue=summary.overdue, talks=summary.talks_logged, minutes=summary.minutes)
    if summary.comment:
        line += _("说明：%(comment)s", comment=" ".join(summary.comment.split()))
    return line


def announcement_text(month: Month, published: list[DepartmentSummary],
                      outstanding: list[DepartmentSummary]) -> tuple[str, str]:
    """The announcement's title and Markdown body, in the company's language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        title = _("%(month)s 沟通记录月汇总（经总经理审核）", month=str(month))
        parts = [_("根据《沟通管理办法》，各部门 %(month)s 的沟通记录和制度执行情况汇总经总经理审核，"
                   "在月例会上公布如下：", month=str(month)), ""]
        parts += [_line(s) for s in published]
        if outstanding:
            parts += ["", _("尚未审核通过：%(departments)s。", departments="、".join(
                s.department.name for s in outstanding))]
    return title, "\n".join(parts)


def publish_month(summary: DepartmentSummary, user: User, *,
                  now: datetime | None = None) -> object:
    """Publish every approved summary of ``summary``'s month in one announcement to the
    department heads; returns the announcement."""
    from hub.announcements.access import Audience
    from hub.announcements.services import AnnouncementError
    from hub.announcements.services import publish as publish_announcement

    now = now or utcnow()
    month = Month.parse(summary.month)
    rows = list(db.session.scalars(
        select(DepartmentSummary).where(DepartmentSummary.month == summary.month)
        .join(Department, Department.id == DepartmentSummary.department_id)
        .options(selectinload(DepartmentSummary.department).selectinload(Department.head))
        .order_by(Department.sort_order, Department.id)))
    ready = [s for s in rows if s.status == "approved"]
    outstanding = [s for s in rows if s.status in ("draft", "submitted", "returned")]
    title, body = announcement_text(month, ready, outstanding)
    try:
        announcement = publish_announcement(
            user, title=title, body=body, kind="notice",
            audience=Audience(roles=("department_head",)), now=now)
    except AnnouncementError as exc:  # the GM office may publish this; kept for safety
        raise SummaryError(exc.message, exc.fields) from exc
    for s in ready:
        s.status = "published"
        s.published_at = now
        s.announcement_id = announcement.id
        _event(s, "publish", user, "", now)
        finished(_key(s), "publish", at=now)
    return announcement


# --- spot checks ---------------------------------------------------------------------------

def start_spot_check(checker: User, month: Month, count: int, *, now: datetime | None = None,
                     rng: secrets.SystemRandom | None = None) -> SpotCheck:
    """Pick ``count`` talk logs held in ``month`` at random among those ``checker`` may read
    (fewer when there are fewer)."""
    now = now or utcnow()
    if not access.may_spot_check(checker):
        raise SummaryForbidden(_("只有总经办可以抽查沟通记录。"))
    if not isinstance(count, int) or not 1 <= count <= SPOT_CHECK_MAX:
        message = _("抽查数量须在 1 到 %(n)s 之间。", n=SPOT_CHECK_MAX)
        raise SummaryError(message, {"count": [message]})
    if month > Month.of(now):
        message = _("不能抽查尚未开始的月份。")
        raise SummaryError(message, {"period": [message]})
    start, end = month.bounds_utc()
    ids = list(db.session.scalars(
        access.visible_talks_query(checker).with_only_columns(TalkLog.id)
        .where(TalkLog.held_at >= start, TalkLog.held_at < end).order_by(TalkLog.id)))
    if not ids:
        message = _("%(month)s 没有你可以查看的沟通记录。", month=str(month))
        raise SummaryError(message, {"period": [message]})
    picked = (rng or secrets.SystemRandom()).sample(ids, min(count, len(ids)))
    check = SpotCheck(month=str(month), checker_id=checker.id, requested=count,
                      created_at=now, items=[SpotCheckItem(talk_id=i) for i in sorted(picked)])
    db.session.add(check)
    db.session.flush()
    return check


def record_finding(item: SpotCheckItem, user: User, verdict: str, finding: str, *,
                   now: datetime | None = None) -> SpotCheckItem:
    """The check's finding on one picked talk log: 合规 (ok) or 有问题 (issue, with what)."""
    if verdict not in FINDINGS:
        message = _("请选择抽查结论。")
        raise SummaryError(message, {"verdict": [message]})
    text = _text(finding, "finding", required=verdict == "issue",
                 message=_("请写明发现的问题。"))
    item.verdict, item.finding = verdict, text
    item.checked_by_id, item.checked_at = user.id, now or utcnow()
    db.session.flush()
    return item


def spot_checks(viewer: User, limit: int = 50) -> list[tuple[SpotCheck, int, int]]:
    """The latest spot checks (newest first) with how many logs each picked and how many
    have a finding: one statement."""
    if not access.may_spot_check(viewer):
        return []
    picked = (select(func.count(SpotCheckItem.id)).where(SpotCheckItem.check_id == SpotCheck.id)
              .scalar_subquery())
    done = (select(func.count(SpotCheckItem.id))
            .where(SpotCheckItem.check_id == SpotCheck.id, SpotCheckItem.verdict.is_not(None))
            .scalar_subquery())
    rows = db.session.execute(
        select(SpotCheck, picked, done).options(selectinload(SpotCheck.checker))
        .order_by(SpotCheck.created_at.desc(), SpotCheck.id.desc()).limit(limit))
    return [(check, n, d) for check, n, d in rows]


def check_items(viewer: User, check: SpotCheck) -> list[SpotCheckItem]:
    """The picked talk logs of ``check`` that ``viewer`` may read, with their talks."""
    from hub.meetings.models import TalkParticipant

    items = list(db.session.scalars(
        select(SpotCheckItem).where(SpotCheckItem.check_id == check.id)
        .options(selectinload(SpotCheckItem.talk).selectinload(TalkLog.participants)
                 .selectinload(TalkParticipant.user),
                 selectinload(SpotCheckItem.talk).selectinload(TalkLog.author),
                 selectinload(SpotCheckItem.checked_by))
        .order_by(SpotCheckItem.id)))
    readable = access.spot_check_talk_ids(viewer, [i.talk_id for i in items])
    return [i for i in items if i.talk_id in readable]
