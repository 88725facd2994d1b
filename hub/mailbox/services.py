"""The rules of the GM mailbox: filing, the lifecycle, deadlines and reminders.  Who may
see and do what is ``hub.mailbox.access``; this module asks it.

Lifecycle (SPEC §1)::

    submitted → accepted → assigned → resolved → answered → archived
         └──────────┴→ rejected (with a reason, which is the answer) → archived

The GM office may answer an accepted letter at once when no department needs to act, and may
re-assign a letter that is being handled.  Every step appends a ``LetterEvent``.

Each step happens now unless given ``at`` (a past moment, for the demo company and for
letters carried over from paper records); the history and the letter's time stamps agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from hub.common import history, holding, receipts
from hub.common.attachments import store_uploads
from hub.common.numbering import next_number
from hub.common.tasks import finished, item_key
from hub.common.time import company_tz, utcnow
from hub.common.urls import path_for
from hub.common.workdays import (
    WorkCalendar,
    due_after_working_days,
    end_of_day_utc,
    local_date,
)
from hub.extensions import db
from hub.mailbox.access import (  # noqa: F401  (re-exported: one import for the callers)
    FEEDBACK_STATUSES,
    OPEN_STATUSES,
    REOPENED_STATUS,
    TRANSITIONS,
    acceptance_overdue,
    accepts_follow_up,
    allowed_actions,
    assigned_letters,
    assignment_overdue,
    awaits_feedback,
    can_act,
    can_view_letter,
    get_letter_or_404,
    handlers_of,
    handles,
    is_author,
    is_overdue,
    overdue_clause,
    urged_today,
    visible_events,
    visible_letters,
)
from hub.mailbox.history import HISTORY_MESSAGES
from hub.mailbox.models import CATEGORIES, Letter, LetterEvent
from hub.notifications.services import notify
from hub.org.models import Department, User, UserRole
from hub.org.services import department_head, department_subtree

PREFIX = "GM"
ACCEPT_WITHIN_WORKING_DAYS = 2
SUBJECT_MAX = 200
BODY_MAX = 20000
TEXT_MAX = 10000

CATEGORY_LABELS = {
    "suggestion": _l("建议"),
    "issue": _l("重要问题"),
    "complaint": _l("投诉"),
    "other": _l("其他"),
}
STATUS_LABELS = {
    "submitted": _l("已提交"),
    "accepted": _l("已受理"),
    "assigned": _l("督办中"),
    "resolved": _l("已解决"),
    "answered": _l("已答复"),
    "archived": _l("已归档"),
    "rejected": _l("不予受理"),
}
ACTION_LABELS = {
    "submit": _l("提交来信"),
    "accept": _l("受理"),
    "assign": _l("交办督办"),
    "reassign": _l("重新交办"),
    "resolve": _l("办理完毕"),
    "answer": _l("答复"),
    "archive": _l("归档"),
    "reject": _l("不予受理"),
    "note": _l("内部备注"),
    "message": _l("来信人补充"),
    "reply": _l("回复来信人"),
    "escalate": _l("超期提醒"),
    "urge": _l("催办"),
    "return": _l("退回总经办"),
    "give_feedback": _l("评价答复"),
    "satisfied": _l("来信人满意"),
    "dissatisfied": _l("来信人不满意"),
}

class LetterError(Exception):
    """A request the mailbox refuses; ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidTransition(LetterError):
    status = 409


# --- filing ----------------------------------------------------------------------------

@dataclass
class Filed:
    #: None while an anonymous letter is held back (``hub.common.holding``): it has no id
    #: or number until the background worker releases it.
    letter: Letter | None
    receipt_code: str | None


def _clean(text: str | None, field: str, limit: int, required: bool = True) -> str:
    value = (text or "").strip()
    if required and not value:
        raise LetterError(_("请填写此项。"), {field: [_("请填写此项。")]})
    if len(value) > limit:
        message = _("不能超过 %(n)s 个字符。", n=limit)
        raise LetterError(message, {field: [message]})
    return value


def _start_of_local_day_utc(day: date) -> datetime:
    local = datetime.combine(day, time.min, tzinfo=company_tz())
    return local.astimezone(UTC).replace(tzinfo=None)


