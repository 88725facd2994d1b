"""The register's rules: opening entries from the features' lapses, HR's decisions, the
person's appeal, and the monthly 通报.

Services flush and never commit; the request (or the worker) commits once.  Who may see or
do what is asked of ``hub.accountability.access``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, selectinload

from hub.accountability import access
from hub.accountability.labels import KIND_LABELS
from hub.accountability.models import AccountabilityEntry, AccountabilityEvent
from hub.accountability.sources import Lapse, all_lapses
from hub.common import history
from hub.common.months import Month
from hub.common.tasks import finished, item_key
from hub.common.time import utcnow
from hub.common.urls import path_for
from hub.extensions import db
from hub.notifications.services import notify
from hub.org.models import Department, User

TEXT_MAX = 2000
#: The steps that change an entry's status: action → status it leads to (None: unchanged).
OUTCOMES = {"excuse": "excused", "penalise": "penalised", "withdraw": "withdrawn",
            "uphold": None, "appeal": None}


class EntryError(Exception):
    """A step the register refuses; ``status`` is what the API answers with."""

    status = 400

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotAllowed(EntryError):
    status = 403


class InvalidTransition(EntryError):
    status = 409


# --- opening entries -------------------------------------------------------------------------

def open_entries(now: datetime | None = None, *, tell: bool = True) -> list[AccountabilityEntry]:
    """Open an entry for every lapse standing at ``now`` that has none yet (one per person,
    kind and item: the unique constraint decides, in one INSERT … ON CONFLICT DO NOTHING, so
    two workers never enter a lapse twice) and tell each person (unless ``tell`` is False:
    the demo's past).  Returns the new entries."""
    now = now or utcnow()
    lapses = list(all_lapses(db.session, now))
    if not lapses:
        return []
    people = dict(db.session.execute(
        select(User.id, User.department_id).where(
            User.id.in_({lapse.person_id for lapse in lapses}), User.active.is_(True))).all())
    rows, seen = [], set()
    for lapse in lapses:
        key = (lapse.person_id, lapse.kind, lapse.source_kind, lapse.source_ref)
        if lapse.person_id not in people or key in seen:
            continue
        seen.add(key)
        rows.append(_row(lapse, people[lapse.person_id], now))
    if not rows:
        return []
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (insert(AccountabilityEntry).on_conflict_do_nothing(
        index_elements=["person_id", "kind", "source_kind", "source_ref"])
        .returning(AccountabilityEntry.id))
    new_ids = []
    for start in range(0, len(rows), 500):
        new_ids += list(db.session.scalars(stmt, rows[start:start + 500]))
    if not new_ids:
        return []
    entries = list(db.session.scalars(
        select(AccountabilityEntry).where(AccountabilityEntry.id.in_(new_ids))
        .options(joinedload(AccountabilityEntry.person)).order_by(AccountabilityEntry.id)))
    for entry in entries:
        _event(entry, None, "open", None, "open", at=now,
               params=history.message("opened", kind=entry.kind))
        if tell:
            notify(entry.person, kind="accountability.opened",
                   title=_l("责任追究登记：%(kind)s", kind=KIND_LABELS[entry.kind]),
                   body=_l("人力资源部将作出处理；如有异议，可在登记页面提出申诉（限一次）。"),
                   url=path_for("accountability.entry", entry_id=entry.id),
                   item=item_key("accountability", entry.id), task="appeal")
    db.session.flush()
    return entries


def _row(lapse: Lapse, department_id: int | None, now: datetime) -> dict:
    return {"person_id": lapse.person_id, "department_id": department_id,
            "kind": lapse.kind, "source_kind": lapse.source_kind,
            "source_id": lapse.source_id, "source_ref": lapse.source_ref[:120],
            "number": lapse.number, "detail": lapse.detail, "since": lapse.since,
            "opened_at": now, "status": "open"}


def _event(entry: AccountabilityEntry, actor: User | None, action: str, from_status,
           to_status, *, at: datetime, text: str = "", params: dict | None = None) -> None:
    db.session.add(AccountabilityEvent(entry=entry, at=at, actor_id=actor.id if actor else None,
                                       action=action, from_status=from_status,
                                       to_status=to_status, text=text, params=params))


# --- HR's decisions and the appeal -----------------------------------------------------------

def _clean(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise EntryError(_("请填写理由或决定内容。"), {"text": [_("请填写此项。")]})
    if len(text) > TEXT_MAX:
        raise EntryError(_("内容过长（最多 %(n)s 字）。", n=TEXT_MAX),
                         {"text": [_("最多 %(n)s 字。", n=TEXT_MAX)]})
    return text


def perform(entry: AccountabilityEntry, actor: User, action: str, text: str | None,
            now: datetime | None = None) -> None:
    """Take ``action`` (``access.ACTIONS``) on ``entry`` with its text (required for
    every step).  Refusals: ``NotAllowed`` (not the actor's to take), ``InvalidTransition``
    (not in this state), ``EntryError`` (the text)."""
    if action not in OUTCOMES:
        raise EntryError(_("未知的操作。"), {"action": [_("未知的操作。")]})
    if not access.may_ever(actor, entry, action):
        raise NotAllowed(_("您不能对这条记录执行此操作。"))
    if not access.can_act(actor, entry, action):
        raise InvalidTransition(_("这条记录当前的状态不允许此操作。"))
    text = _clean(text)
    now = now or utcnow()
    before = entry.status
    if action == "appeal":
        entry.appeal_text, entry.appealed_at, entry.appeal_state = text, now, "pending"
        finished(item_key("accountability", entry.id), "appeal", user=actor, at=now)
        _tell_hr(entry, actor)
    else:
        if entry.appeal_state == "pending":
            entry.appeal_state = "upheld" if action == "uphold" else "withdrawn"
            entry.appeal_answer, entry.appeal_answered_at = text, now
        if OUTCOMES[action] is not None:
            entry.status = OUTCOMES[action]
            entry.decision, entry.decided_at, entry.decided_by_id = text, now, actor.id
        if entry.status in ("excused", "withdrawn"):  # nothing left to appeal
            finished(item_key("accountability", entry.id), "appeal", at=now)
        notify(entry.person, kind="accountability.decided",
               title=_l("责任追究记录已处理：%(kind)s", kind=KIND_LABELS[entry.kind]),
               url=path_for("accountability.entry", entry_id=entry.id))
    _event(entry, actor, action, before, entry.status, at=now, text=text)
    db.session.flush()


def _tell_hr(entry: AccountabilityEntry, actor: User) -> None:
    from hub.org.models import UserRole

    hr = db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == "hr", User.active.is_(True), User.id != entry.person_id))
    for person in hr:
        notify(person, kind="accountability.appeal",
               title=_l("%(name)s 对责任追究记录提出申诉", name=actor.name),
               url=path_for("accountability.entry", entry_id=entry.id))


