"""Who may see and do what in 沟通: meetings, talk logs (沟通记录), their action items,
appeals (申诉), the compliance figures and the monthly summary — and the per-viewer view of
a meeting or a talk log (``meeting_view`` / ``talk_view``) that the pages and the API render.

Every other module of the feature (services, obligations, views, the API, the search
provider) asks here; no template or schema decides visibility on its own.

Meetings
    A meeting is seen by its participants only (the organizer is one of them).  Anybody
    else gets a 404 on every route that names it, answering included.

Talk logs
    The shared part (kind, people, time, duration, topics, agreements, action items,
    acknowledgements and comments) is seen by

    * its participants (the author is one of them);
    * everybody above a participant in the current reporting line (直接上级 and up):
      沟通管理办法 五.1 makes department heads responsible for supervising their people's
      talks and for summarising the 《沟通记录》 every month;
    * the GM office (``gm_office`` role): the GM reviews the monthly summary and
      spot-checks the records (五.2);
    * HR (``hr`` role): it promotes communication between departments and runs the
      performance and probation talks (公司内部沟通管理制度 四(一));

    **except the managers a skip-level talk bypasses.**  A 隔级 talk exists so that a
    person can speak to the manager's manager *around* the manager (SPEC §4, 申诉); the
    managers between the person and the skip-level superior in the current reporting line
    (for sales1 ↔ sales_head: sales_lead) never see such a talk log — not on its page,
    in the API, the lists and their totals, the search (its access terms leave them out,
    roles included), nor as an item of the compliance pages — even when they would see it
    as HR or the GM office.  The participants themselves always see it.  The bypassed
    managers are worked out from the reporting line as it is now, like the oversight
    rule above: a manager who is no longer between the two sees what the rule gives them.

    The ``private_note`` is seen by its **author alone**: never by the other side, their
    managers, HR or the GM office; it is never put in an export, an e-mail, another
    person's API answer or the search index.  ``talk_view`` is how pages and the API read
    it.

Action items
    Seen with their talk log; marked done by their owner alone (负责人) — by the talk's
    author when the owner has left the company.  Anybody else who sees the item (the other
    participants, their managers, HR) gets a 403 when trying to change it; anybody who does
    not see the talk, a 404.

Appeals (申诉)
    Read by the employee who filed it and the skip-level superior it goes to; never by
    the manager it goes around (the appeal records who that was), HR, the GM office or
    anybody above.  Appeals are not a manager's cadence, so they are counted in no
    compliance figure and no monthly summary.

Compliance (执行情况) and the monthly summary (月汇总)
    A person's obligations are followed by the person, everybody below whom they are in
    the reporting line's or department tree's scope of (``compliance_scope``), and the GM
    office.  The per-manager figures and the per-person lists leave out, for a viewer,
    every skip-level obligation that bypasses that viewer — the whole obligation, held or
    not, so that neither its status nor its absence says a talk took place.  The monthly
    summary is SPEC's report to the GM office: its per-department totals stay complete
    (aggregates of a whole department, as SPEC requires); its detail lines leave out, for
    the viewer, the skip-level talks that bypass them.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import abort, g, has_request_context
from sqlalchemy import Select, and_, exists, false, not_, or_, select

from hub.common.access import ItemView
from hub.common.time import utcnow
from hub.extensions import db
from hub.meetings.kinds import KIND_LABELS
from hub.meetings.models import (
    ActionItem,
    Meeting,
    MeetingParticipant,
    TalkLog,
    TalkParticipant,
)
from hub.org.models import Department, User
from hub.org.permissions import heads_department, is_admin, is_gm_office, is_hr
from hub.org.services import heads_of

SKIP_LEVEL = "skip_level"


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.active)


# --- where a person stands in the reporting line ------------------------------------------

@dataclass(frozen=True)
class Standing:
    """The ids of everybody above ``user`` (nearest first) and below them (active or not)."""

    user_id: int
    above: tuple[int, ...]
    below: frozenset[int]

    def bypassed_by(self, senior_id: int, junior_ids: Iterable[int]) -> bool:
        """Whether a skip-level talk of ``senior_id`` with ``junior_ids`` goes around this
        person: the senior is above them and one of the juniors below them."""
        return senior_id in self.above and any(j in self.below for j in junior_ids)


def _line_ids(user_id: int, managers: dict[int, int | None]) -> tuple[int, ...]:
    line: list[int] = []
    seen = {user_id}
    current = managers.get(user_id)
    while current is not None and current not in seen:
        line.append(current)
        seen.add(current)
        current = managers.get(current)
    return tuple(line)


def standing(user: User) -> Standing:
    """``user``'s place in the current reporting line, from one query (cached per request)."""
    cache = g.setdefault("_meetings_standing", {}) if has_request_context() else {}
    found = cache.get(user.id)
    if found is None:
        managers = dict(db.session.execute(select(User.id, User.manager_id)).all())
        found = cache[user.id] = _standing_in(user, managers)
    return found


