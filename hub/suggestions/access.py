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
from sqlalchemy import Select, event, inspect, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from hub.common.models import get_setting
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.org.models import Department, HandlingUnit, UnitMembership, User
from hub.org.permissions import is_hr
from hub.org.services import department_head
from hub.suggestions.models import (
    Rectification,
    Report,
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
            .order_by(HandlingUnit.id, User.id))
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
            for person in db.session.scalars(select(User).where(User.id.in_(chunk))):
                self.people.append(person)
                self.active[person.id] = bool(person.active)
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
        lines_of = {n.user_id for r in reports for n in r.named}
        lines_of |= {r.author_id for r in reports
                     if r.kind == "whistleblowing" and r.author_id is not None}
        self.load_managers(lines_of)
        self.load_units()
        self.load_department_heads({r.author_department_id for r in reports
                                    if r.kind == "suggestion"})
        self.load_people({r.author_id for r in reports})

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


def handles_reports(user: User) -> bool:
    """Members of a handling unit have a triage queue (empty while nothing is theirs, e.g.
    the fallback unit); everybody else has none."""
    if not user.is_authenticated or not user.active:
        return False
    return db.session.scalar(select(UnitMembership.unit_id)
                             .where(UnitMembership.user_id == user.id).limit(1)) is not None


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


def _candidate_stmt(user: User) -> Select:
    """Reports ``user`` might see: their own, their department's suggestions, and those of
    the units they belong to (all units, when they are in the fallback unit).  The exact
    rule then decides (``visible_reports``)."""
    stmt = select(Report)
    unit_ids = select(UnitMembership.unit_id).where(UnitMembership.user_id == user.id)
    headed = select(Department.id).where(Department.head_id == user.id)
    clauses = [
        Report.author_id == user.id,
        (Report.kind == "suggestion") & Report.author_department_id.in_(headed),
        Report.unit_id.in_(unit_ids),
    ]
    facts = _facts()
    fallback = facts.fallback_unit()
    if fallback is not None and any(m.id == user.id
                                    for m in facts.unit_members(fallback.id)):
        clauses.append(Report.unit_id.is_not(None))
    return stmt.where(or_(*clauses))


def visible_report_ids(user: User, stmt: Select | None = None) -> list[int]:
    """Ids of the reports ``user`` may see, newest first: lists, counts, exports and the
    search all start here."""
    if not user.is_authenticated or not user.active:
        return []
    base = _candidate_stmt(user)
    if stmt is not None:
        base = base.where(Report.id.in_(stmt.with_only_columns(Report.id).order_by(None)))
    reports = db.session.scalars(
        base.order_by(Report.filed_on.desc(), Report.id.desc())
        .options(selectinload(Report.named), selectinload(Report.exclusions))).all()
    return [r.id for r in visible_reports(user, reports)]


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


def filer_label(user: User, report: Report, revealed: bool = False) -> str:
    """How the filer is shown to ``user``: the identity of a named filer is revealed to
    handlers one click (and one audit row) at a time."""
    if report.author is None:
        return _("匿名")
    if is_filer(user, report) or (revealed and is_handler(user, report)):
        return report.author.name
    return _("实名提交（身份已隐藏）")




def can_read_audit(user: User, unit: HandlingUnit) -> bool:
    return user.is_authenticated and any(h.id == user.id for h in unit_heads(unit))


def can_view_rectification(user: User, rect: Rectification) -> bool:
    """The department's head sees the request (never the report); handlers see it too."""
    head = department_head(rect.department)
    return (head is not None and head.id == user.id) or is_handler(user, rect.report)


def can_complete_rectification(user: User, rect: Rectification) -> bool:
    """The head of the department reports an open rectification done (handlers only
    follow it)."""
    head = department_head(rect.department)
    return rect.status == "requested" and head is not None and head.id == user.id


def overdue_reasons(report: Report, now: datetime | None = None) -> list[str]:
    now = now or utcnow()
    reasons = []
    if report.status == "submitted" and now > report.ack_due_at:
        reasons.append("ack")
    if report.status in OPEN and now > report.feedback_due_at:
        reasons.append("feedback")
    if report.status in OPEN and report.handle_due_at and now > report.handle_due_at:
        reasons.append("urgency")
    return reasons


SMALL_CELL = 5


def can_view_report_stats(user: User) -> bool:
    """The statistics (by kind, month, status and the filer's department): HR and the heads
    of the handling units.  Each of them counts only the reports they may see."""
    if not user.is_authenticated or not user.active:
        return False
    return is_hr(user) or db.session.scalar(
        select(UnitMembership.unit_id).where(UnitMembership.user_id == user.id,
                                             UnitMembership.is_head.is_(True)).limit(1)
    ) is not None


def suppress_small(count: int) -> int | str:
    """Department statistics never show a cell with fewer than 5 items."""
    return count if count == 0 or count >= SMALL_CELL else f"<{SMALL_CELL}"
