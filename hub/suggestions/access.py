"""Who may see and do what in the suggestion / complaint / report inbox — the one place
that decides it.  Pages, the API, lists, counts, notifications, e-mails, statistics,
exports and the search all ask this module; none decides with its own ``if``.

Who may see a report (``can_view_report``):

* the **handling team**: the active members of the unit the kind is routed to, minus every
  person the report names, everybody above them in the reporting line, (for a named
  whistle-blowing report) everybody above the filer, and anybody the head of the unit
  excluded.  When nobody is left, the report goes to the fallback unit (default the GM
  office) under the same rules;
* the filer of a named report (never the handlers' internal notes);
* for a named suggestion, the head of the filer's department (to comment, 分析应用),
  unless the suggestion's conflicts exclude them.

Everybody else gets a 404, and the report is in none of their lists or counts.  The rule is
decided two ways that must agree: in Python for reports already loaded (``visible_reports``,
in bulk) and in SQL for lists (``visible_clause``: a WHERE clause built from the same facts),
so a list loads only its page whatever the size of the database.

What a viewer sees *of* a report is ``report_view`` (an ``ItemView``): the fields and the
actions; the report page and the API schema both render from it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, event, exists, false, func, inspect, or_, select, true
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from hub.common.access import ItemView
from hub.common.models import get_setting
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.org.models import Department, HandlingUnit, UnitMembership, User
from hub.org.permissions import is_gm_office, is_hr
from hub.org.services import department_head
from hub.suggestions.models import (
    Rectification,
    Report,
    ReportAudit,
    ReportEvent,
    ReportExclusion,
    ReportNamedPerson,
)

FALLBACK_UNIT_SETTING = "reports.fallback_unit"
DEFAULT_FALLBACK_UNIT = "gm_office"

OPEN = frozenset({"submitted", "accepted", "assigned", "adopted", "declined", "resolved"})
#: action → (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({"submitted"}), "accepted"),
    "assign": (frozenset({"accepted", "assigned"}), "assigned"),
    "set_urgency": (OPEN, None),
    "request_rectification": (frozenset({"accepted", "assigned"}), None),
    "adopt": (frozenset({"accepted", "assigned"}), "adopted"),
    "decline": (frozenset({"accepted", "assigned"}), "declined"),
    "resolve": (frozenset({"accepted", "assigned"}), "resolved"),
    "answer": (frozenset({"accepted", "assigned", "adopted", "declined", "resolved"}),
               "answered"),
    "close": (OPEN | {"answered"}, "closed"),
}
SUGGESTION_ONLY = frozenset({"adopt", "decline"})


def fallback_unit_code() -> str:
    return get_setting(FALLBACK_UNIT_SETTING, DEFAULT_FALLBACK_UNIT) or DEFAULT_FALLBACK_UNIT


# --- who may see what --------------------------------------------------------------------
#
# One rule, decided in bulk.  What does not depend on the report — the active members and
# heads of each unit, the fallback unit, who reports to whom, who heads which department —
# is loaded for a whole batch of reports at once (one query per kind of fact, however many
# reports) and kept in the session (``_facts``) until the session next writes, commits or
# rolls back; deciding a report is then set arithmetic.  ``can_view_report`` and every
# other question about one report are the bulk decision of that report, so a list and a
# page can never disagree; a report asked about again in the same transaction (the queue
# asks ``is_handler`` of each row it listed) costs nothing more.

_FACTS = "hub.suggestions.report_access"
_CHUNK = 500  # ids per IN (…) list


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = sorted(set(ids))
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


@dataclass(frozen=True)
class _Decision:
    """The rule's answer for one report: the unit that handles it, the people of that unit
    who may (active, not conflicted), the conflicted, and the reviewing department head."""

    unit: HandlingUnit | None
    team: tuple[User, ...]
    team_ids: frozenset[int]
    blocked: frozenset[int]
    reviewer_id: int | None


class _Facts:
    """Facts the rule needs, loaded in batches and kept for one session state."""

    def __init__(self) -> None:
        self.units: dict[int, HandlingUnit] = {}
        self.units_loaded = False
        self.members: dict[int, tuple[User, ...]] = {}  # unit id → active members by id
        self.heads: dict[int, frozenset[int]] = {}      # unit id → active heads
        self.managers: dict[int, int | None] = {}       # user id → manager id
        self.department_heads: dict[int, int | None] = {}  # department id → active head
        self.active: dict[int, bool] = {}               # filers: still with the company?
        self.people: list[User] = []  # filers loaded here stay in the identity map
        self._fallback: list[HandlingUnit | None] = []
        self.decisions: dict[int, _Decision] = {}
        self.reports_to: dict[int, list[int]] = {}  # manager id → direct reports (all)
        self.everybody_loaded = False

    # facts ------------------------------------------------------------------------------

    def load_units(self) -> None:
        """Every handling unit (a handful) with its active members and heads: one query."""
        if self.units_loaded:
            return
        members: dict[int, list[User]] = {}
        heads: dict[int, set[int]] = {}
        rows = db.session.execute(
            select(HandlingUnit, UnitMembership.is_head, User)
            .outerjoin(UnitMembership, UnitMembership.unit_id == HandlingUnit.id)
            .outerjoin(User, (User.id == UnitMembership.user_id) & User.active.is_(True))
            .order_by(HandlingUnit.id, User.id).options(lazyload("*")))
        for unit, is_head, user in rows:
            self.units[unit.id] = unit
            members.setdefault(unit.id, [])
            heads.setdefault(unit.id, set())
            if user is not None:
                members[unit.id].append(user)
                if is_head:
                    heads[unit.id].add(user.id)
        self.members = {unit_id: tuple(people) for unit_id, people in members.items()}
        self.heads = {unit_id: frozenset(ids) for unit_id, ids in heads.items()}
        self.units_loaded = True

    def unit(self, unit_id: int | None) -> HandlingUnit | None:
        self.load_units()
        return self.units.get(unit_id)

    def unit_members(self, unit_id: int | None) -> tuple[User, ...]:
        self.load_units()
        return self.members.get(unit_id, ())

    def unit_heads(self, unit_id: int | None) -> frozenset[int]:
        self.load_units()
        return self.heads.get(unit_id, frozenset())

    def fallback_unit(self) -> HandlingUnit | None:
        """``fallback_unit()``, from the units already loaded."""
        if not self._fallback:
            self.load_units()
            code = fallback_unit_code()
            self._fallback.append(next((u for u in self.units.values() if u.code == code),
                                       None))
        return self._fallback[0]

    def load_managers(self, user_ids: Iterable[int]) -> None:
        """Everybody above these people, a level per query (not a query per person)."""
        todo = {i for i in user_ids if i is not None and i not in self.managers}
        while todo:
            found: dict[int, int | None] = dict.fromkeys(todo)
            for chunk in _chunks(todo):
                found.update(db.session.execute(
                    select(User.id, User.manager_id).where(User.id.in_(chunk))).all())
            self.managers.update(found)
            todo = {m for m in found.values() if m is not None and m not in self.managers}

    def line(self, user_id: int) -> set[int]:
        """Ids of everybody above the person (``management_line``), loop-safe."""
        self.load_managers([user_id])
        above: set[int] = set()
        current = self.managers.get(user_id)
        while current is not None and current != user_id and current not in above:
            above.add(current)
            self.load_managers([current])
            current = self.managers.get(current)
        return above

    def load_everybody(self) -> None:
        """Every person's manager, in one query (for who is below whom, ``_below``)."""
        if self.everybody_loaded:
            return
        for user_id, manager_id in db.session.execute(select(User.id, User.manager_id)):
            self.managers[user_id] = manager_id
            if manager_id is not None:
                self.reports_to.setdefault(manager_id, []).append(user_id)
        self.everybody_loaded = True

    def load_department_heads(self, department_ids: Iterable[int | None]) -> None:
        todo = {i for i in department_ids if i is not None and i not in self.department_heads}
        if not todo:
            return
        self.department_heads.update(dict.fromkeys(todo))
        for chunk in _chunks(todo):
            self.department_heads.update(db.session.execute(
                select(Department.id, User.id).join(User, Department.head_id == User.id)
                .where(Department.id.in_(chunk), User.active.is_(True))).all())

    def load_people(self, user_ids: Iterable[int | None]) -> None:
        """The filers (whether they are still with the company), in the identity map."""
        todo = set()
        for user_id in {i for i in user_ids if i is not None and i not in self.active}:
            held = db.session().identity_map.get(identity_key(User, user_id))
            if held is not None and "active" in inspect(held).dict:
                self.people.append(held)
                self.active[user_id] = bool(held.active)
            else:
                todo.add(user_id)
        for chunk in _chunks(todo):
            self.active.update((user_id, bool(active)) for user_id, active in db.session.execute(
                select(User.id, User.active).where(User.id.in_(chunk))))
        for user_id in todo:
            self.active.setdefault(user_id, False)

    # decisions --------------------------------------------------------------------------

    def decide(self, reports: list[Report]) -> list[_Decision]:
        """The decision for each report, in order; the facts of every report not decided
        yet (these, and others the session holds fully loaded) are loaded together."""
        todo = [r for r in reports if r.id is None or r.id not in self.decisions]
        if not todo:
            return [self.decisions[r.id] for r in reports]
        batch = {id(r): r for r in todo}
        for report in self._companions():
            batch.setdefault(id(report), report)
        batch_reports = list(batch.values())
        self._load(batch_reports)
        fresh: dict[int, _Decision] = {}
        for report in batch_reports:
            fresh[id(report)] = decision = self._decide(report)
            if report.id is not None:
                self.decisions[report.id] = decision
        return [fresh[id(r)] if id(r) in fresh else self.decisions[r.id] for r in reports]

    def _companions(self) -> list[Report]:
        """Reports the session holds with everything the rule reads already loaded (a list
        or a search loaded them together): decided with the first of them, for free."""
        wanted = ("kind", "unit_id", "author_id", "author_department_id", "named",
                  "exclusions")
        found = []
        for state in db.session().identity_map.all_states():
            if state.class_ is not Report or state.key is None:
                continue
            if state.key[1][0] in self.decisions or not all(k in state.dict for k in wanted):
                continue
            report = state.obj()
            if report is not None:
                found.append(report)
        return found

    def _load(self, reports: list[Report]) -> None:
        # the named people and exclusions of every report that has not loaded them
        for name, model in (("named", ReportNamedPerson), ("exclusions", ReportExclusion)):
            missing = {r.id: r for r in reports
                       if name not in inspect(r).dict and inspect(r).persistent}
            if not missing:
                continue
            rows: dict[int, list] = {report_id: [] for report_id in missing}
            for chunk in _chunks(missing):
                for row in db.session.scalars(select(model).where(model.report_id.in_(chunk))):
                    rows[row.report_id].append(row)
            for report_id, report in missing.items():
                set_committed_value(report, name, rows[report_id])
        self.load_everybody()  # who is above whom: one query, however deep the lines
        self.load_units()
        self.load_department_heads({r.author_department_id for r in reports
                                    if r.kind == "suggestion"})

    def _decide(self, report: Report) -> _Decision:
        blocked: set[int] = set()
        for named in report.named:
            blocked.add(named.user_id)
            blocked |= self.line(named.user_id)
        if report.kind == "whistleblowing" and report.author_id is not None:
            blocked |= self.line(report.author_id)
        blocked.update(e.user_id for e in report.exclusions)
        unit = self.unit(report.unit_id)
        team = tuple(m for m in self.unit_members(report.unit_id) if m.id not in blocked)
        if not team:
            fallback = self.fallback_unit()
            if fallback is not None:
                fallback_team = tuple(m for m in self.unit_members(fallback.id)
                                      if m.id not in blocked)
                if fallback_team:
                    unit, team = fallback, fallback_team
        reviewer_id = None
        if report.kind == "suggestion" and report.author_department_id is not None:
            self.load_department_heads([report.author_department_id])
            head_id = self.department_heads[report.author_department_id]
            if head_id is not None and head_id not in blocked:
                reviewer_id = head_id
        return _Decision(unit=unit, team=team, team_ids=frozenset(m.id for m in team),
                         blocked=frozenset(blocked), reviewer_id=reviewer_id)


