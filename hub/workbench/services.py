"""One to-do list from every feature's ``todo_for`` (``hub.common.todo`` rows).

The stored tasks are one UNION ALL statement (the header counts the same union inside its
own statement); the talks a manager owes this month are computed by
``hub.meetings.obligations`` (a fixed number of statements, for people with reports only).
Nothing here decides what somebody may see: the features' access modules did.

Both statements are built once per process for every shape of person (``shaped``: roles,
whether they have a manager, ``VIEWER_FACTS``) and run with the person's id, department,
manager and the moment as bound parameters: building them took several times longer than
running them, on every page.  A new feature's ``todo_for`` is added to ``stored_todo``
with one line and must be written as ``hub.common.todo`` says (``Viewer``).
"""
from __future__ import annotations

import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import g, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, literal_column, select, union_all

from hub.accountability.access import todo_for as accountability_todo
from hub.announcements.access import todo_for as announcement_todo
from hub.common.months import Month
from hub.common.time import utcnow
from hub.common.todo import NOW, Viewer
from hub.common.workdays import end_of_day_utc, local_date
from hub.extensions import db
from hub.feedback.access import todo_for as feedback_todo
from hub.mailbox.access import todo_for as letter_todo
from hub.meetings.access import summaries_todo_for as summaries_todo
from hub.meetings.access import todo_for as meeting_todo
from hub.org.models import User
from hub.suggestions.access import handled_terms
from hub.suggestions.access import todo_for as report_todo
from hub.surveys.access import todo_for as survey_todo

#: Every kind of task, in the order the page lists its counts: label, and the page where
#: the task is done (endpoint, name of the id argument).
KINDS: dict[str, tuple] = {
    "letter_accept": (_l("来信待受理"), "mailbox.letter", "letter_id"),
    "letter_assign": (_l("来信待交办或答复"), "mailbox.letter", "letter_id"),
    "letter_handle": (_l("督办来信待办理"), "mailbox.letter", "letter_id"),
    "letter_answer": (_l("来信待答复"), "mailbox.letter", "letter_id"),
    "report_triage": (_l("事项待受理"), "suggestions.report", "report_id"),
    "report_handle": (_l("事项待处理"), "suggestions.report", "report_id"),
    "rectification": (_l("整改待完成"), "suggestions.rectification", "rectification_id"),
    "talk_owed": (_l("本期应谈"), "meetings.due", None),
    "meeting_answer": (_l("约谈待回复"), "meetings.meeting", "meeting_id"),
    "talk_acknowledge": (_l("沟通记录待确认"), "meetings.talk", "talk_id"),
    "announcement_confirm": (_l("公告待确认"), "announcements.view", "announcement_id"),
    "action_item": (_l("行动项待完成"), "meetings.talk", "talk_id"),
    "feedback_due": (_l("信息反馈待提交"), "feedback.report", "feedback_id"),
    "survey_answer": (_l("问卷待填写"), "surveys.survey", "survey_id"),
    "summary_submit": (_l("沟通月汇总待报送"), "meetings.department_summary", "summary_id"),
    "summary_review": (_l("沟通月汇总待审核"), "meetings.department_summary", "summary_id"),
    "summary_publish": (_l("沟通月汇总待公布"), "meetings.department_summary", "summary_id"),
    "accountability_decide": (_l("责任追究待处理"), "accountability.entry", "entry_id"),
    "accountability_appeal": (_l("责任追究记录（可申诉）"), "accountability.entry", "entry_id"),
}
#: ``g`` key of the request's ``owed_talks``.
OWED_G_KEY = "hub_owed_talks"


@dataclass(frozen=True)
class Todo:
    kind: str
    item_id: int | None
    number: str | None
    title: str | None
    due_at: datetime | None
    overdue: bool
    url: str

    @property
    def label(self) -> str:
        return str(KINDS[self.kind][0])


