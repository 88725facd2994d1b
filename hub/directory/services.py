"""What the directory pages show, built from the organisation's rules in ``hub.org``.

Loading a person or a department checks access in the same call, so a page cannot forget
it: somebody the viewer may not see is a 404, exactly like somebody who does not exist.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import func, select

from hub.extensions import db
from hub.org.models import Department, User
from hub.org.permissions import can_view_person
from hub.org.services import (
    department_path,
    department_tree,
    direct_reports,
    heads_of,
    manager_of,
    skip_level_of,
)


def get_person_or_404(user_id: int, viewer: User) -> User:
    person = db.session.get(User, user_id)
    if person is None or not can_view_person(viewer, person):
        abort(404)
    return person


def get_department_or_404(dept_id: int) -> Department:
    """Departments are open to every signed-in employee."""
    dept = db.session.get(Department, dept_id)
    if dept is None:
        abort(404)
    return dept


def with_heads(departments: list[Department]) -> list[tuple[Department, User | None]]:
    """Each department with its head (None when there is none or they left), the heads
    loaded in one statement for all of them."""
    ids = {d.head_id for d in departments if d.head_id is not None}
    heads = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} \
        if ids else {}
    return [(d, heads[d.head_id] if d.head_id in heads and heads[d.head_id].active else None)
            for d in departments]


def find_department(dept_id: int | None) -> Department | None:
    return db.session.get(Department, dept_id) if dept_id else None


@dataclass
class Profile:
    """A person as their directory page shows them."""

    person: User
    department_path: list[Department]
    manager: User | None
    skip_level: User | None
    reports: list[User]
    heads: list[Department]


def person_profile(person: User, viewer: User) -> Profile:
    """The reporting line around ``person``; anyone in it the viewer may not see (somebody
    who has left, for an employee) is left out rather than linked to a 404."""

    def visible(user: User | None) -> User | None:
        return user if user is not None and can_view_person(viewer, user) else None

    return Profile(
        person=person,
        department_path=department_path(person.department),
        manager=visible(manager_of(person)),
        skip_level=visible(skip_level_of(person)),
        reports=direct_reports(person),
        heads=heads_of(person),
    )


def headcounts(tree: list[tuple[Department, int]] | None = None) -> dict[int | None, int]:
    """Active people per department id, sub-departments included; the key ``None`` holds
    the whole company.  ``tree``: ``department_tree()`` when the caller has it already."""
    direct = dict(db.session.execute(
        select(User.department_id, func.count())
        .where(User.active.is_(True))
        .group_by(User.department_id)
    ).all())
    totals: dict[int | None, int] = {None: sum(direct.values())}
    for dept, _depth in tree if tree is not None else department_tree():
        for ancestor in department_path(dept):
            totals[ancestor.id] = totals.get(ancestor.id, 0) + direct.get(dept.id, 0)
    return totals
