"""Who may see and do what in the GM mailbox, and what one person sees of one letter.

* **The GM office** (role ``gm_office``) sees every letter and takes every step.
* **The writer** of a named letter sees it (never the internal notes) and may add to it
  until it is archived.  An anonymous letter has no writer here: it is followed with its
  receipt code only.
* **The handlers** of an assigned letter — the head of the department it is assigned to
  and the person named as its handler — see it with the internal notes, may mark it
  resolved and add notes.
* Nobody else, and no inactive account: a letter somebody may not see is a 404.

``letter_view(user, letter)`` is what the page, the API, the notices and the exports read:
which fields this person sees and which actions they may take.  Everything that decides
visibility for the mailbox is in this module; ``hub.mailbox.services`` asks it.
"""
from __future__ import annotations

from datetime import datetime

from flask import abort
from sqlalchemy import Select, and_, false, or_, select

from hub.common.access import ItemView
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox.models import Letter, LetterEvent
from hub.org.models import Department, User
from hub.org.permissions import is_gm_office
from hub.org.services import department_head

#: action → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({"submitted"}), "accepted"),
    "assign": (frozenset({"accepted", "assigned"}), "assigned"),
    "resolve": (frozenset({"assigned"}), "resolved"),
    "answer": (frozenset({"accepted", "resolved"}), "answered"),
    "archive": (frozenset({"answered", "rejected"}), "archived"),
    "reject": (frozenset({"submitted", "accepted"}), "rejected"),
    # the writer's verdict: "not satisfied" puts the letter back before the GM office
    "give_feedback": (frozenset({"answered", "rejected"}), "accepted"),
    # a department returns a wrongly assigned letter to the GM office for reassignment
    "return": (frozenset({"assigned"}), "accepted"),
}
OPEN_STATUSES = frozenset({"submitted", "accepted", "assigned", "resolved"})
#: Where the writer's verdict on an answer (有解必答) may be given; "not satisfied" and a
#: department's 退回 put the letter back in the GM office's hands (``REOPENED_STATUS``).
FEEDBACK_STATUSES = TRANSITIONS["give_feedback"][0]
REOPENED_STATUS = TRANSITIONS["give_feedback"][1]
#: The history steps of the writer's verdict.
VERDICTS = ("satisfied", "dissatisfied")

# --- who may see and do what ------------------------------------------------------------

def is_author(user: User, letter: Letter) -> bool:
    return letter.author_id is not None and letter.author_id == user.id


def handles(user: User, letter: Letter) -> bool:
    """The head of the department the letter is assigned to, or its named handler."""
    if letter.department_id is None:
        return False
    if letter.handler_id == user.id:
        return True
    head = department_head(letter.department) if letter.department else None
    return head is not None and head.id == user.id


def can_view_letter(user: User, letter: Letter) -> bool:
    if not user.is_authenticated or not user.active:
        return False
    return is_gm_office(user) or is_author(user, letter) or handles(user, letter)


def can_act(user: User, letter: Letter, action: str) -> bool:
    """Whether ``user`` may take ``action`` on ``letter`` in its current state."""
    if not can_view_letter(user, letter):
        return False
    if action in TRANSITIONS and letter.status not in TRANSITIONS[action][0]:
        return False
    office = is_gm_office(user)
    if action in ("accept", "assign", "answer", "archive", "reject"):
        return office
    if action == "resolve":
        return office or handles(user, letter)
    if action == "note":
        return office or handles(user, letter)
    if action == "reply":
        return office and letter.status not in ("archived",)
    if action == "message":
        return is_author(user, letter) and accepts_follow_up(letter)
    if action == "give_feedback":
        return is_author(user, letter) and awaits_feedback(letter)
    if action == "urge":
        return office and assignment_overdue(letter) and not urged_today(letter)
    if action == "return":
        return letter.status == "assigned" and handles(user, letter)
    return False


def awaits_feedback(letter: Letter) -> bool:
    """Whether the writer may give a verdict now: the letter is answered (or refused with a
    reason) and no verdict was given on this answer yet."""
    if letter.status not in FEEDBACK_STATUSES:
        return False
    last = _last_event(letter, VERDICTS + ("answer", "reject"))
    return last is not None and last.action not in VERDICTS