def _standing_in(user: User, managers: dict[int, int | None]) -> Standing:
    """``standing`` from everybody's manager."""
    below: set[int] = set()
    children: dict[int, list[int]] = {}
    for person, manager in managers.items():
        if manager is not None:
            children.setdefault(manager, []).append(person)
    frontier = [user.id]
    while frontier:
        frontier = [c for p in frontier for c in children.get(p, ())
                    if c not in below and c != user.id]
        below.update(frontier)
    return Standing(user.id, _line_ids(user.id, managers), frozenset(below))


def forget_standing() -> None:
    """Drop the cached reporting lines (after a change of them within one request)."""
    if has_request_context():
        g.pop("_meetings_standing", None)


# --- meetings -----------------------------------------------------------------------------

def participant_row(meeting: Meeting, user: User) -> MeetingParticipant | None:
    return next((p for p in meeting.participants if p.user_id == user.id), None)


def can_view_meeting(user: User, meeting: Meeting) -> bool:
    """The meeting's participants (the organizer included), nobody else."""
    return _active(user) and participant_row(meeting, user) is not None


def can_respond(user: User, meeting: Meeting) -> bool:
    """A participant may answer (the organizer: take a proposed time, move or cancel) while
    the meeting is neither cancelled nor over."""
    return (can_view_meeting(user, meeting) and meeting.status != "cancelled"
            and meeting.start_at > utcnow())


def get_meeting_or_404(meeting_id: int, user: User) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can_view_meeting(user, meeting):
        abort(404)
    return meeting


def visible_meetings_query(user: User) -> Select:
    if not _active(user):
        return select(Meeting).where(false())
    return select(Meeting).where(exists().where(
        MeetingParticipant.meeting_id == Meeting.id, MeetingParticipant.user_id == user.id))


MEETING_FIELDS = ("id", "kind", "kind_label", "status", "status_label", "organizer", "start",
                  "duration_minutes", "location", "agenda", "sequence", "participants",
                  "ics_url", "makeup", "created_at", "updated_at")


def meeting_view(user: User, meeting: Meeting) -> ItemView:
    """What ``user`` (a participant: the caller has checked ``can_view_meeting``) sees of a
    meeting: all of it.  Actions: ``respond`` while it may be answered — as the organizer
    that is ``reschedule`` (move it, accept a counter-proposal, or cancel it) — and
    ``log_talk`` for the organizer."""
    actions = []
    if can_respond(user, meeting):
        actions.append("respond")
        if meeting.organizer_id == user.id:
            actions.append("reschedule")
    if meeting.organizer_id == user.id:
        actions.append("log_talk")
    return ItemView(meeting, MEETING_FIELDS, actions=actions, start=meeting.start_at,
                    kind_label=str(KIND_LABELS.get(meeting.kind, meeting.kind)),
                    makeup=meeting.makeup_of is not None)


# --- talk logs ----------------------------------------------------------------------------

def is_talk_participant(user: User, talk: TalkLog) -> bool:
    return any(p.user_id == user.id for p in talk.participants)


def oversees_all_talks(user: User) -> bool:
    """HR and the GM office read the shared part of every talk log (but those that bypass
    them)."""
    return is_gm_office(user) or is_hr(user)