def _facts() -> _Facts:
    """The facts of this session's present state.  Unflushed changes are flushed first
    (as the first query would have done), so the facts are what the database says."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        if not session.autoflush:
            return _Facts()
        session.flush()
    facts = session.info.get(_FACTS)
    if facts is None:
        facts = session.info[_FACTS] = _Facts()
    return facts


def _forget(session: Session, *_args) -> None:
    session.info.pop(_FACTS, None)


def _forget_after_write(state) -> None:
    if not state.is_select:
        _forget(state.session)


for _event_name in ("after_flush", "after_transaction_end", "after_soft_rollback"):
    event.listen(Session, _event_name, _forget)
event.listen(Session, "do_orm_execute", _forget_after_write)


def _decision(report: Report) -> _Decision:
    return _facts().decide([report])[0]


def unit_members(unit: HandlingUnit | None) -> list[User]:
    return list(_facts().unit_members(unit.id if unit is not None else None))


def unit_heads(unit: HandlingUnit | None) -> list[User]:
    facts = _facts()
    unit_id = unit.id if unit is not None else None
    heads = facts.unit_heads(unit_id)
    return [m for m in facts.unit_members(unit_id) if m.id in heads]


def conflicted_ids(report: Report) -> set[int]:
    """People who must never see ``report``: those it names and everybody above them, for a
    named whistle-blowing report everybody above the filer, and the excluded handlers."""
    return set(_decision(report).blocked)


def effective_unit(report: Report) -> HandlingUnit | None:
    """The routed unit while somebody in it may handle the report, else the fallback
    unit (when somebody there may)."""
    return _decision(report).unit


def handling_team(report: Report) -> list[User]:
    """The active members of the effective unit who are not conflicted."""
    return list(_decision(report).team)


def is_handler(user: User, report: Report) -> bool:
    return user.is_authenticated and user.id in _decision(report).team_ids


def is_team_head(user: User, report: Report) -> bool:
    """Heads the unit that handles ``report`` (and is not conflicted)."""
    if not is_handler(user, report):
        return False
    unit = _decision(report).unit
    return user.id in _facts().unit_heads(unit.id if unit is not None else None)


def is_filer(user: User, report: Report) -> bool:
    return report.author_id is not None and report.author_id == user.id


def is_reviewer(user: User, report: Report) -> bool:
    """The head of the filer's department, for a named suggestion (分析应用)."""
    return _decision(report).reviewer_id == user.id


