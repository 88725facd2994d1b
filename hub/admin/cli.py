"""``flask --app app create-admin``: the first way into a production database.

The embedded default creates the demo company; a real installation starts empty, and
somebody has to be able to sign in before any page can be used.
"""
from __future__ import annotations

import click
from flask_babel import gettext as _
from sqlalchemy import select

from hub.auth.services import MIN_PASSWORD_LENGTH, set_password
from hub.extensions import db
from hub.org.models import Department
from hub.org.services import (
    OrgError,
    add_department,
    add_user,
    set_roles,
    user_with_username,
)


def create_admin(*, username: str, name: str, department_name: str, password: str):
    """A new active account with the admin role, in the department of that name at the top
    level (created when missing).  Refuses a taken username and a short password."""
    username = username.strip().lower()
    if not username:
        raise OrgError(_("请填写用户名。"))
    if user_with_username(username) is not None:
        raise OrgError(_("用户名“%(username)s”已存在。", username=username))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise OrgError(_("密码至少 %(n)s 个字符。", n=MIN_PASSWORD_LENGTH))
    department = db.session.scalar(
        select(Department).where(Department.parent_id.is_(None),
                                 Department.name == department_name.strip())
    ) or add_department(department_name)
    user = add_user(username=username, name=name.strip() or username, department=department)
    set_password(user, password)
    set_roles(user, {"admin"})
    return user


@click.command("create-admin")
@click.option("--username", default="admin", show_default=True)
@click.option("--name", default="系统管理员", show_default=True)
@click.option("--department", "department_name", default="总经办", show_default=True,
              help="Top-level department of the account; created when missing.")
@click.password_option(help="Asked for (twice) when not given.")
def create_admin_command(username: str, name: str, department_name: str,
                         password: str) -> None:
    """Create an administrator account (for a database without the demo company)."""
    try:
        user = create_admin(username=username, name=name, department_name=department_name,
                            password=password)
    except OrgError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created administrator {user.username} ({user.name}) in {user.department.name}")
