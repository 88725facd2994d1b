"""Who may see and do what in the accountability register — the one place that decides it.

* **HR** (role ``hr``) and **the GM office** see every entry; HR decides (excuse with a
  reason, penalise with the decision text, withdraw) and answers appeals — never on an
  entry against themselves.
* **A department head** sees the entries of the departments they head and those below
  (by the department the person was in when the entry was opened).
* **The person** sees their own entries and may appeal once, while the entry is open or
  penalised.
* Nobody else: an entry somebody may not see is a 404 and in none of their lists.

The item an entry concerns is shown by its number only to whom may see that item
(``hub.accountability.sources.NUMBER_CHECKS``): a whistle-blowing report's number never
reaches anybody in its conflict set.  ``entry_view(s)`` is what pages, the API, the 通报
and its export read.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from flask import abort, g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import Select, false, func, or_, select

from hub.accountability.labels import (
    APPEAL_LABELS,
    KIND_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
)
from hub.accountability.models import AccountabilityEntry
from hub.accountability.sources import NUMBER_CHECKS, load
from hub.common.access import ItemView
from hub.extensions import db
from hub.meetings.kinds import KIND_LABELS as TALK_KIND_LABELS
from hub.org.models import Department, User
from hub.org.permissions import is_gm_office, is_hr

#: HR's decisions and the person's appeal, in the order the page offers them.
ACTIONS = ("excuse", "penalise", "withdraw", "uphold", "appeal")

ENTRY_FIELDS = frozenset({
    "id", "person", "department", "kind", "kind_label", "source", "since", "opened_at",
    "status", "status_label", "decision", "decided_at", "decided_by", "appeal",
    "allowed_actions"})
_G_KEY = "hub_headed_departments"
#: The page of one entry adds its history.
DETAIL_FIELDS = ENTRY_FIELDS | {"history"}


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.active)


def sees_all(user: User) -> bool:
    return _active(user) and (is_hr(user) or is_gm_office(user))


def headed_departments(user: User) -> set[int]:
    """Ids of the departments ``user`` heads and every department below them (one query,
    once per request)."""
    if has_request_context():
        cached = g.setdefault(_G_KEY, {})
        if user.id not in cached:
            cached[user.id] = _headed_departments(user)
        return cached[user.id]
    return _headed_departments(user)


def _headed_departments(user: User) -> set[int]:
    rows = db.session.execute(select(Department.id, Department.parent_id, Department.head_id))
    children: dict[int | None, list[int]] = defaultdict(list)
    found: list[int] = []
    for dept_id, parent_id, head_id in rows:
        children[parent_id].append(dept_id)
        if head_id == user.id:
            found.append(dept_id)
    seen: set[int] = set()
    while found:
        dept_id = found.pop()
        if dept_id not in seen:
            seen.add(dept_id)
            found += children.get(dept_id, [])
    return seen


def visible_clause(user: User):
    """SQL: ``user`` may see the entry (``can_view``)."""
    if not _active(user):
        return false()
    if sees_all(user):
        return AccountabilityEntry.id.is_not(None)
    subtree = headed_departments(user)
    if not subtree:
        return AccountabilityEntry.person_id == user.id
    return or_(AccountabilityEntry.person_id == user.id,
               AccountabilityEntry.department_id.in_(subtree))


def visible_entries(user: User) -> Select:
    return select(AccountabilityEntry).where(visible_clause(user))


def can_view(user: User, entry: AccountabilityEntry) -> bool:
    if not _active(user):
        return False
    if sees_all(user) or entry.person_id == user.id:
        return True
    return entry.department_id is not None and entry.department_id in headed_departments(user)


def may_see_register(user: User) -> bool:
    """Whether the navigation offers the register's list: HR, the GM office and the heads
    of departments (the person reaches their own entries from the workbench and the
    notice)."""
    if sees_all(user):
        return True
    if not _active(user):
        return False
    from hub.main.header import header_of, is_signed_in_person  # the app layer

    if is_signed_in_person(user):
        return header_of(user).heads_a_department
    return db.session.scalar(
        select(func.count(Department.id)).where(Department.head_id == user.id)) > 0


def can_view_bulletin(user: User) -> bool:
    """The monthly 通报 (penalised entries per department) and its export: the GM office,
    who announces it, and HR, who decided it."""
    return sees_all(user)


def get_entry_or_404(entry_id: int, user: User) -> AccountabilityEntry:
    entry = db.session.get(AccountabilityEntry, entry_id)
    if entry is None or not can_view(user, entry):
        abort(404)
    return entry


def may_ever(user: User, entry: AccountabilityEntry, action: str) -> bool:
    """Whether ``action`` is ``user``'s to take on ``entry`` at all, whatever its state."""
    if action == "appeal":
        return entry.person_id == user.id
    return _active(user) and is_hr(user) and entry.person_id != user.id