def _sees(user: User, report: Report, decision: _Decision) -> bool:
    return (is_filer(user, report) or user.id in decision.team_ids
            or decision.reviewer_id == user.id)


def visible_reports(user: User, reports: Iterable[Report]) -> list[Report]:
    """THE rule, for many reports at once: those of ``reports`` that ``user`` may see, in
    their order.  Everything else asks it (``can_view_report`` for one report)."""
    reports = list(reports)
    if not user.is_authenticated or not user.active or not reports:
        return []
    decisions = _facts().decide(reports)
    return [r for r, d in zip(reports, decisions) if _sees(user, r, d)]


def can_view_report(user: User, report: Report) -> bool:
    return bool(visible_reports(user, [report]))


def report_viewer_ids(reports: Iterable[Report]) -> dict[int, set[int]]:
    """For each report, the ids of everybody ``can_view_report`` lets in: the handling
    team, the named filer while with the company, the reviewing department head.  (The
    search indexes these.)"""
    reports = list(reports)
    facts = _facts()
    decisions = facts.decide(reports)
    facts.load_people(r.author_id for r in reports)
    viewers = {}
    for report, decision in zip(reports, decisions):
        ids = set(decision.team_ids)
        if report.author_id is not None and facts.active[report.author_id]:
            ids.add(report.author_id)
        if decision.reviewer_id is not None:
            ids.add(decision.reviewer_id)
        viewers[report.id] = ids
    return viewers


