"""What the archive indexes of the GM mailbox (hub.search.registry).

The access terms spell out ``can_view_letter``: the GM office (``role:gm_office``), the
named writer, the named handler (``user:<id>``) and the head of the department the letter
is assigned to (``head:<department id>``, so a change of head needs no re-indexing).  An
anonymous letter has no writer to index.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hub.common.markdown import plain_text
from hub.common.urls import path_for
from hub.extensions import db
from hub.mailbox.access import can_view_letter
from hub.mailbox.models import Letter
from hub.mailbox.services import STATUS_LABELS
from hub.org.permissions import is_gm_office
from hub.search.registry import Provider, register


def to_document(letter: Letter) -> dict:
    return {
        "number": letter.number,
        "title": letter.subject,
        "body": plain_text(letter.body),  # Markdown: the words only
        "department_id": letter.department_id or letter.author_department_id,
        "status": letter.status,
        "date": letter.filed_at,
        "url": path_for("mailbox.letter", letter_id=letter.id),
    }


def access_terms(letter: Letter) -> set[str]:
    terms = {"role:gm_office"}
    if letter.author_id is not None:
        terms.add(f"user:{letter.author_id}")
    if letter.department_id is not None:
        if letter.handler_id is not None:
            terms.add(f"user:{letter.handler_id}")
        terms.add(f"head:{letter.department_id}")
    return terms


def author(letter: Letter) -> tuple[str, set[str]] | None:
    """A named letter's writer is shown to everyone who may open it."""
    if letter.anonymous or letter.author is None:
        return None
    return letter.author.name, access_terms(letter)


def held_terms(user) -> set[str]:
    """The terms ``user`` holds for letters (with every provider's: ``user:<id>``)."""
    from hub.org.models import Department

    if not user.is_authenticated or not user.active:
        return set()
    terms = {f"user:{user.id}"}
    if is_gm_office(user):
        terms.add("role:gm_office")
    terms.update(f"head:{dept_id}" for dept_id in db.session.scalars(
        select(Department.id).where(Department.head_id == user.id)))
    return terms


register(Provider(
    kind="letter", model=Letter, to_document=to_document, access_terms=access_terms,
    held_terms=held_terms, can_view=can_view_letter,
    all_ids=lambda: db.session.scalars(select(Letter.id)).all(),
    label=_l("来信"), icon="envelope", status_labels=STATUS_LABELS, order=10,
    author=author, author_column=Letter.author_id, load_options=(joinedload(Letter.author),),
))
