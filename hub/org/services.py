"""Rules of the organisation: reporting lines, the department tree, people's lifecycle.

Every function flushes and never commits; the caller (a view, the API, a CLI command)
commits once.  Reporting lines may change at any time, so every walk up or down the
tree is cycle-safe and tolerates people who have left.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import (
    ROLES,
    Department,
    HandlingUnit,
    ReportingLine,
    UnitMembership,
    User,
    UserRole,
)
from hub.org.signals import user_deactivated


class OrgError(ValueError):
    """A change the organisation cannot take; the message is shown to the person."""


# --- reporting lines -------------------------------------------------------------------

def manager_of(user: User, at: datetime | None = None) -> User | None:
    """The direct manager now, or at the moment ``at`` (from the reporting-line history)."""
    if at is None:
        return user.manager
    line = db.session.scalar(
        select(ReportingLine)
        .where(
            ReportingLine.user_id == user.id,
            ReportingLine.valid_from <= at,
            (ReportingLine.valid_to.is_(None)) | (ReportingLine.valid_to > at),
        )
        .order_by(ReportingLine.valid_from.desc())
        .limit(1)
    )
    if line is None:
        return None
    return db.session.get(User, line.manager_id) if line.manager_id else None


def skip_level_of(user: User, at: datetime | None = None) -> User | None:
    """The manager's manager (隔级上级)."""
    manager = manager_of(user, at)
    return manager_of(manager, at) if manager else None


def management_line(user: User) -> list[User]:
    """Everybody above ``user``, nearest first; stops at a loop instead of spinning."""
    line: list[User] = []
    seen = {user.id}
    current = user.manager
    while current is not None and current.id not in seen:
        line.append(current)
        seen.add(current.id)
        current = current.manager
    return line


def direct_reports(user: User, include_inactive: bool = False) -> list[User]:
    stmt = select(User).where(User.manager_id == user.id)
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    return list(db.session.scalars(stmt.order_by(User.name)))


def all_reports(user: User) -> list[User]:
    """Everybody below ``user`` in the reporting tree (active people), breadth first."""
    found: list[User] = []
    seen = {user.id}
    frontier = [user.id]
    while frontier:
        level = list(
            db.session.scalars(
                select(User)
                .where(User.manager_id.in_(frontier), User.active.is_(True))
                .order_by(User.name)
            )
        )
        frontier = [u.id for u in level if u.id not in seen]
        for u in level:
            if u.id not in seen:
                seen.add(u.id)
                found.append(u)
    return found


def would_create_loop(user: User, new_manager: User | None) -> bool:
    if new_manager is None:
        return False
    if new_manager.id == user.id:
        return True
    return any(m.id == user.id for m in management_line(new_manager))


def set_manager(user: User, manager: User | None, *, by: User | None = None,
                at: datetime | None = None) -> None:
    """Change a reporting line, closing the current period in the history."""
    if (user.manager_id or None) == (manager.id if manager else None):
        return
    if would_create_loop(user, manager):
        raise OrgError(_("上级设置会形成汇报环路。"))
    at = at or utcnow()
    current = db.session.scalar(
        select(ReportingLine).where(
            ReportingLine.user_id == user.id, ReportingLine.valid_to.is_(None)
        )
    )
    if current is not None:
        current.valid_to = at
    db.session.add(
        ReportingLine(
            user_id=user.id,
            manager_id=manager.id if manager else None,
            valid_from=at,
            changed_by_id=by.id if by else None,
        )
    )
    user.manager = manager
    db.session.flush()


# --- departments -----------------------------------------------------------------------

def department_subtree(dept: Department) -> list[Department]:
    """The department and all its sub-departments, the department first."""
    result = [dept]
    seen = {dept.id}
    frontier = [dept.id]
    while frontier:
        children = list(
            db.session.scalars(select(Department).where(Department.parent_id.in_(frontier)))
        )
        frontier = []
        for child in children:
            if child.id not in seen:
                seen.add(child.id)
                result.append(child)
                frontier.append(child.id)
    return result


def department_path(dept: Department) -> list[Department]:
    """Root first, ending with ``dept``."""
    path = [dept]
    seen = {dept.id}
    while path[0].parent is not None and path[0].parent.id not in seen:
        seen.add(path[0].parent.id)
        path.insert(0, path[0].parent)
    return path


def department_tree(*, with_heads: bool = False) -> list[tuple[Department, int]]:
    """Every department with its depth, in tree order (for indented lists and selects);
    ``with_heads``: each one's head loaded too, in one more statement for all of them."""
    stmt = select(Department).order_by(Department.sort_order, Department.id)
    if with_heads:
        stmt = stmt.options(selectinload(Department.head))
    all_depts = list(db.session.scalars(stmt))
    by_parent: dict[int | None, list[Department]] = {}
    for d in all_depts:
        by_parent.setdefault(d.parent_id, []).append(d)
    out: list[tuple[Department, int]] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        for d in by_parent.get(parent_id, []):
            if d.id in seen:
                continue
            seen.add(d.id)
            out.append((d, depth))
            walk(d.id, depth + 1)

    walk(None, 0)
    return out


def set_department_parent(dept: Department, parent: Department | None) -> None:
    if parent is not None and any(d.id == parent.id for d in department_subtree(dept)):
        raise OrgError(_("不能把部门移到它自己或它的下级部门之下。"))
    dept.parent = parent
    db.session.flush()


def department_head(dept: Department) -> User | None:
    head = dept.head
    return head if head is not None and head.active else None


def heads_of(user: User) -> list[Department]:
    """Departments whose head is ``user``."""
    return list(db.session.scalars(select(Department).where(Department.head_id == user.id)))