def unit_member_clause(user: User):
    """SQL: ``user`` is a member of a handling unit (``handles_reports`` for an active
    person; the header asks it with its counts)."""
    return exists().where(UnitMembership.user_id == user.id)


def handles_reports(user: User) -> bool:
    """Members of a handling unit have a triage queue (empty while nothing is theirs, e.g.
    the fallback unit); everybody else has none."""
    if not user.is_authenticated or not user.active:
        return False
    facts = _facts()
    if not facts.units_loaded:
        from hub.main.header import header_of, is_signed_in_person  # the app layer

        if is_signed_in_person(user):
            return header_of(user).handles_reports
    facts.load_units()
    return any(person.id == user.id for people in facts.members.values() for person in people)


def units_headed_by(user: User) -> list[HandlingUnit]:
    """The handling units ``user`` heads (whose audit log they read)."""
    if not user.is_authenticated or not user.active:
        return []
    facts = _facts()
    facts.load_units()
    return [facts.units[unit_id] for unit_id, heads in facts.heads.items() if user.id in heads]


def heads_a_unit(user: User) -> bool:
    """Heads a handling unit (and is with the company)."""
    if not user.is_authenticated or not user.active:
        return False
    facts = _facts()
    facts.load_units()
    return any(user.id in heads for heads in facts.heads.values())


def can_act(user: User, report: Report, action: str) -> bool:
    if action in TRANSITIONS:
        if report.status not in TRANSITIONS[action][0]:
            return False
        if action in SUGGESTION_ONLY and report.kind != "suggestion":
            return False
        return is_handler(user, report)
    if action in ("note", "reply", "reveal"):
        return is_handler(user, report) and (action != "reply" or report.status != "closed")
    if action == "exclude":
        return is_team_head(user, report)
    if action == "comment":
        return (is_reviewer(user, report) or is_handler(user, report)) \
            and report.kind == "suggestion" and report.status != "closed"
    if action == "message":
        return is_filer(user, report) and report.status != "closed"
    return False


def allowed_actions(user: User, report: Report) -> list[str]:
    order = ("accept", "assign", "set_urgency", "request_rectification", "adopt", "decline",
             "resolve", "answer", "close", "reply", "note", "comment", "exclude", "message")
    return [a for a in order if can_act(user, report, a)]


#: The step a report in each status waits for, in order of preference: 受理 when new, then
#: 分派, the decision or the outcome, 答复, and 关闭 once answered.
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    "submitted": ("accept",),
    "accepted": ("assign", "adopt", "resolve", "answer"),
    "assigned": ("adopt", "resolve", "answer"),
    "adopted": ("answer",),
    "declined": ("answer",),
    "resolved": ("answer",),
    "answered": ("close",),
}


def next_step(report: Report, actions: Iterable[str]) -> str | None:
    """The one action the report page offers first (open, as the primary button): the
    first step of ``NEXT_STEPS`` for the report's status among ``actions`` (those the person
    may take, ``allowed_actions``); otherwise answering the other side (the filer's
    补充说明, the handler's reply) or the reviewer's comment."""
    allowed = set(actions)
    for action in (*NEXT_STEPS.get(report.status, ()), "reply", "message", "comment"):
        if action in allowed:
            return action
    return None


# --- the rule in SQL ------------------------------------------------------------------------
#
# The same rule as ``visible_reports``, as a WHERE clause over ``reports``, so that a list
# asks the database for one page of what the person may see (and for its count) instead of
# deciding every report in Python.  It is built from the same facts (``_Facts``: the units'
# active members and heads, the fallback unit, who is below whom) and must agree with the
# bulk rule for every person and report (tests/suggestions/test_query_counts.py).
#
# Person X is *free* of report R when R does not name X or anybody below X, does not exclude
# X, and is not a named whistle-blowing report of somebody below X.  Then:
#
# * R's filer sees it;
# * a free active member of R's unit handles it;
# * a free active member of the fallback unit handles it when no member of R's unit is free;
# * the head of the filer's department reviews a named suggestion when free.