def urged_today(letter: Letter, now: datetime | None = None) -> bool:
    """催办 is once per working day and letter: whether it was urged today already."""
    last = _last_event(letter, ("urge",))
    return last is not None and local_date(last.at) == local_date(now or utcnow())


def _last_event(letter: Letter, actions: tuple[str, ...]) -> LetterEvent | None:
    """The latest step among ``actions``, by the order the steps were taken."""
    steps = [e for e in letter.events if e.action in actions]
    return max(steps, key=lambda e: e.id or 0) if steps else None


def latest_feedback(letter: Letter) -> dict | None:
    """The writer's latest verdict: satisfied (bool), reason, at; None before any."""
    last = _last_event(letter, VERDICTS)
    if last is None:
        return None
    return {"satisfied": last.action == "satisfied", "reason": last.text or "", "at": last.at}


def accepts_follow_up(letter: Letter) -> bool:
    """Whether the writer may still add to the letter (by page or by receipt)."""
    return letter.status != "archived"


def allowed_actions(user: User, letter: Letter) -> list[str]:
    return [a for a in ("accept", "assign", "urge", "resolve", "return", "answer", "reject",
                        "archive", "reply", "note", "message", "give_feedback")
            if can_act(user, letter, a)]


def visible_letters(user: User) -> Select:
    """The letters ``user`` may see, as a query: the same rule as ``can_view_letter``, for
    lists, counts and exports."""
    stmt = select(Letter)
    if not user.is_authenticated or not user.active:
        return stmt.where(false())
    if is_gm_office(user):
        return stmt
    return stmt.where(or_(Letter.author_id == user.id, _handled_by(user)))


def _handled_by(user: User):
    """The query form of ``handles``: assigned to a department ``user`` heads, or to
    ``user`` by name."""
    headed = select(Department.id).where(Department.head_id == user.id)
    return or_(Letter.handler_id == user.id, Letter.department_id.in_(headed))


def assigned_letters(user: User) -> Select:
    """The 督办 list: letters assigned to ``user`` (by name or as department head), in any
    status.  Also for the GM office, whose own inbox holds everything else."""
    if not user.is_authenticated or not user.active:
        return select(Letter).where(false())
    return select(Letter).where(_handled_by(user))


def get_letter_or_404(letter_id: int, user: User) -> Letter:
    letter = db.session.get(Letter, letter_id)
    if letter is None or not can_view_letter(user, letter):
        abort(404)
    return letter


def receipt_letter(code: str | None, letter_id: int) -> Letter | None:
    """The letter a receipt code opens when it is letter ``letter_id``: only an anonymous
    letter is followed by its code.  None (a 404) for a wrong code or another letter."""
    from hub.mailbox.services import letter_by_receipt

    letter = letter_by_receipt(code)
    if letter is None or letter.id != letter_id or not letter.anonymous:
        return None
    return letter


def visible_events(user: User | None, letter: Letter) -> list[LetterEvent]:
    """The history as ``user`` may read it; ``None`` is the anonymous writer with a receipt.
    Internal notes are for handlers only."""
    handler_view = user is not None and (is_gm_office(user) or handles(user, letter))
    return [e for e in letter.events if handler_view or not e.internal]


# --- deadlines -------------------------------------------------------------------------

def acceptance_overdue(letter: Letter, now: datetime | None = None) -> bool:
    return letter.status == "submitted" and (now or utcnow()) > letter.accept_due_at


def assignment_overdue(letter: Letter, now: datetime | None = None) -> bool:
    return letter.status == "assigned" and letter.due_at is not None \
        and (now or utcnow()) > letter.due_at


def is_overdue(letter: Letter, now: datetime | None = None) -> bool:
    return acceptance_overdue(letter, now) or assignment_overdue(letter, now)


def overdue_clause(now: datetime):
    return or_(
        and_(Letter.status == "submitted", Letter.accept_due_at < now),
        and_(Letter.status == "assigned", Letter.due_at.is_not(None), Letter.due_at < now),
    )


# --- who handles a letter ----------------------------------------------------------------

def handlers_of(letter: Letter) -> list[User]:
    """Who handles an assigned letter (the named handler and the department head), for
    the notices and reminders of an assignment."""
    people = [letter.handler] if letter.handler else []
    head = department_head(letter.department) if letter.department else None
    if head is not None and head not in people:
        people.append(head)
    return [p for p in people if p.active]


