"""Factories that build real rows through the hub's own services."""
from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date

from hub.auth.services import create_api_token, hash_password, start_session
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.org.models import Department, HandlingUnit, UnitMembership, User
from hub.org.services import set_manager, set_roles

_seq = itertools.count(1)


def create_department(name: str | None = None, parent: Department | None = None,
                      head: User | None = None) -> Department:
    dept = Department(name=name or f"部门{next(_seq)}", parent=parent, head=head)
    db.session.add(dept)
    db.session.commit()
    return dept


def create_user(username: str | None = None, *, name: str | None = None,
                department: Department | None = None, manager: User | None = None,
                roles: Iterable[str] = (), password: str | None = None, title: str = "",
                email: str | None = None, employee_no: str | None = None,
                active: bool = True, heads: bool = False) -> User:
    n = next(_seq)
    username = username or f"user{n}"
    if department is None:
        department = create_department()
    user = User(username=username, name=name or f"员工{n}", title=title,
                email=email or f"{username}@test.example.com", department=department,
                employee_no=employee_no, active=active,
                password_hash=hash_password(password) if password else None)
    db.session.add(user)
    db.session.flush()
    set_roles(user, roles)
    if manager is not None:
        set_manager(user, manager)
    if heads:
        department.head = user
    db.session.commit()
    return user


def create_unit(code: str, name: str, head: User | None = None,
                members: Iterable[User] = ()) -> HandlingUnit:
    unit = HandlingUnit(code=code, name=name)
    if head:
        unit.memberships.append(UnitMembership(user=head, is_head=True))
    unit.memberships.extend(UnitMembership(user=m) for m in members)
    db.session.add(unit)
    db.session.commit()
    return unit


def sign_in(client, user: User) -> None:
    """Give ``client`` a real server-side session for ``user`` (what the login form does)."""
    secret = start_session(user)
    db.session.commit()
    with client.session_transaction() as sess:
        sess["sid"] = secret
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True


def bearer(user: User, name: str = "tests") -> dict[str, str]:
    _token, secret = create_api_token(user, name)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def company_today() -> date:
    """Today in the company's timezone (Asia/Shanghai: already tomorrow after 16:00 UTC),
    the day deadlines are checked against — not the machine's ``date.today()``."""
    return local_date(utcnow())
