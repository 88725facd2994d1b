"""The rules of the suggestion / complaint / report inbox: routing, who may see what,
the lifecycle, rectification, rewards, anonymity and the audit log.

Who may see a report (``can_view_report``) — one rule for pages, API, lists, counts,
e-mails, exports and search:

* the **handling team**: the active members of the unit the kind is routed to, minus every
  person the report names, everybody above them in the reporting line, (for a named
  whistle-blowing report) everybody above the filer, and anybody the head of the unit
  excluded.  When nobody is left, the report goes to the fallback unit (default the GM
  office) under the same rules;
* the filer of a named report (never the handlers' internal notes);
* for a named suggestion, the head of the filer's department (to comment, 分析应用),
  unless the suggestion's conflicts exclude them.

Everybody else gets a 404, and the report is in none of their lists or counts.
Anonymous reports keep no author and only the day of filing, and no notification is sent
at the moment of writing (the unit hears of them through a periodic digest).

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
from sqlalchemy import Select, event, inspect, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from hub.common import receipts
from hub.common.attachments import store_uploads
from hub.common.models import get_setting, set_setting
from hub.common.numbering import next_number
from hub.common.time import company_tz, utcnow
from hub.common.urls import path_for
from hub.common.workdays import end_of_day_utc, local_date
from hub.extensions import db
from hub.notifications.services import notify
from hub.org.models import Department, HandlingUnit, UnitMembership, User
from hub.org.permissions import is_hr
from hub.org.services import department_head
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
FALLBACK_UNIT_SETTING = "reports.fallback_unit"
DEFAULT_ROUTES = {"safety": "safety", "customer": "customer_service"}  # others: "hr"
DEFAULT_UNIT = "hr"
DEFAULT_FALLBACK_UNIT = "gm_office"

KIND_LABELS = {
    "suggestion": _l("合理化建议"),
    "complaint": _l("投诉"),
    "whistleblowing": _l("举报"),
    "issue": _l("重要问题反馈"),
    "safety": _l("安全隐患"),
    "customer": _l("客户意见"),
}
STATUS_LABELS = {
    "submitted": _l("已提交"),
    "accepted": _l("已受理"),
    "assigned": _l("处理中"),
    "adopted": _l("已采纳"),
    "declined": _l("不采纳"),
    "resolved": _l("已处理"),
    "answered": _l("已答复"),
    "closed": _l("已关闭"),
}
URGENCY_LABELS = {"urgent": _l("特急"), "high": _l("急"), "normal": _l("一般")}
ACTION_LABELS = {
    "submit": _l("提交"),
    "accept": _l("受理"),
    "assign": _l("指定承办人"),
    "set_urgency": _l("设置紧急程度"),
    "request_rectification": _l("要求整改"),
    "rectification_done": _l("整改完成"),
    "adopt": _l("采纳"),
    "decline": _l("不采纳"),
    "resolve": _l("记录处理结果"),
    "answer": _l("答复"),
    "close": _l("关闭"),
    "exclude": _l("回避"),
    "note": _l("内部备注"),
    "comment": _l("部门意见"),
    "message": _l("提交人留言"),
    "reply": _l("回复提交人"),
    "escalate": _l("超期提醒"),
}

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


def set_route(kind: str, unit: HandlingUnit) -> None:
    if kind not in KINDS:
        raise ReportError(_("未知的类别。"))
    route = db.session.get(KindRoute, kind)
    if route is None:
        db.session.add(KindRoute(kind=kind, unit=unit))
    else:
        route.unit = unit
    db.session.flush()


def fallback_unit_code() -> str:
    return get_setting(FALLBACK_UNIT_SETTING, DEFAULT_FALLBACK_UNIT) or DEFAULT_FALLBACK_UNIT


def fallback_unit() -> HandlingUnit | None:
    return unit_by_code(fallback_unit_code())


def set_fallback_unit(unit: HandlingUnit) -> None:
    set_setting(FALLBACK_UNIT_SETTING, unit.code)


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


def can_read_audit(user: User, unit: HandlingUnit) -> bool:
    return user.is_authenticated and any(h.id == user.id for h in unit_heads(unit))


def audit_rows(user: User, unit: HandlingUnit) -> list[ReportAudit]:
    """The unit's audit log as its head may read it: rows about reports the head may not
    see (conflicts) are left out like the reports themselves."""
    if not can_read_audit(user, unit):
        abort(404)
    rows = db.session.scalars(
        select(ReportAudit).where(ReportAudit.unit_id == unit.id)
        .order_by(ReportAudit.at.desc(), ReportAudit.id.desc()))
    visible = set(visible_report_ids(user))
    return [r for r in rows if r.report_id is None or r.report_id in visible]


# --- filing ----------------------------------------------------------------------------

@dataclass
class Filed:
    report: Report
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
                named_users: Iterable[User] = (), uploads: list | None = None,
                now: datetime | None = None) -> Filed:
    """File a report.  Anonymous is the default; then the author is forgotten at once."""
    if kind not in KINDS:
        raise ReportError(_("未知的类别。"), {"kind": [_("未知的类别。")]})
    subject = _clean(subject, "subject", SUBJECT_MAX)
    body = _clean(body, "body", BODY_MAX)
    named = {u.id: u for u in named_users}
    if not anonymous and author.id in named:
        named.pop(author.id)
    now = now or utcnow()
    today = local_date(now)
    filed_at = _start_of_day_utc(today) if anonymous else now
    unit = route_for(kind)
    attachments = store_uploads(uploads or [], today)
    number = next_number(KIND_PREFIXES[kind], today.year)
    code = receipts.new_code() if anonymous else None
    cfg = current_app.config
    report = Report(
        number=number, kind=kind, year=today.year, seq=int(number.rsplit("-", 1)[1]),
        subject=subject, body=body, anonymous=anonymous,
        author_id=None if anonymous else author.id,
        author_department_id=None if anonymous else author.department_id,
        receipt_hash=receipts.digest(code) if code else None,
        unit=unit, status="submitted", urgency="normal", filed_on=today, filed_at=filed_at,
        ack_due_at=end_of_day_utc(today + timedelta(days=cfg["REPORT_ACK_DAYS"])),
        feedback_due_at=end_of_day_utc(_add_months(today, cfg["REPORT_FEEDBACK_MONTHS"])),
        attachments=attachments,
    )
    report.named = [ReportNamedPerson(user=u) for u in named.values()]
    db.session.add(report)
    _event(report, None if anonymous else author, "submit", to_status="submitted",
           at=filed_at, visibility="filer")
    db.session.flush()
    if not anonymous:
        _notify_team(report, _("新的%(kind)s %(number)s 待受理", kind=KIND_LABELS[kind],
                               number=report.number))
    return Filed(report, code)


# --- the lifecycle ---------------------------------------------------------------------

def _event(report: Report, actor: User | None, action: str, *, text: str = "",
           visibility: str = "filer", from_status: str | None = None,
           to_status: str | None = None, at: datetime | None = None) -> ReportEvent:
    event = ReportEvent(
        report=report, at=at or utcnow(), actor_id=actor.id if actor else None,
        actor_label=None if actor else ("filer" if action in ("submit", "message")
                                        else "system"),
        action=action, from_status=from_status, to_status=to_status, text=text,
        visibility=visibility)
    db.session.add(event)
    return event


def _transition(report: Report, actor: User, action: str, *, text: str = "",
                visibility: str = "filer", at: datetime | None = None) -> None:
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
           to_status=target, at=at)
    audit(actor, report, "change", action, at=at)


def accept(report: Report, actor: User, text: str = "", *, at: datetime | None = None) -> None:
    at = at or utcnow()
    _transition(report, actor, "accept", text=_clean(text, "text", TEXT_MAX, required=False),
                at=at)
    report.accepted_at = at
    _notify_filer(report, _("您提交的 %(number)s 已受理", number=report.number))
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
               title=_("%(number)s 已指定由您承办", number=report.number),
               url=path_for("suggestions.report", report_id=report.id))
    db.session.flush()


def urgency_due(urgency: str, start: datetime) -> datetime:
    minutes = current_app.config["REPORT_URGENCY_MINUTES"].get(urgency)
    if minutes:
        return start + timedelta(minutes=int(minutes))
    return end_of_day_utc(local_date(start))


def set_urgency(report: Report, actor: User, urgency: str, *,
                at: datetime | None = None) -> None:
    if urgency not in URGENCIES:
        raise ReportError(_("未知的紧急程度。"), {"urgency": [_("未知的紧急程度。")]})
    at = at or utcnow()
    _transition(report, actor, "set_urgency", text=str(URGENCY_LABELS[urgency]),
                visibility="handlers", at=at)
    report.urgency = urgency
    report.handle_due_at = urgency_due(urgency, at)
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
    _transition(report, actor, "request_rectification", visibility="handlers",
                text=_("%(department)s，期限 %(due)s：%(text)s", department=department.name,
                       due=due_date.isoformat(), text=text), at=at)
    rect = Rectification(report=report, department=department, requested_by_id=actor.id,
                         requested_at=at, due_at=end_of_day_utc(due_date),
                         request_text=text)
    db.session.add(rect)
    db.session.flush()
    head = department_head(department)
    if head is not None:
        notify(head, kind="report.rectification",
               title=_("整改要求：请于 %(due)s 前完成", due=due_date.isoformat()),
               url=path_for("suggestions.rectification", rectification_id=rect.id))
    return rect


def can_view_rectification(user: User, rect: Rectification) -> bool:
    """The department's head sees the request (never the report); handlers see it too."""
    head = department_head(rect.department)
    return (head is not None and head.id == user.id) or is_handler(user, rect.report)


