"""What the archive indexes of talk logs (hub.search.registry): the shared part only.

Indexed: kind, people, topics, agreements and action items.  The author's private note is
never indexed (nor stored in the index), so no search can find or show it.

The access terms spell out ``hub.meetings.access.can_view_talk``: HR and the GM office
(``role:hr``, ``role:gm_office``), each participant and everybody above a participant in
the current reporting line (``user:<id>``, from ``management_line``) — but never a manager a
skip-level talk goes around: they are left out of the line, and when one of them holds the
HR or GM-office role, the role's other holders are listed one by one (``user:<id>``)
instead of the role term, which would let the bypassed manager find the talk.  A change of
reporting line or of the participants queues the talk logs again (``stale``); a change of
roles the skip-level ones.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload

from hub.common.urls import path_for
from hub.extensions import db
from hub.meetings.access import SKIP_LEVEL, bypassed_ids, can_view_talk
from hub.meetings.kinds import KIND_LABELS
from hub.meetings.models import ActionItem, TalkLog, TalkParticipant
from hub.org.models import ReportingLine, User, UserRole
from hub.org.permissions import is_gm_office, is_hr
from hub.org.services import management_line
from hub.search.registry import ALL, Provider, register


def to_document(talk: TalkLog) -> dict:
    people = "、".join(p.user.name for p in talk.participants if p.user is not None)
    title = f"{KIND_LABELS.get(talk.kind, talk.kind)} · {people}"
    parts = [talk.topics or "", talk.agreements or ""]
    parts += [item.text for item in talk.action_items]
    return {
        "number": talk.number,
        "title": title,
        "body": "\n".join(part for part in parts if part),
        "department_id": talk.author.department_id if talk.author else None,
        "status": "",
        "date": talk.held_at,
        "url": path_for("meetings.talk", talk_id=talk.id),
    }


ROLE_TERMS = {"role:gm_office": "gm_office", "role:hr": "hr"}


def access_terms(talk: TalkLog) -> set[str]:
    bypassed = bypassed_ids(talk)
    terms: set[str] = set()
    for participant in talk.participants:
        terms.add(f"user:{participant.user_id}")
        if participant.user is not None:
            terms.update(f"user:{m.id}" for m in management_line(participant.user)
                         if m.id not in bypassed)
    roles_of_bypassed = set(db.session.scalars(
        select(UserRole.role).where(UserRole.user_id.in_(bypassed)))) if bypassed else set()
    for term, role in ROLE_TERMS.items():
        if role not in roles_of_bypassed:
            terms.add(term)
            continue
        holders = db.session.scalars(select(UserRole.user_id).where(UserRole.role == role))
        terms.update(f"user:{uid}" for uid in holders if uid not in bypassed)
    return terms


def _skip_level_ids(_row) -> list[int]:
    return list(db.session.scalars(select(TalkLog.id).where(TalkLog.kind == SKIP_LEVEL)))


def author(talk: TalkLog) -> tuple[str, set[str]] | None:
    """Whoever may open a talk log sees who logged it."""
    return (talk.author.name, access_terms(talk)) if talk.author is not None else None


def held_terms(user) -> set[str]:
    if not user.is_authenticated or not user.active:
        return set()
    terms = {f"user:{user.id}"}
    if is_gm_office(user):
        terms.add("role:gm_office")
    if is_hr(user):
        terms.add("role:hr")
    return terms


def _user_changed(user: User):
    state = inspect(user)
    if state.pending:
        return None
    if state.deleted or state.attrs["manager_id"].history.has_changes():
        return ALL
    return None


register(Provider(
    kind="talk", model=TalkLog, to_document=to_document, access_terms=access_terms,
    held_terms=held_terms, can_view=can_view_talk,
    all_ids=lambda: db.session.scalars(select(TalkLog.id)).all(),
    label=_l("沟通记录"), icon="chat-left-text", order=40,
    author=author, author_column=TalkLog.author_id,
    load_options=(joinedload(TalkLog.author),),
    stale={
        TalkParticipant: lambda row: [row.talk_id],
        ActionItem: lambda row: [row.talk_id],
        ReportingLine: lambda _row: ALL,
        User: _user_changed,
        UserRole: _skip_level_ids,
    },
))
