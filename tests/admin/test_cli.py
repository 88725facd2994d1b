"""``flask create-admin``: an empty production database gets its first administrator."""
from __future__ import annotations

from sqlalchemy import func, select

from hub.extensions import db
from hub.org.models import Department, User


def run(app, *args):
    return app.test_cli_runner().invoke(args=["create-admin", *args])


def test_an_empty_database_gets_an_admin_who_can_sign_in(app, client, get_csrf):
    result = run(app, "--username", "Boss", "--name", "王总", "--password", "a-long-secret")
    assert result.exit_code == 0, result.output
    assert "created administrator boss" in result.output

    user = db.session.scalar(select(User).where(User.username == "boss"))
    assert user.name == "王总" and user.roles == {"admin"} and user.active
    assert user.department.name == "总经办" and user.department.parent_id is None

    token = get_csrf(client, "/login")
    signed_in = client.post("/login", data={"csrf_token": token, "username": "boss",
                                            "password": "a-long-secret"})
    assert signed_in.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_existing_department_is_reused(app, create_department):
    existing = create_department("总经办")
    db.session.commit()
    assert run(app, "--password", "a-long-secret").exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Department)) == 1
    assert db.session.scalar(select(User).where(User.username == "admin")).department_id \
        == existing.id


def test_a_taken_username_or_a_short_password_is_refused_and_nothing_is_saved(app, demo):
    users_before = db.session.scalar(select(func.count()).select_from(User))

    taken = run(app, "--username", "gm", "--password", "a-long-secret")
    assert taken.exit_code == 1 and "已存在" in taken.output

    short = run(app, "--username", "newadmin", "--department", "新部门", "--password", "short")
    assert short.exit_code == 1 and "至少 8 个字符" in short.output

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before
    assert db.session.scalar(select(Department).where(Department.name == "新部门")) is None