def get_rectification_or_404(rectification_id: int, user: User) -> Rectification:
    rect = db.session.get(Rectification, rectification_id)
    if rect is None or not can_view_rectification(user, rect):
        abort(404)
    return rect


def can_complete_rectification(user: User, rect: Rectification) -> bool:
    """The head of the department reports an open rectification done (handlers only
    follow it)."""
    head = department_head(rect.department)
    return rect.status == "requested" and head is not None and head.id == user.id


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
    _event(rect.report, actor, "rectification_done", visibility="handlers",
           text=_("%(department)s：%(text)s", department=rect.department.name, text=text),
           at=at)
    audit(actor, rect.report, "change", "rectification_done", at=at)
    for person in _responsible(rect.report):
        notify(person, kind="report.rectification",
               title=_("%(number)s 的整改已完成", number=rect.report.number),
               url=path_for("suggestions.report", report_id=rect.report_id))
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
    _notify_filer(report, _("您的建议 %(number)s 已被采纳", number=report.number))
    db.session.flush()


def decline(report: Report, actor: User, reason: str, *, at: datetime | None = None) -> None:
    reason = _clean(reason, "text", TEXT_MAX)
    _transition(report, actor, "decline", text=reason, at=at)
    report.decision_reason = reason
    _notify_filer(report, _("您的建议 %(number)s 未被采纳", number=report.number))
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
    _notify_filer(report, _("您提交的 %(number)s 已答复", number=report.number))
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
           text=_("%(name)s 回避此事项", name=person.name))
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
    _notify_filer(report, _("%(number)s 有新的回复", number=report.number))
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
        _notify_team(report, _("%(number)s 有提交人的新留言", number=report.number))
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
    "set_urgency": lambda r, a, f: set_urgency(r, a, f.get("urgency", "")),
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