def _below(facts: _Facts, user_id: int) -> set[int]:
    """Ids of everybody below the person in the reporting lines (``user_id`` in their
    ``line``), loop-safe, from every person's manager (one query, kept with the facts)."""
    facts.load_everybody()
    found: set[int] = set()
    todo = [user_id]
    while todo:
        for child in facts.reports_to.get(todo.pop(), ()):
            if child != user_id and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _free_clause(facts: _Facts, user_id: int):
    """SQL: ``user_id`` is not in the report's conflict set (``conflicted_ids``)."""
    return _free_sql(user_id, frozenset(_below(facts, user_id)))


def _free_sql(user_id, below: frozenset[int]):
    """``_free_clause`` of ``user_id`` (a number, or the bound ``hub.common.todo.ME``) with
    the people ``below`` them."""
    named_ids = ReportNamedPerson.user_id.in_(below | {user_id}) \
        if isinstance(user_id, int) else or_(ReportNamedPerson.user_id == user_id,
                                             ReportNamedPerson.user_id.in_(sorted(below)))
    named = select(ReportNamedPerson.report_id).where(named_ids)
    excluded = select(ReportExclusion.report_id).where(ReportExclusion.user_id == user_id)
    clauses = [Report.id.not_in(named), Report.id.not_in(excluded)]
    if below:
        clauses.append(or_(Report.kind != "whistleblowing", Report.author_id.is_(None),
                           Report.author_id.not_in(below)))
    return and_(*clauses)


def handled_terms(user: User) -> tuple:
    """What ``handled_clause`` reads of ``user`` besides their id, as plain data (empty:
    they handle nothing): their units, who is below them and, for a member of the fallback
    unit, every unit's members with who is below each.  The header's and the workbench's
    statements are shared by everybody with the same terms (``hub.common.todo.Viewer``)."""
    if not user.is_authenticated or not user.active:
        return ()
    facts = _facts()
    facts.load_units()
    mine = tuple(unit_id for unit_id, people in facts.members.items()
                 if any(p.id == user.id for p in people))
    if not mine:
        return ()
    fallback = facts.fallback_unit()
    staffed = None
    if fallback is not None and fallback.id in mine:
        staffed = tuple((unit_id, tuple((person.id, frozenset(_below(facts, person.id)))
                                        for person in people))
                        for unit_id, people in facts.members.items() if people)
    return mine, frozenset(_below(facts, user.id)), staffed


def handled_clause(user: User):
    """SQL: ``user`` is in the report's handling team (``is_handler``)."""
    from hub.common.todo import Viewer

    terms = user.facts["reports"] if isinstance(user, Viewer) else handled_terms(user)
    if not terms:
        return false()
    mine, below, staffed = terms
    free = _free_sql(user.id, below)
    clauses = [Report.unit_id.in_(mine) & free]
    if staffed is not None:
        staffed_clauses = [Report.unit_id.is_not(None) & (Report.unit_id == unit_id)
                           & or_(*[_free_sql(person_id, person_below)
                                   for person_id, person_below in people])
                           for unit_id, people in staffed]
        clauses.append(free & ~or_(false(), *staffed_clauses))
    return or_(*clauses)


def reviewed_clause(user: User):
    """SQL: ``user`` reviews the report as the head of its filer's department
    (``is_reviewer``)."""
    if not user.is_authenticated or not user.active:
        return false()
    headed = select(Department.id).where(Department.head_id == user.id)
    return ((Report.kind == "suggestion") & Report.author_department_id.in_(headed)
            & _free_clause(_facts(), user.id))


def visible_clause(user: User):
    """SQL: ``user`` may see the report (``can_view_report``)."""
    if not user.is_authenticated or not user.active:
        return false()
    return or_(Report.author_id == user.id, handled_clause(user), reviewed_clause(user))


NEWEST_FIRST = (Report.filed_on.desc(), Report.id.desc())
#: What a list loads with its page of reports: what the rule reads (so the page is decided
#: together) and what the rows show.
LIST_OPTIONS = (selectinload(Report.named), selectinload(Report.exclusions),
                joinedload(Report.handler).lazyload("*"))


def visible_stmt(user: User, stmt: Select | None = None, *, clause=None) -> Select:
    """``stmt`` (default every report) narrowed to what ``user`` may see (or to ``clause``,
    one part of the rule: ``handled_clause``, ``reviewed_clause``)."""
    stmt = select(Report) if stmt is None else stmt
    return stmt.where(visible_clause(user) if clause is None else clause)


def visible_report_ids(user: User, stmt: Select | None = None) -> list[int]:
    """Ids of the reports ``user`` may see, newest first (of ``stmt``, when given).  For a
    page of them, ``page_of_reports``."""
    base = visible_stmt(user, stmt).with_only_columns(Report.id).order_by(*NEWEST_FIRST)
    return list(db.session.scalars(base))


def count_reports(stmt: Select) -> int:
    return db.session.scalar(stmt.with_only_columns(func.count(Report.id)).order_by(None))