def bypasses(talk: TalkLog, user: User) -> bool:
    """Whether ``talk`` is a skip-level talk that goes around ``user`` (see the module
    docstring).  A participant is never bypassed."""
    if talk.kind != SKIP_LEVEL or is_talk_participant(user, talk):
        return False
    juniors = [p.user_id for p in talk.participants if p.user_id != talk.author_id]
    return standing(user).bypassed_by(talk.author_id, juniors)


def bypassed_ids(talk: TalkLog) -> frozenset[int]:
    """Everybody a skip-level talk goes around: the managers between each other participant
    and the author in the current reporting line (empty for any other kind)."""
    if talk.kind != SKIP_LEVEL:
        return frozenset()
    managers = dict(db.session.execute(select(User.id, User.manager_id)).all())
    members = {p.user_id for p in talk.participants}
    out: set[int] = set()
    for p in talk.participants:
        if p.user_id == talk.author_id:
            continue
        line = _line_ids(p.user_id, managers)
        if talk.author_id in line:
            out.update(line[:line.index(talk.author_id)])
    return frozenset(out - members)


def can_view_talk(user: User, talk: TalkLog) -> bool:
    """The shared part: participants; their managers up the line, HR and the GM office —
    unless the talk is a skip-level talk that bypasses them."""
    if not _active(user):
        return False
    if is_talk_participant(user, talk):
        return True
    if bypasses(talk, user):
        return False
    if oversees_all_talks(user):
        return True
    mine = standing(user)
    return any(p.user_id in mine.below for p in talk.participants)


def can_see_private_note(user: User, talk: TalkLog) -> bool:
    return _active(user) and talk.author_id == user.id


def private_note_for(user: User, talk: TalkLog) -> str | None:
    """The private note when ``user`` wrote it, else None (never an empty-string hint)."""
    return talk.private_note if can_see_private_note(user, talk) else None


def _line_ctes(user: User):
    """Everybody above and below ``user`` in the current reporting line, as recursive CTEs
    (UNION, so a loop in the data ends), for queries that must not load the line first."""
    below = select(User.id).where(User.manager_id == user.id).cte("below", recursive=True)
    below = below.union(select(User.id).join(below, User.manager_id == below.c.id))
    above = select(User.manager_id.label("id")).where(
        User.id == user.id, User.manager_id.is_not(None)).cte("above", recursive=True)
    above = above.union(select(User.manager_id).join(above, User.id == above.c.id)
                        .where(User.manager_id.is_not(None)))
    return above, below


def visible_talks_query(user: User) -> Select:
    """The talk logs whose shared part ``user`` may read (``can_view_talk`` as SQL, in one
    statement: the reporting line is walked inside it)."""
    if not _active(user):
        return select(TalkLog).where(false())
    above, below = _line_ctes(user)
    took_part = exists().where(TalkParticipant.talk_id == TalkLog.id,
                               TalkParticipant.user_id == user.id)
    # A skip-level talk by somebody above me with somebody below me goes around me.
    bypassing = and_(TalkLog.kind == SKIP_LEVEL, TalkLog.author_id.in_(select(above.c.id)),
                     exists().where(TalkParticipant.talk_id == TalkLog.id,
                                    TalkParticipant.user_id.in_(select(below.c.id))))
    if oversees_all_talks(user):
        oversight = not_(bypassing)
    else:
        oversight = and_(not_(bypassing), exists().where(
            TalkParticipant.talk_id == TalkLog.id,
            TalkParticipant.user_id.in_(select(below.c.id))))
    return select(TalkLog).where(or_(took_part, oversight))


def get_talk_or_404(talk_id: int, user: User) -> TalkLog:
    talk = db.session.get(TalkLog, talk_id)
    if talk is None or not can_view_talk(user, talk):
        abort(404)
    return talk


def can_acknowledge(user: User, talk: TalkLog) -> bool:
    """The other participants (not the author) acknowledge the shared part or comment."""
    return _active(user) and is_talk_participant(user, talk) and talk.author_id != user.id