def _notify_team(report: Report, title: str) -> None:
    """Tell the handling team.  Confidential kinds never carry their subject in a
    notification or an e-mail: the number and a link only."""
    for person in handling_team(report):
        notify(person, kind="report.team", title=title,
               url=path_for("suggestions.report", report_id=report.id))


def _responsible(report: Report) -> list[User]:
    if report.handler is not None and is_handler(report.handler, report):
        return [report.handler]
    return [h for h in unit_heads(effective_unit(report)) if is_handler(h, report)] \
        or handling_team(report)


def _notify_filer(report: Report, title: str) -> None:
    if report.author is not None and report.author.active:
        notify(report.author, kind="report.filer", title=title,
               url=path_for("suggestions.report", report_id=report.id))


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
        notify(person, kind="report.team", title=_("匿名事项待处理：%(n)s 项", n=len(items)),
               body="、".join(items), url=path_for("suggestions.queue"))
    if new_reports:
        set_setting("reports.anonymous_announced_report", str(new_reports[-1].id))
    if new_messages:
        set_setting("reports.anonymous_announced_event", str(new_messages[-1].id))
    return len(new_reports) + len(new_messages)


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


def escalate_overdue(now: datetime | None = None) -> int:
    """Tell the people responsible when a timer runs out (acknowledgement within 7 days,
    feedback within 3 months, the urgency's due time), once per report and level, and the
    department head and handlers when a rectification is late."""
    now = now or utcnow()
    count = 0
    for report in db.session.scalars(select(Report).where(Report.status.in_(OPEN))):
        reasons = overdue_reasons(report, now)
        level = 2 if "feedback" in reasons else (1 if reasons else 0)
        if level <= report.escalation_level:
            continue
        title = _("超期：%(number)s 需要处理", number=report.number)
        for person in _responsible(report):
            notify(person, kind="report.overdue", title=title,
                   url=path_for("suggestions.report", report_id=report.id))
        _event(report, None, "escalate", text=", ".join(reasons), visibility="handlers",
               at=now)
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
                   title=_("整改超期：%(department)s", department=rect.department.name),
                   url=path_for("suggestions.rectification", rectification_id=rect.id))
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
        now = now or utcnow()
        stmt = stmt.where(Report.status.in_(OPEN), or_(
            (Report.status == "submitted") & (Report.ack_due_at < now),
            Report.feedback_due_at < now,
            Report.handle_due_at < now))
    return stmt


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


def reward_list(user: User, year: int) -> list[Report]:
    """Suggestions of ``year`` that were adopted (年终酌情奖励), as far as the caller may
    see them; a suggestion answered or closed after adoption still counts."""
    adopted = select(ReportEvent.report_id).where(ReportEvent.action == "adopt")
    ids = visible_report_ids(user, select(Report).where(
        Report.kind == "suggestion", Report.year == year, Report.id.in_(adopted)))
    if not ids:
        return []
    return list(db.session.scalars(select(Report).where(Report.id.in_(ids))
                                   .order_by(Report.number)))
