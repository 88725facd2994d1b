"""The lifecycle of announcements (公告, SPEC §3): publishing, editing and versions,
confirmations, scheduled publishing, reminders, escalations and the digest.

Who may see and do what is ``hub.announcements.access`` (re-exported here for the callers
that only need one name); this module asks it and never decides visibility itself.

Services flush and never commit; the request (or the job runner) commits once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import Select, and_, case, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from hub.announcements.access import (  # noqa: F401  (re-exported)
    HR_KINDS,
    Audience,
    Changes,
    _audience_clause,
    _unconfirmed_by,
    addressed_to,
    asks_to_confirm,
    audience_members,
    audience_of,
    audience_roles_of,
    can_manage,
    can_publish,
    can_view_announcement,
    can_view_confirmations,
    changes_since,
    confirmation_of,
    confirmation_scope,
    confirming_members,
    first_unconfirmed,
    followed_up_query,
    get_announcement_or_404,
    get_confirmable_or_404,
    headed_subtree_ids,
    in_audience,
    is_expired,
    is_pinned,
    is_published,
    last_confirmed_version,
    managed_announcements_query,
    preselected_department_ids,
    publishable_department_ids,
    publishable_kinds,
    text_diff,
    unconfirmed_count,
    unconfirmed_query,
    version_of,
    visible_announcements_query,
)
from hub.announcements.models import (
    AUDIENCE_ROLES,
    KINDS,
    Announcement,
    AnnouncementAudience,
    AnnouncementConfirmation,
    AnnouncementDigest,
    AnnouncementNudge,
    AnnouncementRead,
    AnnouncementVersion,
)
from hub.common.attachments import store_uploads
from hub.common.markdown import plain_text
from hub.common.numbering import next_number
from hub.common.tasks import finished, item_key
from hub.common.time import to_local, utcnow
from hub.common.urls import path_for
from hub.common.workdays import due_after_working_days, local_date
from hub.extensions import db
from hub.notifications.services import notify, queue_mail
from hub.org.models import Department, User
from hub.org.services import department_subtree

PREFIX = "GG"
TITLE_MAX = 200
BODY_MAX = 50000

KIND_LABELS = {
    "order": _l("政令"),
    "resolution": _l("决议"),
    "plan": _l("计划"),
    "policy": _l("制度"),
    # "通知" alone is the notifications bell; as a kind of announcement it is a notice.
    "notice": lazy_pgettext("announcement kind", "通知"),
}
ROLE_LABELS = {
    "gm_office": _l("总经办"),
    "hr": _l("人力资源"),
    "admin": _l("系统管理员"),
    "department_head": _l("部门负责人"),
    "manager": _l("直属上级（有下属的人）"),
}


class AnnouncementError(Exception):
    """A request the announcements refuse; ``status`` is the HTTP status of the API."""

    status = 400

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotAllowed(AnnouncementError):
    """Publishing to an audience or of a kind the person may not (403: the person knows
    the audience exists, only the right to address it is missing)."""

    status = 403


class Conflict(AnnouncementError):
    status = 409




def feed_order(now: datetime | None = None):
    """Pinned (still) first, then newest first."""
    now = now or utcnow()
    pinned = case((and_(Announcement.pinned.is_(True),
                        or_(Announcement.pinned_until.is_(None),
                            Announcement.pinned_until > now)), 0), else_=1)
    return (pinned, Announcement.publish_at.desc(), Announcement.id.desc())


def filter_announcements(stmt: Select, *, kind: str | None = None,
                         unconfirmed_for: User | None = None) -> Select:
    if kind:
        stmt = stmt.where(Announcement.kind == kind)
    if unconfirmed_for is not None:
        stmt = stmt.where(Announcement.requires_confirmation.is_(True),
                          _unconfirmed_by(unconfirmed_for))
    return stmt


def paginate(stmt: Select, page: int, per_page: int,
             order=None) -> tuple[list[Announcement], int]:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(
        stmt.order_by(*(order or feed_order())).limit(per_page)
        .offset((max(page, 1) - 1) * per_page)))
    return items, total or 0


@dataclass
class Marks:
    """What the feed marks for one person: unread, and what still needs confirming."""

    read: set[int] = field(default_factory=set)
    confirmed: set[int] = field(default_factory=set)  # confirmed the current version

    def unread(self, announcement: Announcement) -> bool:
        return announcement.id not in self.read

    def needs_confirmation(self, announcement: Announcement) -> bool:
        return announcement.requires_confirmation and announcement.id not in self.confirmed


def marks_for(user: User, announcements: list[Announcement]) -> Marks:
    ids = [a.id for a in announcements]
    if not ids:
        return Marks()
    read = set(db.session.scalars(select(AnnouncementRead.announcement_id).where(
        AnnouncementRead.user_id == user.id, AnnouncementRead.announcement_id.in_(ids))))
    current = {a.id: a.version for a in announcements}
    confirmed = {aid for aid, version in db.session.execute(
        select(AnnouncementConfirmation.announcement_id, AnnouncementConfirmation.version)
        .where(AnnouncementConfirmation.user_id == user.id,
               AnnouncementConfirmation.announcement_id.in_(ids)))
        if current.get(aid) == version}
    # The author is never asked to confirm their own announcement (``asks_to_confirm``).
    confirmed |= {a.id for a in announcements if a.author_id == user.id}
    return Marks(read=read, confirmed=confirmed)


def mark_read(user: User, announcement: Announcement, now: datetime | None = None) -> None:
    """Remember that ``user`` opened it (once; a concurrent first visit is harmless)."""
    if db.session.get(AnnouncementRead, (announcement.id, user.id)) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(AnnouncementRead(announcement_id=announcement.id, user_id=user.id,
                                            read_at=now or utcnow()))
    except IntegrityError:
        pass



# --- publishing --------------------------------------------------------------------------------

def _clean(text: str | None, name: str, limit: int) -> str:
    value = (text or "").strip()
    if not value:
        raise AnnouncementError(_("请填写此项。"), {name: [_("请填写此项。")]})
    if len(value) > limit:
        message = _("不能超过 %(n)s 个字符。", n=limit)
        raise AnnouncementError(message, {name: [message]})
    return value


def _check_audience(audience: Audience) -> None:
    if audience.empty:
        message = _("请选择发布范围：全公司、部门或角色。")
        raise AnnouncementError(message, {"audience": [message]})
    unknown = [r for r in audience.roles if r not in AUDIENCE_ROLES]
    if unknown:
        message = _("未知角色：%(roles)s", roles="、".join(unknown))
        raise AnnouncementError(message, {"audience": [message]})
    for dept_id in audience.department_ids:
        if db.session.get(Department, dept_id) is None:
            message = _("所选部门不存在。")
            raise AnnouncementError(message, {"audience": [message]})


def _check_times(publish_at: datetime, expires_at: datetime | None,
                 pinned_until: datetime | None, now: datetime) -> None:
    if expires_at is not None and expires_at <= max(publish_at, now):
        message = _("失效时间必须晚于发布时间。")
        raise AnnouncementError(message, {"expires_at": [message]})
    if pinned_until is not None and pinned_until <= now:
        message = _("置顶截止时间必须晚于现在。")
        raise AnnouncementError(message, {"pinned_until": [message]})


#: A notice of an interruption goes out this long before it (客户服务规程 2.1 "提前24小时").
EVENT_NOTICE = timedelta(hours=24)
REASON_MAX = 500


def _check_event(publish_at: datetime, event_at: datetime | None,
                 urgent_reason: str | None) -> None:
    """A notice of an interruption (停水、停电…) at ``event_at`` is published at least 24
    hours before it, unless it says why it could not be (``urgent_reason``)."""
    if event_at is None:
        return
    if event_at <= publish_at:
        message = _("事件时间必须晚于发布时间。")
        raise AnnouncementError(message, {"event_at": [message]})
    if publish_at > event_at - EVENT_NOTICE and not urgent_reason:
        message = _("停水、停电等中断通知须至少提前 24 小时发布：事件时间 %(event)s，最晚应于 "
                    "%(latest)s 发布。情况特别紧急的，请标明紧急并说明原因。",
                    event=_minute(event_at), latest=_minute(event_at - EVENT_NOTICE))
        raise AnnouncementError(message, {"event_at": [message]})


def _minute(moment: datetime) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def _reason(text: str | None) -> str | None:
    value = (text or "").strip()
    if len(value) > REASON_MAX:
        message = _("不能超过 %(n)s 个字符。", n=REASON_MAX)
        raise AnnouncementError(message, {"urgent_reason": [message]})
    return value or None


def publish(author: User, *, title: str, body: str, kind: str, audience: Audience,
            requires_confirmation: bool = False, publish_at: datetime | None = None,
            expires_at: datetime | None = None, pinned: bool = False,
            pinned_until: datetime | None = None, uploads: list | None = None,
            event_at: datetime | None = None, urgent_reason: str | None = None,
            now: datetime | None = None) -> Announcement:
    """Publish now, or schedule for ``publish_at`` (a past time means now).  The audience is
    told at once when it is published now; a scheduled one by ``announce_due`` when its time
    comes.  A notice of an interruption carries ``event_at`` and is refused less than 24
    hours before it unless ``urgent_reason`` says why.  Raises ``NotAllowed`` (403) when
    ``author`` may not publish this."""
    title = _clean(title, "title", TITLE_MAX)
    body = _clean(body, "body", BODY_MAX)
    if kind not in KINDS:
        raise AnnouncementError(_("未知的公告类型。"), {"kind": [_("未知的公告类型。")]})
    _check_audience(audience)
    if not can_publish(author, kind, audience):
        if not publishable_kinds(author):
            raise NotAllowed(_("您没有发布公告的权限。"))
        message = _("您不能向所选范围发布“%(kind)s”类公告：部门负责人只能发布到本部门及下级部门，"
                    "人力资源部可向全公司发布制度和通知。", kind=KIND_LABELS[kind])
        raise NotAllowed(message, {"audience": [message]})
    now = now or utcnow()
    publish_at = max(publish_at or now, now)
    _check_times(publish_at, expires_at, pinned_until, now)
    urgent_reason = _reason(urgent_reason) if event_at is not None else None
    _check_event(publish_at, event_at, urgent_reason)
    today = local_date(now)
    number = next_number(PREFIX, today.year)
    announcement = Announcement(
        number=number, year=today.year, seq=int(number.rsplit("-", 1)[1]), kind=kind,
        title=title, body=body, version=1, author_id=author.id, created_at=now,
        updated_at=now, publish_at=publish_at, expires_at=expires_at, pinned=bool(pinned),
        pinned_until=pinned_until if pinned else None,
        requires_confirmation=bool(requires_confirmation),
        event_at=event_at, urgent_reason=urgent_reason,
        attachments=store_uploads(uploads or [], today),
    )
    if audience.everyone:
        announcement.audience.append(AnnouncementAudience(kind="all"))
    for dept_id in dict.fromkeys(audience.department_ids):
        announcement.audience.append(AnnouncementAudience(kind="department",
                                                          department_id=dept_id))
    for role in dict.fromkeys(audience.roles):
        announcement.audience.append(AnnouncementAudience(kind="role", role=role))
    announcement.versions.append(AnnouncementVersion(
        version=1, title=title, body=body, effective_at=publish_at, created_by_id=author.id))
    db.session.add(announcement)
    db.session.flush()
    if publish_at <= now:
        announcement.notified_at = now
        _tell_audience(announcement)
    db.session.flush()
    return announcement


def _kept(old: datetime | None, new: datetime | None) -> datetime | None:
    if old is not None and new is not None and abs((old - new).total_seconds()) < 60:
        return old
    return new


def edit(announcement: Announcement, editor: User, *, title: str, body: str,
         expires_at: datetime | None = None, pinned: bool = False,
         pinned_until: datetime | None = None, publish_at: datetime | None = None,
         now: datetime | None = None) -> bool:
    """Change an announcement; returns True when the change made a new version.

    Changing the text of a published announcement that requires confirmation makes a new
    version: the old text is kept, and everyone must confirm again (those who confirmed an
    old version are told, and see what changed).  The audience and the kind never change;
    the publish time only while it is still in the future."""
    if not can_manage(editor, announcement):
        abort(404)
    if not can_publish(editor, announcement.kind, audience_of(announcement)):
        raise NotAllowed(_("您已不能向此公告的范围发布公告，不能修改它。"))
    title = _clean(title, "title", TITLE_MAX)
    body = _clean(body, "body", BODY_MAX)
    now = now or utcnow()
    published = is_published(announcement, now)
    if not published and publish_at is not None:
        _check_event(max(publish_at, now), announcement.event_at, announcement.urgent_reason)
        announcement.publish_at = max(publish_at, now)
        announcement.versions[-1].effective_at = announcement.publish_at
    # A time a form shows again unchanged (to the minute) is kept as it was and not checked
    # again: an expired announcement stays editable.
    expires_at = _kept(announcement.expires_at, expires_at)
    pinned_until = _kept(announcement.pinned_until, pinned_until)
    _check_times(announcement.publish_at,
                 expires_at if expires_at != announcement.expires_at else None,
                 pinned_until if pinned and pinned_until != announcement.pinned_until
                 else None, now)
    announcement.expires_at = expires_at
    announcement.pinned = bool(pinned)
    announcement.pinned_until = pinned_until if pinned else None
    announcement.updated_at = now
    changed = (title, body) != (announcement.title, announcement.body)
    new_version = changed and published and announcement.requires_confirmation
    announcement.title, announcement.body = title, body
    if new_version:
        announcement.version += 1
        announcement.versions.append(AnnouncementVersion(
            version=announcement.version, title=title, body=body, effective_at=now,
            created_by_id=editor.id))
        _ask_again(announcement)
    elif changed:
        current = announcement.versions[-1]
        current.title, current.body = title, body
    if not published and announcement.publish_at <= now and announcement.notified_at is None:
        announcement.notified_at = now
        _tell_audience(announcement)
    db.session.flush()
    return new_version


# --- confirmations -------------------------------------------------------------------------

def needs_confirmation_from(user: User, announcement: Announcement) -> bool:
    return (is_published(announcement) and asks_to_confirm(user, announcement)
            and confirmation_of(user, announcement) is None)


def confirm(announcement: Announcement, user: User,
            now: datetime | None = None) -> AnnouncementConfirmation:
    """"已阅读并遵守" for the current version.  Idempotent: confirming again (or twice at
    the same moment) keeps the first confirmation and its time."""
    if not can_view_announcement(user, announcement):
        abort(404)
    if not announcement.requires_confirmation:
        raise Conflict(_("此公告无需确认。"))
    if announcement.author_id == user.id:
        raise Conflict(_("发布人无需确认自己发布的公告。"))
    if not is_published(announcement, now) or not in_audience(user, announcement):
        raise Conflict(_("只有公告发布范围内的人员在公告发布后才需要确认。"))
    existing = confirmation_of(user, announcement)
    if existing is not None:
        return existing
    row = AnnouncementConfirmation(announcement_id=announcement.id,
                                   version=announcement.version, user_id=user.id,
                                   confirmed_at=now or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return confirmation_of(user, announcement)
    mark_read(user, announcement, now)
    finished(item_key("announcement", announcement.id), "confirm", user=user, at=now)
    # The manager who was told this person had not confirmed: that task is done too.
    finished(item_key("announcement", announcement.id), escalation_task(user), at=now)
    db.session.flush()
    return row


@dataclass
class PersonStatus:
    person: User
    confirmed_at: datetime | None  # of the current version
    confirmed_version: int | None  # the latest version this person confirmed


@dataclass
class DepartmentStatus:
    department: Department
    total: int
    confirmed: int

    @property
    def percent(self) -> int:
        return round(100 * self.confirmed / self.total) if self.total else 0


@dataclass
class ConfirmationStatus:
    people: list[PersonStatus]
    departments: list[DepartmentStatus]

    @property
    def confirmed(self) -> list[PersonStatus]:
        return [p for p in self.people if p.confirmed_at is not None]

    @property
    def not_confirmed(self) -> list[PersonStatus]:
        return [p for p in self.people if p.confirmed_at is None]

    @property
    def percent(self) -> int:
        return round(100 * len(self.confirmed) / len(self.people)) if self.people else 0


def confirmation_status(viewer: User, announcement: Announcement,
                        department: Department | None = None) -> ConfirmationStatus:
    """Who in ``viewer``'s scope has and has not confirmed the current version, optionally
    within ``department`` (and below), with counts per department."""
    stmt = confirmation_scope(viewer, announcement)
    if department is not None:
        stmt = stmt.where(User.department_id.in_([d.id for d in department_subtree(department)]))
    people = list(db.session.scalars(stmt.order_by(User.department_id, User.name, User.id)))
    rows = db.session.execute(
        select(AnnouncementConfirmation.user_id, AnnouncementConfirmation.version,
               AnnouncementConfirmation.confirmed_at)
        .where(AnnouncementConfirmation.announcement_id == announcement.id,
               AnnouncementConfirmation.user_id.in_([p.id for p in people]))).all()
    current: dict[int, datetime] = {}
    latest: dict[int, int] = {}
    for user_id, version, at in rows:
        latest[user_id] = max(latest.get(user_id, 0), version)
        if version == announcement.version:
            current[user_id] = at
    statuses = [PersonStatus(p, current.get(p.id), latest.get(p.id)) for p in people]
    by_dept: dict[int, DepartmentStatus] = {}
    for status in statuses:
        dept = status.person.department
        entry = by_dept.setdefault(dept.id, DepartmentStatus(dept, 0, 0))
        entry.total += 1
        entry.confirmed += status.confirmed_at is not None
    return ConfirmationStatus(statuses, list(by_dept.values()))


def confirmation_rows(status: ConfirmationStatus) -> list[list]:
    """The export's rows (header first)."""
    rows = [[_("姓名"), _("用户名"), _("工号"), _("部门"), _("职务"), _("状态"), _("确认时间")]]
    for s in status.people:
        if s.confirmed_at is not None:
            state = _("已确认")
        elif s.confirmed_version:
            state = _("已确认旧版本（第 %(v)s 版），待重新确认", v=s.confirmed_version)
        else:
            state = _("未确认")
        rows.append([s.person.name, s.person.username, s.person.employee_no or "",
                     s.person.department.name, s.person.title, state,
                     to_local(s.confirmed_at)])
    return rows