def may_change_item(user: User, item: ActionItem) -> bool:
    """The item's owner changes it; the talk's author does when the owner has left."""
    if not _active(user):
        return False
    if user.id == item.owner_id:
        return True
    if item.owner is not None and item.owner.active:  # (the owner is loaded with the item)
        return False
    return user.id == item.talk.author_id


def can_complete_item(user: User, item: ActionItem) -> bool:
    """An open item that ``user`` may change."""
    return item.done_at is None and may_change_item(user, item)


def completable_item_ids(user: User, items: Iterable[ActionItem]) -> set[int]:
    """The ids of ``items`` that ``user`` may mark done (for the pages' buttons)."""
    return {item.id for item in items if can_complete_item(user, item)}


def get_item_or_404(item_id: int, user: User) -> ActionItem:
    item = db.session.get(ActionItem, item_id)
    if item is None or not can_view_talk(user, item.talk):
        abort(404)
    return item


#: The shared part of a talk log, by the names the API uses (and the pages mark).
TALK_FIELDS = ("id", "number", "kind", "kind_label", "author", "held_at", "duration_minutes",
               "topics", "agreements", "participants", "action_items", "meeting_id",
               "created_at")


def talk_view(user: User, talk: TalkLog) -> ItemView:
    """What ``user`` sees of a talk log the caller has already found visible
    (``get_talk_or_404`` or ``visible_talks_query``): the shared part, and ``private_note``
    for its author alone (when there is one).

    Actions: ``acknowledge`` (the other participants), ``complete_items`` (participants;
    which items, ``completable_item_ids``), ``log_next`` (participants), ``open_meeting`` (the
    participants of the meeting the talk was held in)."""
    fields = list(TALK_FIELDS)
    if can_see_private_note(user, talk) and talk.private_note:
        fields.append("private_note")
    actions = []
    participant = _active(user) and is_talk_participant(user, talk)
    if can_acknowledge(user, talk):
        actions.append("acknowledge")
    if participant:
        actions += ["complete_items", "log_next"]
    if talk.meeting_id is not None and talk.meeting is not None \
            and can_view_meeting(user, talk.meeting):
        actions.append("open_meeting")
    return ItemView(talk, fields, actions=actions,
                    kind_label=str(KIND_LABELS.get(talk.kind, talk.kind)))


# --- appeals ------------------------------------------------------------------------------

def can_view_appeal(user: User, appeal: Any) -> bool:
    """The employee who filed it and the skip-level superior it goes to, nobody else."""
    return _active(user) and user.id in (appeal.employee_id, appeal.superior_id)


# --- compliance and the monthly summary ---------------------------------------------------

def compliance_scope(viewer: User) -> set[int] | None:
    """The people whose talks ``viewer`` may follow (None: everybody, the GM office): the
    viewer, everybody below them in the reporting line, everybody in the departments they
    head and those departments' sub-departments."""
    if is_gm_office(viewer):
        return None
    cache = g.setdefault("_meetings_scope", {}) if has_request_context() else {}
    if viewer.id not in cache:
        # The departments the viewer heads and everything under them, walked in SQL, in
        # the statement that reads everybody's manager for ``standing``.
        tree = select(Department.id).where(Department.head_id == viewer.id).cte(
            "headed", recursive=True)
        tree = tree.union(select(Department.id).join(tree, Department.parent_id == tree.c.id))
        rows = db.session.execute(select(User.id, User.manager_id, User.department_id.in_(
            select(tree.c.id)).label("headed"))).all()
        standings = g.setdefault("_meetings_standing", {}) if has_request_context() else {}
        found = standings.get(viewer.id)
        if found is None:
            found = standings[viewer.id] = _standing_in(
                viewer, {user_id: manager_id for user_id, manager_id, _h in rows})
        cache[viewer.id] = {viewer.id} | set(found.below) | {
            user_id for user_id, _m, headed in rows if headed}
    return set(cache[viewer.id])


def reports_clause(viewer: User):
    """SQL: somebody active reports to ``viewer`` (the header asks it with its counts)."""
    return exists().where(User.manager_id == viewer.id, User.active.is_(True))


