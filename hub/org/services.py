"""Rules of the organisation: reporting lines, the department tree, people's lifecycle.

Every function flushes and never commits; the caller (a view, the API, a CLI command)
commits once.  Reporting lines may change at any time, so every walk up or down the
tree is cycle-safe and tolerates people who have left.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import ROLES, Department, ReportingLine, User, UserRole


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
        raise OrgError("上级设置会形成汇报环路。")
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


def department_tree() -> list[tuple[Department, int]]:
    """Every department with its depth, in tree order (for indented lists and selects)."""
    all_depts = list(db.session.scalars(select(Department).order_by(Department.sort_order,
                                                                     Department.id)))
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
        raise OrgError("不能把部门移到它自己或它的下级部门之下。")
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
        raise OrgError(f"未知角色: {', '.join(sorted(unknown))}")
    user.role_rows = [r for r in user.role_rows if r.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - user.roles)
    ]
    db.session.flush()


def deactivate_user(user: User, *, by: User | None = None) -> list[User]:
    """Deactivate ``user``: their reports move to ``user``'s own manager, they stop heading
    departments, and every session and API token they hold is revoked.  Returns the moved
    reports."""
    from hub.auth.services import revoke_all_credentials  # auth depends on org, not back

    moved = direct_reports(user)
    for report in moved:
        set_manager(report, user.manager, by=by)
    for dept in heads_of(user):
        dept.head = None
    user.active = False
    revoke_all_credentials(user)
    db.session.flush()
    return moved


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))