def page_of_reports(stmt: Select, number: int, per_page: int, *, order=NEWEST_FIRST,
                    options=(), total: int | None = None) -> tuple[list[Report], int]:
    """One page of ``stmt`` (already narrowed by ``visible_stmt``) and its total (unless
    given): two statements whatever the size of the database."""
    total = count_reports(stmt) if total is None else total
    items = list(db.session.scalars(stmt.order_by(*order).options(*options)
                                    .limit(per_page).offset((number - 1) * per_page)))
    return items, total


def get_report_or_404(report_id: int, user: User) -> Report:
    report = db.session.get(Report, report_id)
    if report is None or not can_view_report(user, report):
        abort(404)
    return report


def visible_events(user: User | None, report: Report) -> list[ReportEvent]:
    """History as ``user`` may read it; ``None`` is the anonymous filer with a receipt.

    In the order things happened: by (company) day, then as recorded — an anonymous filer's
    messages carry the day only, and sorting by that midnight would put an answer before
    the question it answers."""
    if user is not None and is_handler(user, report):
        allowed = {"filer", "reviewers", "handlers"}
    elif user is not None and is_reviewer(user, report):
        allowed = {"reviewers"}
    else:
        allowed = {"filer"}
    return sorted((e for e in report.events if e.visibility in allowed),
                  key=lambda e: (local_date(e.at), e.id or 0))


#: What a reader sees of one step of the history (``event_views``): the step itself, who
#: took it as far as the reader may know, ``by_filer`` (the filer took it: the page calls
#: them 提交人) and ``day_only`` (its time is kept to the day: an anonymous filer's steps).
EVENT_FIELDS = frozenset({
    "id", "at", "action", "from_status", "to_status", "text", "shown_text", "params",
    "visibility", "actor", "actor_label", "by_filer", "day_only"})


def event_views(user: User | None, report: Report) -> list[ItemView]:
    """The history as ``user`` may read it (``visible_events``), one view per step.  A named
    filer's own steps name nobody for anybody but the filer themself: ``actor`` is None and
    ``actor_label`` is ``"filer"``, as on an anonymous report (the handlers reveal the
    filer on the report page, one audited click at a time)."""
    filer = user is not None and is_filer(user, report)
    views = []
    for event in visible_events(user, report):
        by_filer = event.actor_label == "filer" or (
            report.author_id is not None and event.actor_id == report.author_id)
        masked = by_filer and event.actor_id is not None and not filer
        views.append(ItemView(
            event, EVENT_FIELDS, actor=None if masked else event.actor,
            actor_label="filer" if masked else event.actor_label, by_filer=by_filer,
            day_only=event.actor_label == "filer" or (report.anonymous
                                                      and event.action == "submit")))
    return views


def filer_label(user: User, report: Report, revealed: bool = False) -> str:
    """How the filer is shown to ``user``: the identity of a named filer is revealed to
    handlers one click (and one audit row) at a time."""
    if report.author_id is None:
        return _("匿名")
    if is_filer(user, report) or (revealed and is_handler(user, report)):
        return report.author.name
    return _("实名提交（身份已隐藏）")




def can_read_audit(user: User, unit: HandlingUnit) -> bool:
    return user.is_authenticated and any(h.id == user.id for h in unit_heads(unit))


def audit_stmt(user: User, unit: HandlingUnit) -> Select:
    """The unit's audit log as its head may read it, newest first: rows about reports the
    head may not see (conflicts) are left out like the reports themselves (in SQL, so a page
    of it loads only its rows)."""
    if not can_read_audit(user, unit):
        abort(404)
    visible = visible_stmt(user).with_only_columns(Report.id)
    return (select(ReportAudit)
            .where(ReportAudit.unit_id == unit.id,
                   or_(ReportAudit.report_id.is_(None), ReportAudit.report_id.in_(visible)))
            .order_by(ReportAudit.at.desc(), ReportAudit.id.desc()))


def can_view_rectification(user: User, rect: Rectification) -> bool:
    """The department's head sees the request (not the report, unless the report lets them
    in on its own); handlers see it too."""
    head = department_head(rect.department)
    return (head is not None and head.id == user.id) or is_handler(user, rect.report)


def rectification_overdue(rect: Rectification, now: datetime | None = None) -> bool:
    """A rectification still open after its deadline (the one definition: pages, API,
    reminders)."""
    return rect.status == "requested" and rect.due_at < (now or utcnow())


def may_rectify(department: Department, report: Report) -> bool:
    """A rectification may be asked of ``department`` unless its head is in the report's
    conflict set (named, above somebody named, above a named whistle-blower, excluded):
    the request would tell them what the report is about."""
    head = department_head(department)
    return head is None or head.id not in _decision(report).blocked


def can_complete_rectification(user: User, rect: Rectification) -> bool:
    """The head of the department reports an open rectification done (handlers only
    follow it)."""
    head = department_head(rect.department)
    return rect.status == "requested" and head is not None and head.id == user.id