def file_letter(author: User, *, subject: str, body: str, category: str,
                anonymous: bool = False, urgent: bool = False, uploads: list | None = None,
                now: datetime | None = None) -> Filed:
    """File a letter.  For an anonymous letter the author is forgotten here, at once: the
    row, its history and its notifications carry no trace of who wrote it.

    An anonymous letter written now goes to the holding table and enters the records with
    the next batch (``hub.common.holding``), unless the writer marks it ``urgent`` or the
    release window is 0; one given a past ``now`` (the demo, paper records) is recorded
    at once."""
    subject = _clean(subject, "subject", SUBJECT_MAX)
    body = _clean(body, "body", BODY_MAX)
    if category not in CATEGORIES:
        raise LetterError(_("未知的类别。"), {"category": [_("未知的类别。")]})
    held = anonymous and now is None and holding.holds(urgent=urgent)
    now = now or utcnow()
    today = local_date(now)
    # an anonymous filing's files lose their metadata before they are stored
    attachments = store_uploads(uploads or [], today, clean=anonymous)
    code = receipts.new_code() if anonymous else None
    if held:
        holding.hold("letter", {"subject": subject, "body": body, "category": category},
                     receipts.digest(code), attachments=attachments, now=now)
        return Filed(None, code)
    letter = _record_letter(
        author=None if anonymous else author, subject=subject, body=body, category=category,
        receipt_hash=receipts.digest(code) if code else None, attachments=attachments,
        filed_at=_start_of_local_day_utc(today) if anonymous else now)
    if not anonymous:
        # Anonymous letters are announced to the GM office by the periodic digest instead,
        # so that no notification's time stamp points at the moment of writing.
        _notify_office(_l("新来信 %(number)s：%(subject)s", number=letter.number,
                          subject=letter.subject), letter, task="accept")
    return Filed(letter, code)


def _record_letter(*, author: User | None, subject: str, body: str, category: str,
                   receipt_hash: str | None, attachments: list, filed_at: datetime) -> Letter:
    """The letter, its number and its first step, filed at ``filed_at``."""
    today = local_date(filed_at)
    number = next_number(PREFIX, today.year)
    letter = Letter(
        number=number, year=today.year, seq=int(number.rsplit("-", 1)[1]),
        subject=subject, body=body, category=category, anonymous=author is None,
        author_id=author.id if author else None,
        author_department_id=author.department_id if author else None,
        receipt_hash=receipt_hash,
        status="submitted", filed_on=today, filed_at=filed_at,
        accept_due_at=due_after_working_days(filed_at, ACCEPT_WITHIN_WORKING_DAYS),
        attachments=attachments,
    )
    db.session.add(letter)
    _event(letter, author, "submit", to_status="submitted", at=filed_at)
    db.session.flush()
    return letter


@holding.releases("letter", announce=lambda: announce_anonymous_letters())
def _release_letter(fields: dict, receipt_hash: str, attachments: list,
                    now: datetime) -> Letter:
    """A held anonymous letter enters the records at the moment of its batch's release."""
    return _record_letter(author=None, subject=fields["subject"], body=fields["body"],
                          category=fields["category"], receipt_hash=receipt_hash,
                          attachments=attachments, filed_at=now)


# --- the lifecycle ---------------------------------------------------------------------

#: The steps an anonymous writer takes (by receipt): no actor, "writer" as the label.
WRITER_STEPS = frozenset({"submit", "message", "satisfied", "dissatisfied"})


def _event(letter: Letter, actor: User | None, action: str, *, text: str = "",
           internal: bool = False, from_status: str | None = None,
           to_status: str | None = None, at: datetime | None = None,
           **details) -> LetterEvent:
    event = LetterEvent(
        letter=letter, at=at or utcnow(), actor_id=actor.id if actor else None,
        actor_label=None if actor else ("writer" if action in WRITER_STEPS else "system"),
        action=action, from_status=from_status, to_status=to_status, text=text,
        internal=internal, **details)
    db.session.add(event)
    return event


#: The tasks a step finishes (their notifications are done): None is every task of the
#: letter.  A new assignment ends the previous handlers' task too.
FINISHED_TASKS: dict[str, tuple[str | None, ...]] = {
    "accept": ("accept",), "assign": ("assign", "resolve"), "resolve": ("resolve",),
    "return": ("resolve",), "answer": (None,), "reject": (None,), "archive": (None,),
}