def _header(viewer: User):
    """The signed-in person's header facts (one statement per request, which already holds
    ``reports_clause`` and whether they head a department), or None for anybody else."""
    from hub.main.header import header_of, is_signed_in_person  # the app layer, above us

    return header_of(viewer) if is_signed_in_person(viewer) else None


def has_reports(viewer: User) -> bool:
    """Whether anybody active reports to ``viewer`` (asked once per request: the tab row of
    every talk page needs it twice)."""
    header = _header(viewer)
    if header is not None:
        return header.has_reports
    cache = g.setdefault("_meetings_has_reports", {}) if has_request_context() else {}
    if viewer.id not in cache:
        cache[viewer.id] = bool(db.session.scalar(select(reports_clause(viewer))))
    return cache[viewer.id]


def may_view_compliance(viewer: User) -> bool:
    """The compliance pages exist for managers, department heads and the GM office."""
    if not viewer.is_authenticated:
        return False
    if is_gm_office(viewer) or has_reports(viewer):
        return True
    header = _header(viewer)
    return header.heads_a_department if header is not None else bool(heads_of(viewer))


def can_view_compliance(viewer: User, subject: User | Department) -> bool:
    """May ``viewer`` see the talks owed by or to a person, or a department's compliance?"""
    if not viewer.is_authenticated:
        return False
    if is_gm_office(viewer):
        return True
    if isinstance(subject, Department):
        return heads_department(viewer, subject)
    if subject.id == viewer.id:
        return True
    return subject.id in (compliance_scope(viewer) or set())


def can_view_summary(viewer: User) -> bool:
    return is_gm_office(viewer)


def can_configure(viewer: User) -> bool:
    """协作岗位 pairs and appraisal dates: the admin and HR."""
    return is_admin(viewer) or is_hr(viewer)


def may_open_occasions(viewer: User) -> bool:
    return is_hr(viewer) or has_reports(viewer)


def can_open_occasion(viewer: User, employee: User) -> bool:
    """HR for anybody, a manager for their direct reports."""
    return is_hr(viewer) or employee.manager_id == viewer.id


def item_bypasses(viewer: User, item: Any) -> bool:
    """Whether an obligation (``hub.meetings.obligations.Item``) is a skip-level talk that
    goes around ``viewer`` (its two sides never are)."""
    if item.kind != SKIP_LEVEL or viewer.id in (item.senior.id, item.junior.id):
        return False
    return standing(viewer).bypassed_by(item.senior.id, (item.junior.id,))


def visible_items(viewer: User, items: Iterable[Any]) -> list[Any]:
    """The obligations ``viewer`` may see: appeals by their two sides only; the rest by the
    compliance scope, but never a skip-level talk that goes around the viewer."""
    scope = compliance_scope(viewer)
    out = []
    for item in items:
        if item.source == "appeal":
            if viewer.id in (item.senior.id, item.junior.id):
                out.append(item)
        elif item_bypasses(viewer, item):
            continue
        elif scope is None or item.senior.id in scope or viewer.id in (item.senior.id,
                                                                          item.junior.id):
            out.append(item)
    return out


# --- what is waiting for one person (the workbench) --------------------------------------