# --- lists and the monthly 通报 ---------------------------------------------------------------

LIST_OPTIONS = (joinedload(AccountabilityEntry.person).joinedload(User.department),
                joinedload(AccountabilityEntry.department),
                joinedload(AccountabilityEntry.decided_by))
STATUSES_FILTER = ("open", "excused", "penalised", "withdrawn", "appealed")


def filter_entries(stmt, *, status: str | None = None, department_id: int | None = None,
                   person_id: int | None = None):
    if status == "appealed":
        stmt = stmt.where(AccountabilityEntry.appeal_state == "pending")
    elif status:
        stmt = stmt.where(AccountabilityEntry.status == status)
    if department_id:
        stmt = stmt.where(AccountabilityEntry.department_id == department_id)
    if person_id:
        stmt = stmt.where(AccountabilityEntry.person_id == person_id)
    return stmt


def page_of_entries(stmt, page: int, per_page: int) -> tuple[list[AccountabilityEntry], int]:
    """One page of ``stmt`` (already narrowed to what the viewer may see) and its total:
    two statements whatever the page's size."""
    from sqlalchemy import func

    total = db.session.scalar(select(func.count()).select_from(
        stmt.order_by(None).subquery())) or 0
    items = list(db.session.scalars(
        stmt.options(*LIST_OPTIONS)
        .order_by(AccountabilityEntry.opened_at.desc(), AccountabilityEntry.id.desc())
        .limit(per_page).offset((max(page, 1) - 1) * per_page)))
    return items, total


def entry_with_history(entry_id: int, user: User) -> AccountabilityEntry:
    entry = access.get_entry_or_404(entry_id, user)
    db.session.scalars(select(AccountabilityEntry).where(AccountabilityEntry.id == entry.id)
                       .options(*LIST_OPTIONS, selectinload(AccountabilityEntry.events)
                                .joinedload(AccountabilityEvent.actor))).all()
    return entry


@dataclass
class BulletinGroup:
    department: Department | None
    entries: list


def bulletin(month: Month) -> list[BulletinGroup]:
    """The month's 通报: the entries penalised in it (by the date of the decision, company
    time), per department in name order; callers show them through ``entry_views``."""
    start, end = month.bounds_utc()
    entries = list(db.session.scalars(
        select(AccountabilityEntry).options(*LIST_OPTIONS)
        .where(AccountabilityEntry.status == "penalised",
               AccountabilityEntry.decided_at >= start, AccountabilityEntry.decided_at < end)
        .order_by(AccountabilityEntry.decided_at, AccountabilityEntry.id)))
    groups: dict[int | None, BulletinGroup] = {}
    for entry in entries:
        groups.setdefault(entry.department_id, BulletinGroup(entry.department, [])) \
            .entries.append(entry)
    return sorted(groups.values(), key=lambda g: (g.department is None,
                                                  g.department.name if g.department else ""))


def bulletin_workbook(month: Month, groups: list[BulletinGroup], views: dict) -> list:
    """The 通报's sheets: one row per penalised entry (typed: dates are dates), then the
    count per department.  ``views``: entry id → the viewer's ``ItemView``."""
    from hub.common.time import to_local

    rows = [[_("部门"), _("人员"), _("类别"), _("事项"), _("超期起始"), _("处罚决定"),
             _("决定日期"), _("决定人")]]
    counts = [[_("部门"), _("处罚人次")]]
    for group in groups:
        name = group.department.name if group.department else _("（无部门）")
        for entry in group.entries:
            view = views[entry.id]
            rows.append([name, entry.person.name, view.kind_label, view.source["label"],
                         to_local(entry.since), entry.decision,
                         to_local(entry.decided_at).date(),
                         entry.decided_by.name if entry.decided_by else ""])
        counts.append([name, len(group.entries)])
    return [(_("%(month)s 通报", month=str(month)), rows), (_("按部门"), counts)]