# --- notifications, reminders, escalations -----------------------------------------------

def _url(announcement: Announcement) -> str:
    return path_for("announcements.view", announcement_id=announcement.id)


def prefers_digest(user: User) -> bool:
    return db.session.get(AnnouncementDigest, user.id) is not None


def set_digest(user: User, wanted: bool, now: datetime | None = None) -> None:
    row = db.session.get(AnnouncementDigest, user.id)
    if wanted and row is None:
        db.session.add(AnnouncementDigest(user_id=user.id, sent_up_to=now or utcnow()))
    elif not wanted and row is not None:
        db.session.delete(row)
    db.session.flush()


def _tell_audience(announcement: Announcement) -> int:
    """Notify everyone in the audience (in the hub; by e-mail unless they take the digest)."""
    digest = set(db.session.scalars(select(AnnouncementDigest.user_id)))
    if announcement.requires_confirmation:
        title = _l("请阅读并确认公告：%(title)s", title=announcement.title)
    else:
        title = _l("新公告：%(title)s", title=announcement.title)
    body = plain_text(announcement.body, 200)
    count = 0
    for person in db.session.scalars(audience_members(announcement).order_by(User.id)):
        if person.id == announcement.author_id:
            continue
        notify(person, kind="announcement.published", title=title, body=body,
               url=_url(announcement), email=person.id not in digest,
               item=item_key("announcement", announcement.id),
               task="confirm" if announcement.requires_confirmation else None)
        count += 1
    return count