# --- what one person sees of one letter ------------------------------------------------

#: Every field of a letter (the API's names; pages mark them with ``data-field``).
LETTER_FIELDS = frozenset({
    "id", "number", "subject", "category", "category_label", "status", "status_label",
    "anonymous", "author", "department", "handler", "filed_at", "accept_due_at", "due_at",
    "due_date", "overdue", "answered_at", "body", "body_html", "answer", "accepted_at",
    "assigned_at", "resolved_at", "closed_at", "history", "allowed_actions", "attachments",
    "feedback",
})

#: What the anonymous writer sees by receipt code: the letter, its answer, the history
#: without internal notes, the latest verdict and what may be done by receipt — never
#: a person, a department or a deadline.
RECEIPT_FIELDS = frozenset({
    "number", "subject", "category", "category_label", "status", "status_label",
    "answer", "answered_at", "history", "feedback", "allowed_actions",
})


#: What a list shows of each letter (no history, body or actions: those cost per row).
SUMMARY_FIELDS = frozenset({
    "id", "number", "subject", "category", "category_label", "status", "status_label",
    "anonymous", "author", "department", "handler", "filed_at", "accept_due_at", "due_at",
    "due_date", "overdue", "answered_at",
})


def _writer(letter: Letter) -> User | None:
    """The writer as everybody who may see the letter sees them: nobody for an anonymous
    letter (``author`` is then shown as empty, as API.md has it)."""
    return None if letter.anonymous else letter.author


def letter_summary_view(user: User, letter: Letter, now: datetime | None = None) -> ItemView:
    """A row of a list: ``letter_view`` without the history, the text and the actions."""
    now = now or utcnow()
    return ItemView(letter, SUMMARY_FIELDS, author=_writer(letter),
                    overdue=is_overdue(letter, now),
                    due_date=local_date(letter.due_at) if letter.due_at else None)


def letter_view(user: User, letter: Letter, now: datetime | None = None) -> ItemView:
    """What ``user`` (who may see ``letter``) sees of it: every field (the writer of an
    anonymous letter empty), the history without internal notes unless ``user`` handles
    it, and the actions ``user`` may take now.  Pages, the API and exports render only this."""
    now = now or utcnow()
    actions = allowed_actions(user, letter)
    return ItemView(
        letter, LETTER_FIELDS, actions=actions, author=_writer(letter),
        history=visible_events(user, letter),
        allowed_actions=actions,
        overdue=is_overdue(letter, now),
        due_date=local_date(letter.due_at) if letter.due_at else None,
        feedback=latest_feedback(letter),
    )


def receipt_actions(letter: Letter) -> list[str]:
    """What the anonymous writer may do by receipt: add to the letter, give a verdict."""
    actions = []
    if accepts_follow_up(letter):
        actions.append("message")
    if letter.anonymous and awaits_feedback(letter):
        actions.append("give_feedback")
    return actions


def letter_receipt_view(letter: Letter) -> ItemView:
    """What the anonymous writer, known only by the receipt code, sees of ``letter``: the
    receipt pages and the receipt API render only this."""
    actions = receipt_actions(letter)
    return ItemView(letter, RECEIPT_FIELDS, actions=actions, allowed_actions=actions,
                    history=visible_events(None, letter), feedback=latest_feedback(letter))


# --- what is waiting for one person (the workbench) --------------------------------------

def todo_for(user: User) -> list[Select]:
    """The letters waiting for ``user`` (``hub.common.todo`` rows): the GM office accepts
    new letters, assigns or answers accepted ones and answers resolved ones; the handlers
    of an assigned letter resolve it.  The subject is shown: everybody here may read it."""
    from hub.common.todo import todo_select

    if not user.is_authenticated or not user.active:
        return []

    def rows(kind: str, due=None) -> Select:
        return todo_select(kind, Letter.id, number=Letter.number, title=Letter.subject,
                           due_at=due)

    found = [rows("letter_handle", Letter.due_at)
             .where(Letter.status == "assigned", _handled_by(user))]
    if is_gm_office(user):
        found += [rows("letter_accept", Letter.accept_due_at).where(Letter.status == "submitted"),
                  rows("letter_assign").where(Letter.status == "accepted"),
                  rows("letter_answer").where(Letter.status == "resolved")]
    return found