def _transition(letter: Letter, actor: User, action: str, **event_fields) -> None:
    if not can_view_letter(actor, letter):
        abort(404)
    sources, target = TRANSITIONS[action]
    if letter.status not in sources:
        raise InvalidTransition(_("当前状态“%(status)s”下不能执行“%(action)s”。",
                                  status=STATUS_LABELS[letter.status],
                                  action=ACTION_LABELS[action]))
    if not can_act(actor, letter, action):
        raise LetterError(_("您不能对这封来信执行此操作。"))
    before = letter.status
    letter.status = target
    _event(letter, actor, event_fields.pop("event_action", action), from_status=before,
           to_status=target, **event_fields)
    for task in FINISHED_TASKS.get(action, ()):
        finished(item_key("letter", letter.id), task)


def accept(letter: Letter, actor: User, text: str = "", *, at: datetime | None = None) -> None:
    text = _clean(text, "text", TEXT_MAX, required=False)
    at = at or utcnow()
    _transition(letter, actor, "accept", text=text, at=at)
    letter.accepted_at = at
    _notify_writer(letter, _l("您的来信 %(number)s 已受理", number=letter.number))
    db.session.flush()


def assign(letter: Letter, actor: User, *, department: Department | None,
           handler: User | None = None, due_date: date | None = None, text: str = "",
           at: datetime | None = None) -> None:
    text = _clean(text, "text", TEXT_MAX, required=False)
    at = at or utcnow()
    if department is None:
        raise LetterError(_("请选择承办部门。"), {"department_id": [_("请选择承办部门。")]})
    if handler is not None and (not handler.active or handler.department_id not in
                                {d.id for d in department_subtree(department)}):
        message = _("承办人必须是承办部门（含下级部门）的在职人员。")
        raise LetterError(message, {"handler_id": [message]})
    if handler is None and department_head(department) is None:
        message = _("该部门没有负责人，请指定承办人。")
        raise LetterError(message, {"handler_id": [message]})
    if due_date is None:
        raise LetterError(_("请填写办理期限。"), {"due_date": [_("请填写办理期限。")]})
    if due_date < local_date(at):
        message = _("办理期限不能早于今天。")
        raise LetterError(message, {"due_date": [message]})
    reassigning = letter.status == "assigned"
    due_at = end_of_day_utc(due_date)
    _transition(letter, actor, "assign", text=text,
                event_action="reassign" if reassigning else "assign",
                department_id=department.id, handler_id=handler.id if handler else None,
                due_at=due_at, at=at)
    letter.department = department
    letter.handler = handler
    letter.due_at = due_at
    letter.assigned_at = at
    letter.escalation_level = 0
    title = _l("督办：来信 %(number)s 请于 %(due)s 前办理", number=letter.number,
               due=due_date.isoformat())
    for person in handlers_of(letter):
        notify(person, kind="letter.assigned", title=title, body=letter.subject,
               url=path_for("mailbox.letter", letter_id=letter.id),
               item=item_key("letter", letter.id), task="resolve")
    db.session.flush()


def resolve(letter: Letter, actor: User, text: str, *, at: datetime | None = None) -> None:
    text = _clean(text, "text", TEXT_MAX)
    at = at or utcnow()
    _transition(letter, actor, "resolve", text=text, internal=True, at=at)
    letter.resolved_at = at
    _notify_office(_l("来信 %(number)s 已由 %(department)s 办理完毕，待答复",
                      number=letter.number, department=letter.department.name), letter,
                   task="answer")
    db.session.flush()


def answer(letter: Letter, actor: User, text: str, *, at: datetime | None = None) -> None:
    text = _clean(text, "text", TEXT_MAX)
    at = at or utcnow()
    _transition(letter, actor, "answer", text=text, at=at)
    letter.answer = text
    letter.answered_at = at
    _notify_writer(letter, _l("您的来信 %(number)s 已答复", number=letter.number))
    db.session.flush()


def reject(letter: Letter, actor: User, text: str, *, at: datetime | None = None) -> None:
    text = _clean(text, "text", TEXT_MAX)
    at = at or utcnow()
    _transition(letter, actor, "reject", text=text, at=at)
    letter.answer = text
    letter.answered_at = letter.closed_at = at
    _notify_writer(letter, _l("您的来信 %(number)s 不予受理", number=letter.number))
    db.session.flush()


