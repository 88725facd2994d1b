"""The database side of the organisation import: a plain-data snapshot for the checks in
``hub.org.importer``, applying a checked plan, and keeping the uploaded file between the
dry run and the apply step.

The upload is kept on the server (instance folder, random name, owner's id in the name)
so that "apply" re-reads and re-checks exactly the file the admin saw in the dry run;
nothing parsed ever travels through the browser.
"""
from __future__ import annotations

import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from hub.extensions import db
from hub.org.importer import (
    MAX_BYTES,
    ImportPlan,
    KnownDepartment,
    KnownPerson,
    Organisation,
    PlannedPerson,
)
from hub.org.models import Department, User
from hub.org.services import add_department, add_user, set_manager

UPLOAD_FOLDER = "org-imports"
UPLOAD_TOKEN_RE = re.compile(r"[0-9a-f]{32}")
UPLOAD_LIFETIME_SECONDS = 24 * 3600


def organisation_snapshot() -> Organisation:
    """Every department and person (including those who left) as plain data."""
    departments = [
        KnownDepartment(d.id, d.name, d.parent_id)
        for d in db.session.scalars(select(Department))
    ]
    people = [
        KnownPerson(id=u.id, username=u.username, employee_no=u.employee_no, name=u.name,
                    title=u.title or "", email=u.email, department_id=u.department_id,
                    manager_id=u.manager_id, active=u.active,
                    probation_ends_on=u.probation_ends_on)
        for u in db.session.scalars(select(User))
    ]
    return Organisation(departments=departments, people=people)


@dataclass
class ImportOutcome:
    created: list[User] = field(default_factory=list)
    updated: list[User] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)


def apply_plan(plan: ImportPlan, *, by: User) -> ImportOutcome:
    """Write a problem-free plan: departments first, then people, then reporting lines.

    Flushes only; the caller commits once, so the import lands whole or not at all.
    Managers are set top-down (by depth in the final reporting tree): each person's new
    manager already has their final line when the person is attached, so ``set_manager``
    never sees a loop that exists only half-way through the import.
    """
    if not plan.ok:
        raise ValueError("only a plan without problems can be applied")
    outcome = ImportOutcome()
    departments = _ensure_departments(plan, outcome)
    by_no: dict[str, User] = {}
    for person in plan.people:
        department = departments[person.department_path]
        if person.is_new:
            user = add_user(username=person.username, name=person.name, department=department,
                            employee_no=person.employee_no)
            outcome.created.append(user)
        else:
            user = db.session.get(User, person.existing_id)
            user.name, user.username, user.department = (person.name, person.username,
                                                         department)
            if person.changes:
                outcome.updated.append(user)
        _copy_optional_columns(plan, person, user)
        by_no[person.employee_no] = user
    db.session.flush()

    if "manager_no" in plan.columns:
        for person in sorted(plan.people, key=lambda p: p.depth):
            manager = None
            if person.manager_no:
                manager = by_no.get(person.manager_no) or db.session.scalar(
                    select(User).where(User.employee_no == person.manager_no))
            set_manager(by_no[person.employee_no], manager, by=by)
    db.session.flush()
    return outcome


def _copy_optional_columns(plan: ImportPlan, person: PlannedPerson, user: User) -> None:
    """A column that is present is the truth; an absent one leaves the person alone."""
    if "title" in plan.columns:
        user.title = person.title
    if "email" in plan.columns:
        user.email = person.email or None
    if "probation_ends_on" in plan.columns:
        user.probation_ends_on = person.probation_ends_on


def _ensure_departments(plan: ImportPlan,
                        outcome: ImportOutcome) -> dict[tuple[str, ...], Department]:
    """Every department path the plan uses, the missing ones created parents first."""
    found: dict[tuple[str, ...], Department] = {}
    for path in sorted(plan.new_departments, key=len):
        parent = (found.get(path[:-1]) or _department_at(path[:-1])) if len(path) > 1 else None
        found[path] = add_department(path[-1], parent)
        outcome.departments.append(found[path])
    for person in plan.people:
        if person.department_path not in found:
            found[person.department_path] = db.session.get(Department, person.department_id)
    return found


def _department_at(path: tuple[str, ...]) -> Department | None:
    parent: Department | None = None
    for name in path:
        parent = db.session.scalar(select(Department).where(
            Department.name == name,
            Department.parent_id.is_(None) if parent is None
            else Department.parent_id == parent.id))
        if parent is None:
            return None
    return parent


# --- the uploaded file between dry run and apply ---------------------------------------

def _upload_dir() -> Path:
    folder = Path(current_app.instance_path) / UPLOAD_FOLDER
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _upload_path(token: str, owner: User) -> Path | None:
    if not UPLOAD_TOKEN_RE.fullmatch(token or ""):
        return None
    return _upload_dir() / f"{owner.id}-{token}"


def store_upload(data: bytes, owner: User) -> str:
    """Keep ``data`` for ``owner``'s apply step; returns the random token naming it."""
    if len(data) > MAX_BYTES:
        raise ValueError("upload too large")
    _purge_old_uploads()
    token = secrets.token_hex(16)
    fd = os.open(_upload_path(token, owner), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return token


def load_upload(token: str, owner: User) -> bytes | None:
    """The file ``owner`` uploaded under ``token``; None when it is gone or not theirs."""
    path = _upload_path(token, owner)
    if path is None or not path.is_file():
        return None
    return path.read_bytes()


def discard_upload(token: str, owner: User) -> None:
    path = _upload_path(token, owner)
    if path is not None:
        path.unlink(missing_ok=True)


def _purge_old_uploads() -> None:
    """Dry runs that were never applied should not pile up personal data."""
    cutoff = time.time() - UPLOAD_LIFETIME_SECONDS
    for path in _upload_dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