def overdue_clause(now: datetime):
    """SQL: ``overdue_reasons`` is not empty (the lists' 超期 filter, the escalation job)."""
    return Report.status.in_(OPEN) & or_(
        (Report.status == "submitted") & (Report.ack_due_at < now),
        Report.feedback_due_at < now,
        (Report.handle_due_at < now) & Report.handle_met_at.is_(None))


def overdue_reasons(report: Report, now: datetime | None = None) -> list[str]:
    now = now or utcnow()
    reasons = []
    if report.status == "submitted" and now > report.ack_due_at:
        reasons.append("ack")
    if report.status in OPEN and now > report.feedback_due_at:
        reasons.append("feedback")
    if report.status in OPEN and report.handle_due_at and now > report.handle_due_at \
            and report.handle_met_at is None:
        reasons.append("urgency")
    return reasons


SMALL_CELL = 5


def can_view_report_stats(user: User) -> bool:
    """The statistics (by kind, month, status and the filer's department): HR, the heads
    of the handling units and the GM office.  HR and the heads count only the reports they
    may see; the GM office counts every report in aggregate (``counts_in_aggregate``)."""
    if not user.is_authenticated or not user.active:
        return False
    return is_hr(user) or heads_a_unit(user) or is_gm_office(user)


def can_view_rewards(user: User) -> bool:
    """The year-end reward list names the adopted suggestions: HR and the heads of the
    handling units (not those who count in aggregate only)."""
    if not user.is_authenticated or not user.active:
        return False
    return is_hr(user) or heads_a_unit(user)


def counts_in_aggregate(user: User) -> bool:
    """The GM office (the GM and the secretary) oversees the inbox without handling it: its
    figures count every report, as aggregate numbers only — never a report's contents, and
    never a count under 5 (``SMALL_CELL``), which could point at a filer."""
    return user.is_authenticated and user.active and is_gm_office(user)


def countable_clause(user: User):
    """SQL: the reports ``user``'s figures count (statistics, the dashboard): every report
    for those who count in aggregate, else those they may see (``visible_clause``)."""
    if counts_in_aggregate(user):
        return true()
    return visible_clause(user)


def report_desk(user: User) -> str | None:
    """Where the navigation's 事项处理 leads ``user``: the GM office to the statistics
    (its queue holds only what falls back to it, which it is told of one by one); the
    other members of a handling unit to their queue; anybody else nowhere."""
    if counts_in_aggregate(user):
        return "suggestions.stats"
    return "suggestions.queue" if handles_reports(user) else None


def suppress_small(count: int) -> int | str:
    """Department statistics never show a cell with fewer than 5 items."""
    return count if count == 0 or count >= SMALL_CELL else f"<{SMALL_CELL}"


# --- what one person sees of one report -----------------------------------------------------

#: What everybody who may see a report sees of it in a list…
SUMMARY_FIELDS = frozenset({
    "id", "number", "kind", "kind_label", "subject", "status", "status_label", "urgency",
    "urgency_label", "anonymous", "filer_label", "mine", "unit", "filed_on"})
#: …and on its page (the history as ``visible_events`` gives it).
REPORT_FIELDS = SUMMARY_FIELDS | {
    "body", "body_html", "filed_at", "accepted_at", "timers", "history", "messages",
    "allowed_actions", "attachments", "close_reason", "closed_at"}
#: Handlers also see who handles it, its deadlines, the people it names, the decision, the
#: internal outcome, the answer and the rectifications.
HANDLER_FIELDS = frozenset({
    "handler", "overdue", "named", "decision_reason", "expected_benefit",
    "reward_amount", "reward_note", "outcome", "answer", "answered_at", "rectifications"})
#: A named filer also sees the answer, and whom they named themself.
FILER_FIELDS = frozenset({"named", "answer", "answered_at"})
#: The reviewing department head (分析应用) sees the report and the comments, nothing more.
REVIEWER_FIELDS: frozenset[str] = frozenset()
MESSAGE_ACTIONS = ("message", "reply")