def archive(letter: Letter, actor: User, text: str = "", *,
            at: datetime | None = None) -> None:
    text = _clean(text, "text", TEXT_MAX, required=False)
    at = at or utcnow()
    _transition(letter, actor, "archive", text=text, internal=True, at=at)
    letter.closed_at = at
    db.session.flush()


def add_note(letter: Letter, actor: User, text: str, *, at: datetime | None = None) -> None:
    """An internal note among handlers; never shown to the writer."""
    text = _clean(text, "text", TEXT_MAX)
    if not can_act(actor, letter, "note"):
        raise LetterError(_("您不能对这封来信执行此操作。"))
    _event(letter, actor, "note", text=text, internal=True, at=at)
    db.session.flush()


def reply(letter: Letter, actor: User, text: str, *, at: datetime | None = None) -> None:
    """A message from the GM office to the writer (seen on the letter and the receipt)."""
    text = _clean(text, "text", TEXT_MAX)
    if not can_act(actor, letter, "reply"):
        raise LetterError(_("您不能对这封来信执行此操作。"))
    _event(letter, actor, "reply", text=text, at=at)
    _notify_writer(letter, _l("总经办就来信 %(number)s 给您留言", number=letter.number))
    db.session.flush()


def add_writer_message(letter: Letter, text: str, writer: User | None = None) -> LetterEvent:
    """A follow-up from the writer: signed in for a named letter, by receipt (``writer`` is
    None) for an anonymous one, whose message is dated to the day only.  Returns the new
    step of the history (the API answers with it)."""
    text = _clean(text, "text", TEXT_MAX)
    if not accepts_follow_up(letter):
        raise InvalidTransition(_("来信已归档，不能再补充。"))
    if writer is not None and not is_author(writer, letter):
        abort(404)
    at = _start_of_local_day_utc(local_date(utcnow())) if writer is None else None
    event = _event(letter, writer, "message", text=text, at=at)
    if writer is not None:
        _notify_office(_l("来信 %(number)s 有来信人补充", number=letter.number), letter)
    db.session.flush()
    return event


ACTIONS = {
    "accept": lambda letter, actor, f: accept(letter, actor, f.get("text", "")),
    "assign": lambda letter, actor, f: assign(
        letter, actor, department=f.get("department"), handler=f.get("handler"),
        due_date=f.get("due_date"), text=f.get("text", "")),
    "resolve": lambda letter, actor, f: resolve(letter, actor, f.get("text", "")),
    "answer": lambda letter, actor, f: answer(letter, actor, f.get("text", "")),
    "reject": lambda letter, actor, f: reject(letter, actor, f.get("text", "")),
    "archive": lambda letter, actor, f: archive(letter, actor, f.get("text", "")),
    "note": lambda letter, actor, f: add_note(letter, actor, f.get("text", "")),
    "reply": lambda letter, actor, f: reply(letter, actor, f.get("text", "")),
    "message": lambda letter, actor, f: add_writer_message(letter, f.get("text", ""), actor),
    "urge": lambda letter, actor, f: urge(letter, actor, f.get("text", "")),
    "return": lambda letter, actor, f: return_letter(letter, actor, f.get("text", "")),
    "give_feedback": lambda letter, actor, f: give_feedback(
        letter, satisfied=f.get("satisfied"), reason=f.get("reason") or f.get("text", ""),
        writer=actor),
}


def perform(letter: Letter, actor: User, action: str, fields: dict) -> None:
    """One entry point for pages and the API: ``fields`` holds text, department, handler,
    due_date as the action needs."""
    if action not in ACTIONS:
        raise LetterError(_("未知的操作。"), {"action": [_("未知的操作。")]})
    ACTIONS[action](letter, actor, fields)


def bulk_accept(letters: list[Letter], actor: User) -> int:
    done = 0
    for letter in letters:
        if can_act(actor, letter, "accept"):
            accept(letter, actor)
            done += 1
    return done


# --- receipts --------------------------------------------------------------------------

def letter_by_receipt(code: str | None) -> Letter | None:
    digest = receipts.digest(code)
    if digest is None:
        return None
    return db.session.scalar(select(Letter).where(Letter.receipt_hash == digest))


# --- notifications ---------------------------------------------------------------------

def gm_office_members() -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == "gm_office", User.active.is_(True))
        .order_by(User.id)))