def todo_for(user: User, now=None) -> list[Select]:
    """What waits for ``user`` here (``hub.common.todo`` rows): meetings they are invited to
    and have not answered, or organize and somebody proposed another time (while they can
    still answer: ``can_respond``), talk records of
    others they have not acknowledged (``can_acknowledge``), and the
    action items they own that are not done.  The title is the other person's name (the
    organizer, the author) or the item's text — what the participant sees anyway.  The
    talks a manager owes are ``hub.meetings.obligations``' (computed, not stored)."""
    from sqlalchemy import func
    from sqlalchemy.orm import aliased

    from hub.common.todo import todo_select

    if not _active(user):
        return []
    now = utcnow() if now is None else now
    organizer, author = aliased(User), aliased(User)
    proposer = (select(author.name).join(MeetingParticipant,
                                         MeetingParticipant.user_id == author.id)
                .where(MeetingParticipant.meeting_id == Meeting.id,
                       MeetingParticipant.response == "proposed")
                .order_by(MeetingParticipant.id).limit(1).scalar_subquery())
    return [
        todo_select("meeting_answer", Meeting.id, title=organizer.name, due_at=Meeting.start_at)
        .join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id)
        .join(organizer, organizer.id == Meeting.organizer_id)
        .where(MeetingParticipant.user_id == user.id, MeetingParticipant.response == "pending",
               Meeting.organizer_id != user.id, Meeting.status != "cancelled",
               Meeting.start_at > now),
        todo_select("meeting_answer", Meeting.id, title=proposer, due_at=Meeting.start_at)
        .where(Meeting.organizer_id == user.id, Meeting.status != "cancelled",
               Meeting.start_at > now, exists().where(
                   MeetingParticipant.meeting_id == Meeting.id,
                   MeetingParticipant.response == "proposed")),
        todo_select("talk_acknowledge", TalkLog.id, number=TalkLog.number, title=author.name)
        .join(TalkParticipant, TalkParticipant.talk_id == TalkLog.id)
        .join(author, author.id == TalkLog.author_id)
        .where(TalkParticipant.user_id == user.id, TalkLog.author_id != user.id,
               TalkParticipant.acknowledged_at.is_(None)),
        todo_select("action_item", ActionItem.talk_id, number=TalkLog.number,
                    title=func.substr(ActionItem.text, 1, 80), due_on=ActionItem.due_date)
        .join(TalkLog, TalkLog.id == ActionItem.talk_id)
        .where(ActionItem.owner_id == user.id, ActionItem.done_at.is_(None)),
    ]


# --- the monthly summary's loop and spot checks (月汇总报审, 抽查) --------------------------
#
# 沟通管理办法 五.1(3): each department head summarises the month's 《沟通记录》 and reports
# it to the GM for review; 五.2(1): the GM supervises by spot checks and by reviewing the
# monthly summaries.
#
# * A department's summary is seen by the GM office (the GM included) and by whoever heads
#   the department or a department above it; anybody else gets a 404.
# * ``submit`` (draft or returned): the department's head.  ``approve`` / ``return``
#   (submitted): the GM — the GM office member at the top of the reporting line (no
#   manager).  ``publish`` (approved): the GM office.
# * Spot checks are the GM office's: a check and its findings are seen by the GM office
#   only, and each picked talk log only by those who may read it (``can_view_talk``): a
#   check never picks, and never shows, a talk log its reader may not open.

SUMMARY_FIELDS = ("id", "period", "department", "status", "status_label", "head", "comment",
                  "owed", "held", "late", "overdue", "talks_logged", "minutes")


def is_general_manager(user: User) -> bool:
    """The GM: a member of the GM office with nobody above them."""
    return _active(user) and is_gm_office(user) and user.manager_id is None


def _headed_departments(user: User):
    """SQL: the ids of the departments ``user`` heads and everything below them."""
    tree = select(Department.id).where(Department.head_id == user.id).cte(
        "summary_headed", recursive=True)
    tree = tree.union(select(Department.id).join(tree, Department.parent_id == tree.c.id))
    return select(tree.c.id)


def may_view_summaries(user: User) -> bool:
    """The 月汇总报审 pages exist for the GM office and department heads."""
    if not _active(user):
        return False
    if is_gm_office(user):
        return True
    header = _header(user)
    return header.heads_a_department if header is not None else bool(heads_of(user))


def can_view_department_summary(user: User, summary: Any) -> bool:
    if not _active(user):
        return False
    return is_gm_office(user) or heads_department(user, summary.department)


def visible_summaries_query(user: User) -> Select:
    from hub.meetings.summaries_models import DepartmentSummary

    if not _active(user):
        return select(DepartmentSummary).where(false())
    if is_gm_office(user):
        return select(DepartmentSummary)
    return select(DepartmentSummary).where(
        DepartmentSummary.department_id.in_(_headed_departments(user)))


