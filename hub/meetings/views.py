"""Pages of 沟通: my talks and meetings, proposing and answering a meeting, its calendar file,
logging a talk and confirming it, action items.

Thin: who may see or do what lives in ``hub.meetings.access`` (a talk log's page renders
its per-viewer view, ``talk_view``), every other rule (windows, validation) in
``hub.meetings.services``.  A meeting or talk the person may not see is a 404 on every route
that names it.

URLs::

    /talks/                          my upcoming meetings, invitations, talk logs, action items
    /talks/meetings/new              propose a meeting (free slots of both sides)
    /talks/meetings/<id>             a meeting and the answers
    /talks/meetings/<id>.ics         its calendar file
    /talks/logs/new                  log a talk
    /talks/logs/<id>                 a talk log (the private note for its author only)
    /talks/items/<id>/done           mark an action item done
"""
from __future__ import annotations

from datetime import datetime

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from hub.common.forms import people_choices
from hub.common.time import to_local, utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.meetings import bp, jobs  # noqa: F401 - jobs registers the reminders
from hub.meetings.access import (
    completable_item_ids,
    get_item_or_404,
    get_meeting_or_404,
    get_talk_or_404,
    may_change_item,
    meeting_view,
    participant_row,
    talk_view,
    visible_talks_query,
)
from hub.meetings.forms import (
    NOBODY,
    TIME_FORMATS,
    AcknowledgeForm,
    CompleteItemForm,
    MeetingForm,
    RespondForm,
    TalkForm,
)
from hub.meetings.ics import MIMETYPE, filename_of, meeting_calendar
from hub.meetings.kinds import KIND_LABELS, OCCASION_KINDS, ROUTINE_KINDS
from hub.meetings.models import TalkLog
from hub.meetings.obligations import missed_obligation
from hub.meetings.services import (
    GUIDANCE_MINUTES,
    RESPONSE_LABELS,
    STATUS_LABELS,
    NewActionItem,
    TalkError,
    acknowledge,
    as_utc,
    carried_items,
    complete_item,
    invitees,
    log_talk,
    meetings_of,
    open_items_between,
    open_items_of,
    paginate_talks,
    pending_counter_proposal,
    propose_meeting,
    respond,
    suggest_slots,
    to_acknowledge,
    window_text,
    windows_of,
    with_people,
)
from hub.org.directory import Page
from hub.org.models import User

PER_PAGE = 20
#: The latest talks of the people below me shown on the index.
TEAM_ROWS = 10
#: Service field names → form field names.
FIELDS = {"with_user_ids": "with_user", "start": "start", "held_at": "held_at",
          "duration_minutes": "duration_minutes", "location": "location", "agenda": "agenda",
          "topics": "topics", "agreements": "agreements", "private_note": "private_note",
          "kind": "kind", "comment": "comment"}