# --- people ----------------------------------------------------------------------------

def set_roles(user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    unknown = wanted - set(ROLES)
    if unknown:
        raise OrgError(_("未知角色：%(roles)s", roles=", ".join(sorted(unknown))))
    user.role_rows = [r for r in user.role_rows if r.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - user.roles)
    ]
    db.session.flush()


def deactivate_user(user: User, *, by: User | None = None) -> list[User]:
    """Deactivate ``user``: their reports move to ``user``'s own manager, they stop heading
    departments, and every session and API token they hold is revoked.  Returns the moved
    reports."""
    moved = direct_reports(user)
    for report in moved:
        set_manager(report, user.manager, by=by)
    for dept in heads_of(user):
        dept.head = None
    user.active = False
    # Sign-in connects here (hub.register_hooks) and revokes every session and token.
    user_deactivated.send(current_app._get_current_object(), user=user)
    db.session.flush()
    return moved


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


# --- administration: accounts, handling units, departments ------------------------------

def user_with_username(username: str, *, exclude: User | None = None) -> User | None:
    """Another account already holding ``username`` (compared lower-case), if any."""
    stmt = select(User).where(User.username == username.strip().lower())
    if exclude is not None and exclude.id is not None:
        stmt = stmt.where(User.id != exclude.id)
    return db.session.scalar(stmt)


def user_with_employee_no(employee_no: str, *, exclude: User | None = None) -> User | None:
    """Another person already holding the 工号 ``employee_no``, if any."""
    stmt = select(User).where(User.employee_no == employee_no.strip())
    if exclude is not None and exclude.id is not None:
        stmt = stmt.where(User.id != exclude.id)
    return db.session.scalar(stmt)


def add_user(*, username: str, name: str, department: Department,
             employee_no: str | None = None, title: str = "", email: str | None = None) -> User:
    """A new active account without a password: an admin sets one (or the person never
    signs in).  Uniqueness is the caller's check; the database constraint is the net."""
    user = User(username=username.strip().lower(), name=name, department=department,
                employee_no=employee_no or None, title=title or "", email=email or None,
                active=True)
    db.session.add(user)
    db.session.flush()
    return user


def set_unit_memberships(user: User, memberships: dict[int, bool]) -> None:
    """Make ``user`` a member of exactly the handling units in ``memberships``
    (unit id → heads the unit)."""
    kept = []
    for membership in user.unit_memberships:
        if membership.unit_id in memberships:
            membership.is_head = memberships[membership.unit_id]
            kept.append(membership)
    present = {m.unit_id for m in kept}
    kept += [UnitMembership(unit_id=unit_id, is_head=is_head)
             for unit_id, is_head in sorted(memberships.items()) if unit_id not in present]
    user.unit_memberships = kept
    db.session.flush()


def reactivate_user(user: User) -> None:
    """Let a person who left sign in again; their old sessions and tokens stay revoked and
    their former reports stay with whoever took them over."""
    user.active = True
    db.session.flush()


def department_name_taken(name: str, parent: Department | None, *,
                          exclude: Department | None = None) -> bool:
    """True when ``parent`` already has a sub-department called ``name`` (the database
    constraint cannot see this for top-level departments, whose parent is NULL)."""
    stmt = select(Department.id).where(
        Department.name == name.strip(),
        Department.parent_id.is_(None) if parent is None else Department.parent_id == parent.id,
    )
    if exclude is not None and exclude.id is not None:
        stmt = stmt.where(Department.id != exclude.id)
    return db.session.scalar(stmt.limit(1)) is not None


def add_department(name: str, parent: Department | None = None,
                   head: User | None = None) -> Department:
    if department_name_taken(name, parent):
        raise OrgError(_("上级部门下已有名为“%(name)s”的部门。", name=name.strip()))
    dept = Department(name=name.strip(), parent=parent, head=head)
    db.session.add(dept)
    db.session.flush()
    return dept


def department_headcounts(include_inactive: bool = False) -> dict[int, int]:
    """People per department (not counting sub-departments): department id → count."""
    stmt = select(User.department_id, func.count()).group_by(User.department_id)
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    return {dept_id: count for dept_id, count in db.session.execute(stmt)}


def delete_department(dept: Department) -> None:
    """Delete an empty department.  People who left still belong to their department, so
    they count too: the history about them must keep pointing somewhere."""
    people = db.session.scalar(select(func.count()).where(User.department_id == dept.id))
    if people:
        raise OrgError(_("部门“%(name)s”还有 %(count)d 名人员（含已停用人员），"
                         "请先把他们调到其他部门。", name=dept.name, count=people))
    if db.session.scalar(select(Department.id).where(Department.parent_id == dept.id).limit(1)):
        raise OrgError(_("部门“%(name)s”还有下级部门，请先移走或删除它们。", name=dept.name))
    unit = db.session.scalar(select(HandlingUnit).where(HandlingUnit.department_id == dept.id))
    if unit is not None:
        raise OrgError(_("部门“%(name)s”是受理单位“%(unit)s”的所属部门，不能删除。",
                         name=dept.name, unit=unit.name))
    db.session.delete(dept)
    db.session.flush()


def reporting_history(user: User) -> list[tuple[ReportingLine, User | None]]:
    """Every period of ``user``'s reporting line, newest first, with that period's
    manager (None: reported to nobody)."""
    lines = list(db.session.scalars(
        select(ReportingLine).where(ReportingLine.user_id == user.id)
        .order_by(ReportingLine.valid_from.desc(), ReportingLine.id.desc())
    ))
    return [(line, db.session.get(User, line.manager_id) if line.manager_id else None)
            for line in lines]