def get_summary_or_404(summary_id: int, user: User) -> Any:
    from hub.meetings.summaries_models import DepartmentSummary

    summary = db.session.get(DepartmentSummary, summary_id)
    if summary is None or not can_view_department_summary(user, summary):
        abort(404)
    return summary


def summary_actions(user: User, summary: Any) -> list[str]:
    """What ``user`` may do to a summary in its present state."""
    if not can_view_department_summary(user, summary):
        return []
    actions = []
    if summary.status in ("draft", "returned") and summary.department.head_id == user.id:
        actions.append("submit")
    if summary.status == "submitted" and is_general_manager(user):
        actions += ["approve", "return"]
    if summary.status == "approved" and is_gm_office(user):
        actions.append("publish")
    return actions


def may_act_on_summary(user: User, summary: Any, action: str) -> bool:
    """Whether ``user`` could ever take ``action`` on this summary, whatever its state (the
    difference between a 403 and a 409)."""
    if action == "submit":
        return summary.department.head_id == user.id
    if action in ("approve", "return"):
        return is_general_manager(user)
    if action == "publish":
        return is_gm_office(user)
    return False


def summary_view(user: User, summary: Any, *, figures: Any = None) -> ItemView:
    """What ``user`` (who may see it) sees of a department's summary: all of it.  ``figures``
    are the live figures of a summary not submitted yet (``SummaryRow``-like)."""
    from hub.meetings.summaries_models import FIGURES

    fields = list(SUMMARY_FIELDS)
    if summary.return_reason:
        fields.append("return_reason")
    if summary.review_note:
        fields.append("review_note")
    for name in ("submitted_at", "reviewed_at", "published_at", "announcement_id"):
        if getattr(summary, name) is not None:
            fields.append(name)
    fields.append("history")
    values = {"period": summary.month, "head": summary.department.head,
              "history": summary.events}
    if figures is not None and summary.status in ("draft", "returned"):
        values.update({name: getattr(figures, name) for name in FIGURES})
    from hub.meetings.summaries import STATUS_LABELS

    values["status_label"] = str(STATUS_LABELS[summary.status])
    return ItemView(summary, fields, actions=summary_actions(user, summary), **values)


def may_spot_check(user: User) -> bool:
    return _active(user) and is_gm_office(user)


def get_spot_check_or_404(check_id: int, user: User) -> Any:
    from hub.meetings.summaries_models import SpotCheck

    check = db.session.get(SpotCheck, check_id) if may_spot_check(user) else None
    if check is None:
        abort(404)
    return check


def spot_check_talk_ids(user: User, talk_ids: Iterable[int]) -> set[int]:
    """Which of these talk logs ``user`` may read (one statement)."""
    ids = list(talk_ids)
    if not ids:
        return set()
    query = visible_talks_query(user).where(TalkLog.id.in_(ids)).with_only_columns(TalkLog.id)
    return set(db.session.scalars(query))


def summaries_todo_for(user: User) -> list[Select]:
    """What waits for ``user`` in the monthly summary's loop (``hub.common.todo`` rows): a
    head's drafts and returned summaries to submit, the GM's submitted ones to review, and
    for the GM office each month with approved summaries to publish."""
    from sqlalchemy import func, literal

    from hub.common.todo import todo_select
    from hub.meetings.summaries_models import DepartmentSummary

    if not _active(user):
        return []
    title = Department.name + literal(" · ") + DepartmentSummary.month
    selects = [
        todo_select("summary_submit", DepartmentSummary.id, title=title)
        .join(Department, Department.id == DepartmentSummary.department_id)
        .where(Department.head_id == user.id,
               DepartmentSummary.status.in_(("draft", "returned")))]
    if is_general_manager(user):
        selects.append(
            todo_select("summary_review", DepartmentSummary.id, title=title)
            .join(Department, Department.id == DepartmentSummary.department_id)
            .where(DepartmentSummary.status == "submitted"))
    if is_gm_office(user):
        selects.append(
            todo_select("summary_publish", func.min(DepartmentSummary.id),
                        title=DepartmentSummary.month)
            .where(DepartmentSummary.status == "approved")
            .group_by(DepartmentSummary.month))
    return selects