def _notify_office(title, letter: Letter, task: str | None = None) -> None:
    """Tell the GM office (``task``: what it asks them to do, done when a step finishes it)."""
    for person in gm_office_members():
        notify(person, kind="letter.office", title=title,
               url=path_for("mailbox.letter", letter_id=letter.id),
               item=item_key("letter", letter.id), task=task)


def _notify_writer(letter: Letter, title) -> None:
    if letter.author is not None:
        notify(letter.author, kind="letter.writer", title=title, body=letter.subject,
               url=path_for("mailbox.letter", letter_id=letter.id),
               item=item_key("letter", letter.id))


def announce_anonymous_letters() -> int:
    """Tell the GM office about anonymous letters nobody has been told of yet (one digest)."""
    from hub.common.models import get_setting, set_setting

    last_seen = int(get_setting("mailbox.anonymous_announced_id", "0") or 0)
    new = list(db.session.scalars(
        select(Letter).where(Letter.anonymous.is_(True), Letter.id > last_seen)
        .order_by(Letter.id)))
    if not new:
        return 0
    numbers = "、".join(letter.number for letter in new)
    for person in gm_office_members():
        notify(person, kind="letter.office", title=_l("新的匿名来信 %(n)s 封", n=len(new)),
               body=numbers, url=path_for("mailbox.inbox", status="submitted"))
    set_setting("mailbox.anonymous_announced_id", str(new[-1].id))
    return len(new)


def escalate_overdue(now: datetime | None = None) -> int:
    """Level 1 when a deadline passes: the people responsible are told.  Level 2 one working
    day later: the whole GM office is told.  Each level fires once per assignment."""
    now = now or utcnow()
    count = 0
    letters = list(db.session.scalars(select(Letter).where(
        overdue_clause(now), Letter.escalation_level < 2)))  # level 2 is the last
    dues = [letter.accept_due_at if letter.status == "submitted" else letter.due_at
            for letter in letters]
    cal = WorkCalendar(min(map(local_date, dues)), max(map(local_date, dues))
                       + timedelta(days=30)) if letters else None
    for letter, due in zip(letters, dues):
        level = 1
        next_working = local_date(due) + timedelta(days=1)
        while not cal.is_working(next_working):
            next_working += timedelta(days=1)
        if now > end_of_day_utc(next_working):
            level = 2
        if letter.escalation_level >= level:
            continue
        url = path_for("mailbox.letter", letter_id=letter.id)
        if letter.status == "submitted" or level == 2:
            key = "overdue_accept" if letter.status == "submitted" else "overdue_finish"
            people = gm_office_members()
        else:
            key = "overdue_assignment"
            people = handlers_of(letter)
        title = HISTORY_MESSAGES[key]({"number": letter.number})
        for person in people:
            notify(person, kind="letter.overdue", title=title, body=letter.subject, url=url,
                   item=item_key("letter", letter.id),
                   task="accept" if letter.status == "submitted" else "resolve")
        _event(letter, None, "escalate", text=str(title), internal=True, at=now,
               params=history.message(key, number=letter.number))
        letter.escalation_level = level
        count += 1
    db.session.flush()
    return count


# --- lists and statistics ----------------------------------------------------------------

def filter_letters(stmt: Select, *, status: str | None = None, category: str | None = None,
                   overdue: bool = False, department_id: int | None = None,
                   now: datetime | None = None) -> Select:
    if status:
        stmt = stmt.where(Letter.status == status)
    if category:
        stmt = stmt.where(Letter.category == category)
    if overdue:
        stmt = stmt.where(overdue_clause(now or utcnow()))
    if department_id:
        stmt = stmt.where(Letter.department_id == department_id)
    return stmt


def paginate(stmt: Select, page: int, per_page: int) -> tuple[list[Letter], int]:
    """One page of ``stmt`` and the total, in two statements whatever the page's size: the
    people and departments a list shows come joined with the letters."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(
        stmt.options(joinedload(Letter.author), joinedload(Letter.department),
                     joinedload(Letter.handler))
        .order_by(Letter.filed_on.desc(), Letter.id.desc())
        .limit(per_page).offset((max(page, 1) - 1) * per_page)))
    return items, total or 0


# The writer's verdict, 催办 and 退回 live in hub.mailbox.loop, which builds on the helpers
# above; imported last so that ``ACTIONS`` and the callers find them here as well.
from hub.mailbox.loop import give_feedback, return_letter, urge