def report_view(user: User, report: Report, *, summary: bool = False,
                revealed: bool = False, now: datetime | None = None) -> ItemView | None:
    """What ``user`` sees of ``report`` and may do with it, or None when they may not see
    it.  ``summary``: the fields of a list row only.  The report page and the API both
    render from this."""
    if not user.is_authenticated or not user.active:
        return None
    decision = _decision(report)
    handler = user.id in decision.team_ids
    filer = is_filer(user, report)
    reviewer = decision.reviewer_id == user.id
    if not (handler or filer or reviewer):
        return None
    fields = set(SUMMARY_FIELDS if summary else REPORT_FIELDS)
    extra = (HANDLER_FIELDS if handler else frozenset()) | (FILER_FIELDS if filer else
                                                            frozenset())
    if reviewer:
        extra |= REVIEWER_FIELDS
    if summary:
        extra &= {"handler", "overdue"}
    fields |= extra
    reasons = overdue_reasons(report, now)
    timers = {"ack_due_at": report.ack_due_at, "feedback_due_at": report.feedback_due_at}
    if handler:
        # how the deadlines stand: what ran out (``overdue_reasons``) and the handling
        # deadline the urgency set
        fields |= {"overdue_reasons", "timers"}
        timers.update(handle_due_at=report.handle_due_at, handle_rule=report.handle_rule,
                      handle_met_at=report.handle_met_at, overdue=reasons)
    values = {
        "filer_label": filer_label(user, report, revealed=revealed),
        "mine": filer, "unit": decision.unit, "overdue": bool(reasons),
        "overdue_reasons": reasons, "timers": timers,
    }
    actions: list[str] = []
    if not summary:
        actions = allowed_actions(user, report)
        events = event_views(user, report)
        values.update( history=events, allowed_actions=actions,
            messages=[e for e in events if e.action in MESSAGE_ACTIONS],
            named=[n.user for n in report.named] if "named" in fields else [],
            rectifications=[rectification_view(user, rect, now=now)
                            for rect in report.rectifications] if handler else [])
        if handler and report.author_id is not None and can_act(user, report, "reveal") \
                and not revealed:
            actions = [*actions, "reveal"]
        if filer or (revealed and handler and report.author_id is not None):
            # the filer by name: to the filer themself (您本人), and to a handler who has
            # revealed them (one audited click) with their department
            fields |= {"filer_name", "filer_department"}
            values.update(filer_name=_("您本人") if filer else report.author.name,
                          filer_department=None if filer else report.author_department)
    return ItemView(report, fields, actions=actions, **values)


#: What the anonymous filer sees by receipt code: the report, the handling unit (never a
#: person), the answer, the history meant for the filer and the messages exchanged.
RECEIPT_FIELDS = frozenset({
    "number", "kind", "kind_label", "subject", "status", "status_label", "unit", "filed_on",
    "answer", "answered_at", "history", "messages", "allowed_actions"})


def report_receipt_view(report: Report) -> ItemView:
    """What the anonymous filer, known only by the receipt code, sees of ``report``: the
    receipt pages render only this."""
    events = event_views(None, report)
    actions = ["message"] if report.status != "closed" else []
    return ItemView(report, RECEIPT_FIELDS, actions=actions, allowed_actions=actions,
                    history=events, unit=effective_unit(report),
                    messages=[e for e in events if e.action in MESSAGE_ACTIONS])


def summary_views(user: User, reports: list[Report],
                  now: datetime | None = None) -> list[ItemView]:
    """The list rows of ``reports`` as ``user`` sees them, decided together (the reports
    should come with their ``named`` and ``exclusions`` loaded: ``LIST_OPTIONS``)."""
    now = now or utcnow()
    _facts().decide(reports)
    views = [report_view(user, report, summary=True, now=now) for report in reports]
    return [view for view in views if view is not None]


RECTIFICATION_FIELDS = frozenset({
    "id", "department", "request_text", "requested_at", "due_at", "status", "overdue",
    "done_at", "done_text", "report_label"})


def rectification_view(user: User, rect: Rectification, *,
                       now: datetime | None = None) -> ItemView:
    """A rectification as ``user`` sees it.  Who may not see the report (the department
    head asked to rectify, usually) reads a neutral label, never its number or kind."""
    sees_report = can_view_report(user, rect.report)
    fields = set(RECTIFICATION_FIELDS)
    if sees_report:
        fields.add("report_number")
    label = rect.report.number if sees_report else _("整改事项 %(id)s", id=rect.id)
    return ItemView(rect, fields, report_label=label, report_number=rect.report.number,
                    overdue=rectification_overdue(rect, now),
                    actions=("complete",) if can_complete_rectification(user, rect) else ())


# --- what is waiting for one person (the workbench) --------------------------------------

def todo_for(user: User) -> list[Select]:
    """What waits for ``user`` here (``hub.common.todo`` rows), by the same rule as the
    lists (``handled_clause``): the handling team triages (受理) new reports and handles
    the open ones that are theirs (named as handler, or nobody named yet); the head of a
    department completes the rectifications asked of it — which show the request, never
    the report behind it."""
    from hub.common.todo import todo_select

    if not user.is_authenticated or not user.active:
        return []
    headed = select(Department.id).where(Department.head_id == user.id)
    found = [todo_select("rectification", Rectification.id,
                         title=func.substr(Rectification.request_text, 1, 80),
                         due_at=Rectification.due_at)
             .where(Rectification.status == "requested",
                    Rectification.department_id.in_(headed))]
    handled = handled_clause(user)
    if handled is not false():
        def rows(kind: str, due) -> Select:
            return todo_select(kind, Report.id, number=Report.number, title=Report.subject,
                               due_at=due)

        found += [
            rows("report_triage", Report.ack_due_at)
            .where(Report.status == "submitted", handled),
            rows("report_handle", func.coalesce(
                case((Report.handle_met_at.is_(None), Report.handle_due_at)),
                Report.feedback_due_at))
            .where(Report.status.in_(OPEN - {"submitted"}), handled,
                   or_(Report.handler_id == user.id, Report.handler_id.is_(None))),
        ]
    return found