@dataclass(frozen=True)
class Workbench:
    items: list[Todo]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)

    def item_ids(self, kind: str) -> set[int]:
        return {item.item_id for item in self.items if item.kind == kind}

    def counts(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) of every kind with something waiting, in ``KINDS`` order."""
        counted = Counter(item.kind for item in self.items)
        return [(kind, str(spec[0]), counted[kind]) for kind, spec in KINDS.items()
                if counted[kind]]


#: What shapes a person's to-do statements beyond their roles and whether they have a
#: manager (``Viewer.facts``): name → function of the real person giving plain, hashable
#: data, which a feature's ``todo_for`` reads as ``user.facts[name]``.
VIEWER_FACTS: dict[str, Callable[[User], Any]] = {"reports": handled_terms}

log = logging.getLogger(__name__)


class _Statements:
    """Statements built once per process and shape of person, the most recently used kept
    (a statement is a few hundred KiB of objects; the shapes are few)."""

    def __init__(self, size: int = 64) -> None:
        self.size, self.built = size, 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, build: Callable[[], Any]):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        found = build()
        with self._lock:
            self._items[key] = found
            self.built += 1
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.built = 0


STATEMENTS = _Statements()
#: A shape whose statement cannot be shared (a ``todo_for`` read more than a ``Viewer`` has).
_UNSHARED = object()


def viewer_of(user: User) -> Viewer:
    """``user`` as the shared statements see them (``hub.common.todo``)."""
    return Viewer(user.roles, has_manager=user.manager_id is not None,
                  facts={name: fact(user) for name, fact in VIEWER_FACTS.items()})


def _literal_moments(stmt) -> list:
    """Dates and times written into ``stmt`` as values (a part that read the clock while
    it was built, which a shared statement must not)."""
    key = stmt._generate_cache_key()
    found = []
    for param in key.bindparams if key is not None else ():
        values = param.value if isinstance(param.value, (list, tuple)) else [param.value]
        found += [v for v in values if isinstance(v, (date, datetime))]
    return found


def _build_shared(name: str, viewer: Viewer, build: Callable[[Any, Any], Any]):
    try:
        stmt = build(viewer, NOW)
    except (AttributeError, TypeError) as error:
        log.warning("the %s statement is built per request: %s", name, error)
        return _UNSHARED
    if stmt is not None and _literal_moments(stmt):
        log.warning("the %s statement is built per request: a part of it read the clock "
                    "(%s) instead of using ``now``", name, _literal_moments(stmt))
        return _UNSHARED
    return stmt


def shaped(name: str, user: User, now: datetime,
           build: Callable[[Any, Any], Any]) -> tuple[Any, dict[str, Any]]:
    """``build(person, now)`` for ``user`` at ``now``, as (statement, parameters): built once
    for everybody of ``user``'s shape with their values as bound parameters, or, when a
    part reads more of the person than a ``Viewer`` holds, for ``user`` alone (logged)."""
    viewer = viewer_of(user)
    stmt = STATEMENTS.get((name, viewer.key), lambda: _build_shared(name, viewer, build))
    if stmt is _UNSHARED:
        return build(user, now), {}
    return stmt, Viewer.parameters(user, now, local_date(now))


def stored_todo(user: User, now: datetime | None = None, *,
                announcements: bool = True) -> Select | None:
    """Every stored task waiting for ``user`` (a ``Viewer``, or a real person), as one UNION
    ALL (None: nothing can wait)."""
    selects = [*letter_todo(user), *report_todo(user), *meeting_todo(user, now)]
    selects += feedback_todo(user, now)
    selects += survey_todo(user, now)
    selects += summaries_todo(user)
    selects += accountability_todo(user)
    if announcements:
        selects += announcement_todo(user, now)
    return union_all(*selects) if selects else None


def todo_count_query(user: User, now=None):
    """The number of stored tasks but the announcements to confirm, as a scalar subquery
    for the header's one statement (which counts those already, with the same rule).  Each
    part selects a constant instead of its row, so the database counts rows without
    building them (thousands for the GM office's or HR's inbox)."""
    stored = stored_todo(user, now, announcements=False)
    if stored is None:
        return select(0).scalar_subquery()
    ones = [part.with_only_columns(literal_column("1").label("one"),
                                   maintain_column_froms=True) for part in stored.selects]
    return select(func.count()).select_from(union_all(*ones).subquery()).scalar_subquery()


def _url(kind: str, item_id: int | None, **extra) -> str:
    _label, endpoint, arg = KINDS[kind]
    return url_for(endpoint, **({arg: item_id} if arg else {}), **extra)


def owed_talks(user: User, now: datetime | None = None) -> list[Todo]:
    """The routine and occasion talks ``user`` owes whose window is open (or passed): once
    per request (the workbench and the header's total ask the same list)."""
    if not has_request_context():
        return _owed_talks(user, now or utcnow())
    cached = g.get(OWED_G_KEY)
    if cached is None or cached[0] != (user.id, now):
        cached = ((user.id, now), _owed_talks(user, now or utcnow()))
        setattr(g, OWED_G_KEY, cached)
    return cached[1]


def _owed_talks(user: User, now: datetime) -> list[Todo]:
    from hub.meetings.access import has_reports
    from hub.meetings.obligations import manager_items

    if not has_reports(user):
        return []
    today = local_date(now)
    found = []
    for item in manager_items(user, Month.of(now), today=today):
        if item.status not in ("due", "overdue") or item.window_start > today:
            continue
        found.append(Todo(
            kind="talk_owed", item_id=None, number=None,
            title=f"{item.junior.name} · {item.kind_label}",
            due_at=end_of_day_utc(item.window_end), overdue=item.status == "overdue",
            url=_url("talk_owed", None)))
    return found


def _sort_key(item: Todo):
    order = list(KINDS)
    return (not item.overdue, item.due_at is None, item.due_at or datetime.max,
            order.index(item.kind), item.item_id or 0)


def workbench_of(user: User, now: datetime | None = None) -> Workbench:
    """What is waiting for ``user``: overdue first, then by deadline, then the rest."""
    given_now, now = now, now or utcnow()
    items: list[Todo] = []
    stored, params = shaped("workbench", user, now, stored_todo)
    if stored is not None:
        for row in db.session.execute(stored, params):
            due_at = row.due_at
            if due_at is None and row.due_on is not None:
                due_on = row.due_on if isinstance(row.due_on, date) \
                    else date.fromisoformat(str(row.due_on))
                due_at = end_of_day_utc(due_on)
            items.append(Todo(kind=row.kind, item_id=row.item_id, number=row.number,
                              title=row.title, due_at=due_at,
                              overdue=due_at is not None and due_at < now,
                              url=_url(row.kind, row.item_id)))
    items += owed_talks(user, given_now)
    items.sort(key=_sort_key)
    return Workbench(items)