@bp.app_template_filter("talk_kind")
def talk_kind(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_filter("meeting_status")
def meeting_status(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_filter("meeting_response")
def meeting_response(response: str) -> str:
    return str(RESPONSE_LABELS.get(response, response))


def place_errors(form, error: TalkError) -> None:
    """A service's refusal next to the fields it names, or above the form."""
    placed = False
    for name, messages in error.fields.items():
        field = getattr(form, FIELDS.get(name, ""), None) if name in FIELDS else None
        if field is not None:
            field.errors = list(field.errors) + list(messages)
            placed = True
        else:
            form.form_errors.append(" ".join(messages))
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def person_choices() -> list[SelectChoice]:
    return [SelectChoice(NOBODY, _("请选择…"))] + people_choices(
        u for u in db.session.scalars(db.select(User).where(User.active.is_(True)))
        if u.id != current_user.id)


def arg_int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


def arg_person() -> int | None:
    """``?person=`` (the obligation pages say ``?with=``)."""
    return arg_int("person") or arg_int("with")


def arg_kind() -> str | None:
    kind = request.args.get("kind")
    return kind if kind in KIND_LABELS else None


def arg_time(name: str) -> datetime | None:
    value = request.args.get(name, "")
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def active_person(user_id: int | None) -> User | None:
    person = db.session.get(User, user_id) if user_id else None
    return person if person is not None and person.active and person.id != current_user.id \
        else None


# --- the index ---------------------------------------------------------------------------

@bp.route("/")
def index():
    page_number = max(arg_int("page") or 1, 1)
    mine = select(TalkLog).where(TalkLog.participants.any(user_id=current_user.id))
    items, total = paginate_talks(mine, page_number, PER_PAGE)
    # Talks of the people below me (or everybody's, for HR and the GM office).
    team, _team_total = paginate_talks(visible_talks_query(current_user).where(
        ~TalkLog.participants.any(user_id=current_user.id)), 1, TEAM_ROWS)
    acknowledge = to_acknowledge(current_user)
    with_people(items + team)
    upcoming, awaiting = meetings_of(current_user)
    open_items = open_items_of(current_user)
    return render_template(
        "meetings/index.html", upcoming=upcoming, awaiting=awaiting,
        to_acknowledge=acknowledge, items=open_items,
        completable=completable_item_ids(current_user, open_items),
        page=Page(items=items, total=total, page=page_number, per_page=PER_PAGE),
        item_form=CompleteItemForm(), team=team,
    )


# --- meetings ----------------------------------------------------------------------------

@bp.route("/meetings/new", methods=["GET", "POST"])
def new_meeting():
    looking = looks_up(request.form)
    if request.method == "POST":
        form = MeetingForm()  # a free slot's button fills its start time
    else:
        initial = {"kind": arg_kind() or "one_on_one", "with_user": arg_person() or NOBODY}
        if arg_time("start"):
            initial["start"] = arg_time("start")
        if arg_int("duration"):
            initial["duration_minutes"] = arg_int("duration")
        form = MeetingForm(formdata=None, **initial)
    form.with_user.choices = person_choices()
    if not looking and form.validate_on_submit():
        try:
            meeting = propose_meeting(
                current_user, kind=form.kind.data, with_user_ids=[form.with_user.data],
                start_at=as_utc(form.start.data), duration_minutes=form.duration_minutes.data,
                location=form.location.data or "", agenda=form.agenda.data or "")
        except TalkError as error:
            db.session.rollback()
            place_errors(form, error)
        else:
            db.session.commit()
            flash(_("已发出沟通邀请，等待对方答复。"), "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    kind = form.kind.data if form.kind.data in KIND_LABELS else None
    person = active_person(form.with_user.data if isinstance(form.with_user.data, int)
                           else None)
    duration = form.duration_minutes.data if isinstance(form.duration_minutes.data, int) \
        else 20
    # A window of the kind between the two was missed: a make-up (补谈), slots from today.
    missed = missed_obligation(current_user, person, kind) \
        if kind and person and windows_of(kind, local_date(utcnow())) else None
    slots = suggest_slots(current_user, [person], kind, duration, makeup=missed is not None) \
        if kind and person else []
    status = 400 if form.is_submitted() and not looking else 200
    return render_template("meetings/new_meeting.html", form=form, slots=slots, kind=kind,
                           person=person, duration=duration, missed=missed,
                           window_text=window_text(kind) if kind else "",
                           guidance=GUIDANCE_MINUTES), status


def looks_up(formdata) -> bool:
    """The form was sent by one of its look-up buttons (查看空闲时间, a free slot, 查看以前的
    待办): show the page again, filled as it was, with what was looked up; nothing is
    saved.  The kind and the person are the form's own fields, shown once."""
    return "find" in formdata or "slot" in formdata


@bp.route("/meetings/<id:meeting_id>")
def meeting(meeting_id: int):
    return meeting_page(get_meeting_or_404(meeting_id, current_user))


def meeting_page(meeting, form: RespondForm | None = None, status: int = 200):
    mine = participant_row(meeting, current_user)
    return render_template(
        "meetings/meeting.html", meeting=meeting, mine=mine,
        invitees=invitees(meeting), counter=pending_counter_proposal(meeting),
        view=meeting_view(current_user, meeting),
        form=form or RespondForm(formdata=None), talks=meeting_talks(meeting),
    ), status


def meeting_talks(meeting) -> list[TalkLog]:
    return list(db.session.scalars(visible_talks_query(current_user)
                                   .where(TalkLog.meeting_id == meeting.id)))


@bp.route("/meetings/<id:meeting_id>/respond", methods=["POST"])
def respond_to(meeting_id: int):
    meeting = get_meeting_or_404(meeting_id, current_user)
    form = RespondForm()
    if not form.validate_on_submit():
        return meeting_page(meeting, form, 400)
    start = as_utc(form.start.data) if form.start.data else None
    try:
        respond(meeting, current_user, form.response.data, start)
    except TalkError as error:
        db.session.rollback()
        place_errors(form, error)
        return meeting_page(meeting, form, error.status)
    db.session.commit()
    flash(_("已答复。"), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


@bp.route("/meetings/<id:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    meeting = get_meeting_or_404(meeting_id, current_user)
    return Response(meeting_calendar(meeting, current_user), mimetype=MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{filename_of(meeting)}"'})


# --- talk logs ---------------------------------------------------------------------------

@bp.route("/logs/new", methods=["GET", "POST"])
def new_talk():
    if request.method == "POST":
        form = TalkForm()
    else:
        initial = {"kind": arg_kind() or "one_on_one", "with_user": arg_person() or NOBODY,
                   "meeting": arg_int("meeting")}
        meeting_id = arg_int("meeting")
        if meeting_id:
            meeting = get_meeting_or_404(meeting_id, current_user)
            others = [p.user_id for p in meeting.participants
                      if p.user_id != current_user.id]
            initial.update(kind=meeting.kind, with_user=others[0] if others else NOBODY,
                           held_at=to_local(meeting.start_at).replace(tzinfo=None),
                           duration_minutes=meeting.duration_minutes)
        form = TalkForm(formdata=None, **initial)
    form.with_user.choices = person_choices()
    person = active_person(form.with_user.data if isinstance(form.with_user.data, int)
                           else None)
    carried = open_items_between({current_user.id, person.id}) if person else []
    if not looks_up(request.form) and form.validate_on_submit():
        try:
            talk = log_talk(
                current_user, kind=form.kind.data, with_user_ids=[form.with_user.data],
                held_at=as_utc(form.held_at.data), duration_minutes=form.duration_minutes.data,
                topics=form.topics.data, agreements=form.agreements.data or "",
                action_items=[NewActionItem(
                    text=entry.text.data or "", due_date=entry.due_date.data,
                    owner_id=current_user.id if entry.owner.data == "me"
                    else form.with_user.data)
                    for entry in form.items if (entry.text.data or "").strip()],
                private_note=form.private_note.data or "", meeting_id=form.meeting.data,
                done_item_ids=[i for i in form.done_items.data or []
                               if i in {c.id for c in carried}])
        except TalkError as error:
            db.session.rollback()
            place_errors(form, error)
        else:
            db.session.commit()
            flash(_("沟通记录 %(number)s 已保存。", number=talk.number), "success")
            return redirect(url_for("meetings.talk", talk_id=talk.id))
    status = 400 if form.is_submitted() and not looks_up(request.form) else 200
    return render_template("meetings/new_talk.html", form=form, person=person,
                           carried=carried, guidance=GUIDANCE_MINUTES,
                           routine=ROUTINE_KINDS, occasions=OCCASION_KINDS), status


@bp.route("/logs/<id:talk_id>")
def talk(talk_id: int):
    return talk_page(get_talk_or_404(talk_id, current_user))


def talk_page(talk: TalkLog, form: AcknowledgeForm | None = None, status: int = 200):
    view = talk_view(current_user, talk)
    mine = next((p for p in talk.participants if p.user_id == current_user.id), None)
    carried = carried_items(talk)
    return render_template(
        "meetings/talk.html", talk=view, mine=mine,
        form=form or AcknowledgeForm(formdata=None, comment=mine.comment if mine else ""),
        carried=carried, item_form=CompleteItemForm(),
        completable=completable_item_ids(current_user, [*talk.action_items, *carried]),
        guidance=GUIDANCE_MINUTES,
    ), status


@bp.route("/logs/<id:talk_id>/acknowledge", methods=["POST"])
def acknowledge_talk(talk_id: int):
    talk = get_talk_or_404(talk_id, current_user)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        return talk_page(talk, form, 400)
    try:
        acknowledge(talk, current_user, form.comment.data or "")
    except TalkError as error:
        db.session.rollback()
        place_errors(form, error)
        return talk_page(talk, form, error.status)
    db.session.commit()
    flash(_("已确认沟通记录。"), "success")
    return redirect(url_for("meetings.talk", talk_id=talk.id))


@bp.route("/items/<id:item_id>/done", methods=["POST"])
def item_done(item_id: int):
    item = get_item_or_404(item_id, current_user)
    if not may_change_item(current_user, item):
        abort(403)
    form = CompleteItemForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        complete_item(item, current_user)
    except TalkError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(_("待办事项已标记完成。"), "success")
    back = request.form.get("next", "")
    if back.startswith("/talks/") and not back.startswith("//"):
        return redirect(back)
    return redirect(url_for("meetings.talk", talk_id=item.talk_id))
