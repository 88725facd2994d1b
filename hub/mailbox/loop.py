"""Closing the loop of a letter (有解必答): the writer's verdict on the answer, the GM
office's 催办 of an overdue assignment and a department's 退回 of a letter assigned to it by
mistake.  The rules around the lifecycle of ``hub.mailbox.services``, on its helpers; who may
do each is ``hub.mailbox.access``.
"""
from __future__ import annotations

from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hub.common.tasks import item_key
from hub.common.time import utcnow
from hub.common.urls import path_for
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox.access import (
    REOPENED_STATUS,
    assignment_overdue,
    awaits_feedback,
    can_act,
    can_view_letter,
    handlers_of,
    is_author,
    urged_today,
)
from hub.mailbox.models import Letter, LetterEvent
from hub.mailbox.services import (
    TEXT_MAX,
    InvalidTransition,
    LetterError,
    _clean,
    _event,
    _notify_office,
    _start_of_local_day_utc,
    _transition,
    gm_office_members,
)
from hub.notifications.services import notify
from hub.org.models import User


def urge(letter: Letter, actor: User, text: str = "", *, at: datetime | None = None) -> None:
    """催办: the GM office presses the handlers of an overdue assignment (a notice and an
    e-mail to each), at most once per working day and letter."""
    text = _clean(text, "text", TEXT_MAX, required=False)
    at = at or utcnow()
    if not can_view_letter(actor, letter):
        abort(404)
    if not assignment_overdue(letter, at):
        raise InvalidTransition(_("只有已过办理期限的督办来信才能催办。"))
    if urged_today(letter, at):
        raise InvalidTransition(_("这封来信今天已经催办过，每个工作日最多催办一次。"))
    if not can_act(actor, letter, "urge"):  # the GM office's step (hub.mailbox.access)
        raise LetterError(_("您不能对这封来信执行此操作。"))
    _event(letter, actor, "urge", text=text, internal=True, at=at)
    title = _l("催办：来信 %(number)s 已过办理期限（%(due)s），请尽快办理", number=letter.number,
               due=local_date(letter.due_at).isoformat())
    for person in handlers_of(letter):
        notify(person, kind="letter.urged", title=title,
               body="\n\n".join(part for part in (letter.subject, text) if part),
               url=path_for("mailbox.letter", letter_id=letter.id),
               item=item_key("letter", letter.id), task="resolve")
    db.session.flush()


def return_letter(letter: Letter, actor: User, text: str, *,
                  at: datetime | None = None) -> None:
    """退回: the department a letter was assigned to by mistake gives it back, with the
    reason, to the GM office, which assigns it anew."""
    text = _clean(text, "text", TEXT_MAX)
    at = at or utcnow()
    department = letter.department
    _transition(letter, actor, "return", text=text, internal=True, at=at,
                department_id=letter.department_id, handler_id=letter.handler_id)
    letter.department = None
    letter.handler = None
    letter.due_at = None
    letter.assigned_at = None
    letter.escalation_level = 0
    _notify_office(_l("来信 %(number)s 被 %(department)s 退回，请重新交办：%(reason)s",
                      number=letter.number, department=department.name if department else "",
                      reason=text), letter, task="assign")
    db.session.flush()


def give_feedback(letter: Letter, *, satisfied: bool, reason: str = "",
                  writer: User | None = None, at: datetime | None = None) -> LetterEvent:
    """The writer's verdict on the answer (有解必答): signed in for a named letter, by
    receipt (``writer`` None) for an anonymous one.  Not satisfied needs a reason and puts
    the letter back before the GM office (status accepted), which is told.  Returns the
    step of the history."""
    if writer is not None and not is_author(writer, letter):
        abort(404)
    if writer is None and not letter.anonymous:
        abort(404)
    if not isinstance(satisfied, bool):
        message = _("请选择满意或不满意。")
        raise LetterError(message, {"satisfied": [message]})
    reason = _clean(reason, "reason", TEXT_MAX, required=not satisfied)
    if not awaits_feedback(letter):
        raise InvalidTransition(_("这封来信现在没有待评价的答复。"))
    now = at or utcnow()
    if writer is None:
        # Kept to the day, as the anonymous writer's other steps, but never before the
        # answer it judges (its own time is the answer's, which says nothing of the writer).
        now = max([_start_of_local_day_utc(local_date(now))] + [e.at for e in letter.events])
    if satisfied:
        event = _event(letter, writer, "satisfied", text=reason, at=now)
        if writer is not None:
            _notify_office(_l("来信 %(number)s 的来信人对答复表示满意", number=letter.number),
                           letter)
    else:
        before = letter.status
        letter.status = REOPENED_STATUS
        event = _event(letter, writer, "dissatisfied", text=reason, from_status=before,
                       to_status=REOPENED_STATUS, at=now)
        letter.answer = None
        letter.answered_at = None
        letter.closed_at = None
        letter.escalation_level = 0
        title = _l("来信 %(number)s 的来信人对答复不满意，已重新打开：%(reason)s",
                   number=letter.number, reason=reason)
        if writer is not None:
            _notify_office(title, letter)
        else:
            # The GM office must learn of it, but no time stamp may say when the anonymous
            # writer used the receipt: the notice is dated like the step, and no e-mail
            # (its sending time would say it) goes out.
            for person in gm_office_members():
                note = notify(person, kind="letter.office", title=title, email=False,
                              url=path_for("mailbox.letter", letter_id=letter.id),
                              item=item_key("letter", letter.id))
                if note is not None:
                    note.created_at = now
    db.session.flush()
    return event