def _ask_again(announcement: Announcement) -> None:
    """After a new version: the people who confirmed an earlier one are asked again."""
    asked = db.session.scalars(select(User).where(User.id.in_(
        select(AnnouncementConfirmation.user_id).where(
            AnnouncementConfirmation.announcement_id == announcement.id))))
    title = _l("公告已修订，请重新确认：%(title)s", title=announcement.title)
    for person in asked:
        if in_audience(person, announcement):
            notify(person, kind="announcement.revised", title=title,
                   body=_l("公告已更新为第 %(v)s 版，请查看修改之处并重新确认。",
                           v=announcement.version), url=_url(announcement),
                   item=item_key("announcement", announcement.id), task="confirm")


def announce_due(now: datetime | None = None) -> int:
    """Tell the audience of every announcement whose publish time has come and who were not
    told yet.  Each announcement is claimed with a conditional UPDATE, so two runners never
    both send."""
    now = now or utcnow()
    due = list(db.session.scalars(select(Announcement).where(
        Announcement.notified_at.is_(None), Announcement.publish_at <= now)
        .order_by(Announcement.publish_at)))
    told = 0
    for announcement in due:
        claimed = db.session.execute(
            update(Announcement)
            .where(Announcement.id == announcement.id, Announcement.notified_at.is_(None))
            .values(notified_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if claimed:
            announcement.notified_at = now
            _tell_audience(announcement)
            told += 1
    db.session.flush()
    return told


def _pending_members(announcement: Announcement, nudge: str | None = None) -> Select:
    """The people asked to confirm (the audience but the author) who have not confirmed the
    current version (and have not had ``nudge`` about it)."""
    stmt = confirming_members(announcement).where(~exists().where(
        AnnouncementConfirmation.announcement_id == announcement.id,
        AnnouncementConfirmation.version == announcement.version,
        AnnouncementConfirmation.user_id == User.id))
    if nudge:
        stmt = stmt.where(~exists().where(
            AnnouncementNudge.announcement_id == announcement.id,
            AnnouncementNudge.version == announcement.version,
            AnnouncementNudge.user_id == User.id, AnnouncementNudge.kind == nudge))
    return stmt


def escalation_task(person: User) -> str:
    """The task a manager's "X 尚未确认公告" notice asks for: ``person`` confirming (done
    when they confirm, ``confirm``)."""
    return f"confirm_by:{person.id}"


def reminder_targets(status: ConfirmationStatus, actor: User) -> list[User]:
    """Whom "提醒未确认人员" reaches: the people of ``actor``'s whole confirmation list
    (``confirmation_status`` without a department filter) who have not confirmed the current
    version, not ``actor`` themselves.  The button's count and the reminder both read this."""
    return [s.person for s in status.not_confirmed if s.person.id != actor.id]


def remind_unconfirmed(announcement: Announcement, actor: User) -> int:
    """"提醒未确认人员": tell ``reminder_targets``; returns how many were told."""
    if not can_view_confirmations(actor, announcement):
        abort(404)
    if not is_published(announcement):
        raise Conflict(_("公告尚未发布。"))
    people = sorted(reminder_targets(confirmation_status(actor, announcement), actor),
                    key=lambda p: p.id)
    title = _l("提醒：请阅读并确认公告“%(title)s”", title=announcement.title)
    for person in people:
        notify(person, kind="announcement.reminder", title=title,
               body=_l("%(name)s 提醒您确认这份公告。", name=actor.name), url=_url(announcement),
               item=item_key("announcement", announcement.id), task="confirm")
    db.session.flush()
    return len(people)


def send_reminders(now: datetime | None = None) -> tuple[int, int]:
    """Automatic follow-up of confirmations, per person and version, each once: a reminder
    ``ANNOUNCEMENT_REMIND_DAYS`` working days after the version took effect, and the
    person's manager is told after ``ANNOUNCEMENT_ESCALATE_DAYS``.  Returns (reminded,
    escalated)."""
    now = now or utcnow()
    remind_days = current_app.config["ANNOUNCEMENT_REMIND_DAYS"]
    escalate_days = current_app.config["ANNOUNCEMENT_ESCALATE_DAYS"]
    open_ones = db.session.scalars(select(Announcement).where(
        Announcement.requires_confirmation.is_(True), Announcement.publish_at <= now,
        or_(Announcement.expires_at.is_(None), Announcement.expires_at > now)))
    reminded = escalated = 0
    for announcement in open_ones:
        since = version_of(announcement, announcement.version).effective_at
        url = _url(announcement)
        if now > due_after_working_days(since, remind_days):
            title = _l("提醒：请阅读并确认公告“%(title)s”", title=announcement.title)
            for person in db.session.scalars(_pending_members(announcement, "remind")):
                notify(person, kind="announcement.reminder", title=title, url=url,
                       item=item_key("announcement", announcement.id), task="confirm")
                _nudged(announcement, person, "remind", now)
                reminded += 1
        if now > due_after_working_days(since, escalate_days):
            for person in db.session.scalars(_pending_members(announcement, "escalate")):
                manager = person.manager
                if manager is not None and manager.active:
                    notify(manager, kind="announcement.escalation",
                           title=_l("%(name)s 尚未确认公告“%(title)s”", name=person.name,
                                    title=announcement.title),
                           body=_l("公告已发布超过 %(n)s 个工作日，请督促确认。", n=escalate_days),
                           url=url, item=item_key("announcement", announcement.id),
                           task=escalation_task(person))
                    escalated += 1
                _nudged(announcement, person, "escalate", now)
    db.session.flush()
    return reminded, escalated


def _nudged(announcement: Announcement, person: User, kind: str, now: datetime) -> None:
    db.session.add(AnnouncementNudge(announcement_id=announcement.id,
                                     version=announcement.version, user_id=person.id,
                                     kind=kind, at=now))


def send_digests(now: datetime | None = None) -> int:
    """Once a day, after ``ANNOUNCEMENT_DIGEST_HOUR`` (company time), one e-mail to each
    person who prefers the digest, listing what was published for them since the last one.
    Returns the number of e-mails queued."""
    from hub.common.time import to_local
    from hub.notifications.services import absolute_url

    now = now or utcnow()
    if to_local(now).hour < current_app.config["ANNOUNCEMENT_DIGEST_HOUR"]:
        return 0
    sent = 0
    for row in list(db.session.scalars(select(AnnouncementDigest))):
        if local_date(row.sent_up_to) >= local_date(now):
            continue
        person = db.session.get(User, row.user_id)
        items = []
        if person is not None and person.active and person.email:
            items = list(db.session.scalars(
                visible_announcements_query(person, now=now)
                .where(Announcement.publish_at > row.sent_up_to)
                .order_by(Announcement.publish_at)))
        if items:
            subject = _("公告摘要：%(n)s 条新公告", n=len(items))
            queue_mail(person.email, subject=subject, title=subject,
                       template="email/announcement_digest", recipient=person,
                       items=[(a, absolute_url(_url(a))) for a in items],
                       kind_labels=KIND_LABELS)
            sent += 1
        row.sent_up_to = now
    db.session.flush()
    return sent