def can_act(user: User, entry: AccountabilityEntry, action: str) -> bool:
    if not can_view(user, entry) or not may_ever(user, entry, action):
        return False
    pending = entry.appeal_state == "pending"
    if action in ("excuse", "penalise"):
        return entry.status == "open" and not pending
    if action == "withdraw":
        return entry.status != "withdrawn"
    if action == "uphold":
        return pending
    if action == "appeal":
        return entry.appeal_state is None and entry.status in ("open", "penalised")
    return False


def allowed_actions(user: User, entry: AccountabilityEntry) -> list[str]:
    return [action for action in ACTIONS if can_act(user, entry, action)]


# --- what one person sees of entries -------------------------------------------------------

def numbers_seen(user: User, entries: Iterable[AccountabilityEntry]) -> set[int]:
    """Ids of the entries whose item's number ``user`` may see: one statement per kind of
    item among ``entries``."""
    by_kind: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    shown = set()
    for entry in entries:
        if entry.number is None:
            continue
        if entry.source_kind not in NUMBER_CHECKS:
            shown.add(entry.id)
        elif entry.source_id is not None:
            by_kind[entry.source_kind][entry.source_id].append(entry.id)
    for kind, ids in by_kind.items():
        for source_id in db.session.scalars(load(NUMBER_CHECKS[kind])(user, list(ids))):
            shown.update(ids[source_id])
    return shown


def _period_label(key: str | None) -> str:
    """A feedback report's period in words (2026-W49 → 2026年第49周（11-30–12-06）)."""
    from hub.feedback.periods import Period

    try:
        return Period.parse(key).label
    except ValueError:
        return key or ""


def describe(entry: AccountabilityEntry, number_shown: bool) -> str:
    """The item the entry concerns, in words this viewer may read."""
    detail = entry.detail or {}
    if entry.source_kind == "talk_obligation" and detail:
        return _("与%(junior)s的%(kind)s（%(start)s 至 %(end)s）", junior=detail.get("junior", ""),
                 kind=TALK_KIND_LABELS.get(detail.get("talk_kind"), detail.get("talk_kind")),
                 start=detail.get("window_start", ""), end=detail.get("window_end", ""))
    if entry.source_kind == "feedback" and detail.get("name"):
        return _("%(name)s · %(period)s（应于 %(due)s 前报送）", name=detail["name"],
                 period=_period_label(detail.get("period")), due=detail.get("due_on", ""))
    label = str(SOURCE_LABELS.get(entry.source_kind, entry.source_kind))
    if number_shown:
        return f"{label} {entry.number}"
    return _("%(label)s（编号不向您显示）", label=label) if entry.number else label


def _source(entry: AccountabilityEntry, number_shown: bool) -> dict:
    return {"kind": entry.source_kind, "id": entry.source_id,
            "number": entry.number if number_shown else None,
            "label": describe(entry, number_shown)}


def _appeal(entry: AccountabilityEntry) -> dict | None:
    if entry.appeal_state is None:
        return None
    return {"text": entry.appeal_text, "at": entry.appealed_at, "state": entry.appeal_state,
            "state_label": str(APPEAL_LABELS[entry.appeal_state]),
            "answer": entry.appeal_answer, "answered_at": entry.appeal_answered_at}


def entry_views(user: User, entries: list[AccountabilityEntry], *,
                detail: bool = False) -> list[ItemView]:
    """The entries as ``user`` sees them (each of which ``user`` may see)."""
    shown = numbers_seen(user, entries)
    views = []
    for entry in entries:
        fields = set(DETAIL_FIELDS if detail else ENTRY_FIELDS)
        if entry.decision is None:
            fields -= {"decision", "decided_at", "decided_by"}
        if entry.appeal_state is None:
            fields.discard("appeal")
        actions = allowed_actions(user, entry)
        views.append(ItemView(
            entry, fields, actions=actions, kind_label=str(KIND_LABELS.get(entry.kind,
                                                                           entry.kind)),
            status_label=str(STATUS_LABELS[entry.status]),
            source=_source(entry, entry.id in shown), appeal=_appeal(entry),
            allowed_actions=actions, history=list(entry.events) if detail else None))
    return views


def entry_view(user: User, entry: AccountabilityEntry) -> ItemView:
    return entry_views(user, [entry], detail=True)[0]


# --- what is waiting for one person (the workbench) ----------------------------------------

def todo_for(user: User) -> list[Select]:
    """HR decides the open entries and answers appeals (never on their own); the person
    may appeal an open or penalised entry once."""
    from hub.common.todo import todo_select

    if not _active(user):
        return []
    entry = AccountabilityEntry
    found = [todo_select("accountability_appeal", entry.id)
             .where(entry.person_id == user.id, entry.appeal_state.is_(None),
                    entry.status.in_(("open", "penalised")))]
    if is_hr(user):
        found.append(
            todo_select("accountability_decide", entry.id, title=User.name)
            .join(User, User.id == entry.person_id)
            .where(entry.person_id != user.id,
                   or_(entry.appeal_state == "pending",
                       (entry.status == "open") & entry.appeal_state.is_(None))))
    return found
