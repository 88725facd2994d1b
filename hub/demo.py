"""The demo company (SPEC "Demo organisation"): created on the embedded default's first
start and by ``flask --app app demo-data``.  Every account's password is ``hub-demo``.

The demo is a list of steps (``demo_steps``): the organisation first, then each feature's
content, made through the features' own services so that it looks like real use.
"""
from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import delete, func, inspect, select, text

from hub.common.models import get_setting, set_setting
from hub.extensions import db

DEMO_PASSWORD = "hub-demo"
DEMO_FLAG = "demo_organisation"

# (key, name, parent key)
DEPARTMENTS = [
    ("gmo", "总经办", None),
    ("hr", "人力资源部", None),
    ("safety", "安全环保部", None),
    ("cs", "客服部", None),
    ("sales", "市场部", None),
    ("sales_east", "华东销售组", "sales"),
    ("sales_south", "华南销售组", "sales"),
    ("prod", "生产部", None),
    ("finance", "财务部", None),
    ("rd", "研发部", None),
]

# (username, name, title, department key, manager username, roles, heads department)
PEOPLE = [
    ("admin", "系统管理员", "系统管理员", "gmo", None, ("admin",), False),
    ("gm", "王建国", "总经理", "gmo", None, ("gm_office",), True),
    ("gmo", "李秀梅", "总经办秘书", "gmo", "gm", ("gm_office",), False),
    ("hr_head", "张丽华", "人力资源部经理", "hr", "gm", ("hr",), True),
    ("hr1", "刘芳", "人事专员", "hr", "hr_head", ("hr",), False),
    ("hr2", "陈静", "招聘专员", "hr", "hr_head", ("hr",), False),
    ("safety_head", "赵志强", "安全环保部经理", "safety", "gm", (), True),
    ("safety1", "孙伟", "安全员", "safety", "safety_head", (), False),
    ("cs_head", "周敏", "客服部经理", "cs", "gm", (), True),
    ("cs1", "吴婷", "客服专员", "cs", "cs_head", (), False),
    ("cs2", "郑晓燕", "客服专员", "cs", "cs_head", (), False),
    ("sales_head", "钱伟明", "市场部经理", "sales", "gm", (), True),
    ("sales_lead", "冯涛", "销售主管", "sales_east", "sales_head", (), True),
    ("sales1", "何磊", "销售专员", "sales_east", "sales_lead", (), False),
    ("sales2", "韩雪", "销售专员", "sales_east", "sales_lead", (), False),
    ("sales3", "曹阳", "销售专员", "sales_east", "sales_lead", (), False),
    ("sales_lead2", "许文博", "销售主管", "sales_south", "sales_head", (), True),
    ("sales4", "邓琳", "销售专员", "sales_south", "sales_lead2", (), False),
    ("sales5", "萧鹏", "销售专员", "sales_south", "sales_lead2", (), False),
    ("prod_head", "杨志刚", "生产部经理", "prod", "gm", (), True),
    ("prod1", "黄海", "生产员工", "prod", "prod_head", (), False),
    ("prod2", "林强", "生产员工", "prod", "prod_head", (), False),
    ("prod3", "罗军", "生产员工", "prod", "prod_head", (), False),
    ("prod4", "谢红", "质检员", "prod", "prod_head", (), False),
    ("fin_head", "唐慧", "财务部经理", "finance", "gm", (), True),
    ("fin1", "宋佳", "会计", "finance", "fin_head", (), False),
    ("fin2", "蒋丽", "出纳", "finance", "fin_head", (), False),
    ("rd_head", "沈浩", "研发部经理", "rd", "gm", (), True),
    ("rd1", "韩冰", "软件工程师", "rd", "rd_head", (), False),
    ("rd2", "彭飞", "硬件工程师", "rd", "rd_head", (), False),
    ("rd3", "吕娜", "测试工程师", "rd", "rd_head", (), False),
    ("it1", "叶斌", "网络管理员", "rd", "rd_head", (), False),
]

# Handling units (SPEC §2 routing): code, name, department key, head, other members
UNITS = [
    ("hr", "人力资源部", "hr", "hr_head", ("hr1", "hr2")),
    ("safety", "安全环保部", "safety", "safety_head", ("safety1",)),
    ("customer_service", "客服部", "cs", "cs_head", ("cs1", "cs2")),
    ("gm_office", "总经办", "gmo", "gm", ("gmo",)),
]

#: Usernames SPEC promises; the login page and the console list them.
DEMO_USERNAMES = [p[0] for p in PEOPLE]


def demo_accounts_available() -> list[str]:
    return DEMO_USERNAMES if get_setting(DEMO_FLAG) == "1" else []


def wipe_data() -> None:
    """Delete every row of every table (not the schema), respecting foreign keys."""
    from hub import models  # noqa: F401 - every table registered

    db.session.execute(text("UPDATE departments SET head_id = NULL"))
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.flush()


def create_demo_organisation() -> None:
    """The demo organisation of SPEC: departments, people with their roles and reporting
    lines, handling units.  Built in memory and written in a few flushes (the data is fixed,
    so the services' checks — unknown roles, reporting loops — have nothing to catch), which
    keeps the many tests that start from it quick."""
    from hub.auth.services import hash_password
    from hub.common.time import utcnow
    from hub.org.models import (
        Department,
        HandlingUnit,
        ReportingLine,
        UnitMembership,
        User,
        UserRole,
    )

    depts: dict[str, Department] = {}
    for order, (key, name, parent) in enumerate(DEPARTMENTS):
        depts[key] = Department(name=name, parent=depts.get(parent), sort_order=order)
        db.session.add(depts[key])

    # One hash for every demo account: the password is public anyway, and 30+ argon2
    # hashes would make every (re)creation of the demo slow for nothing.
    password_hash = hash_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for number, (username, name, title, dept, _mgr, roles, heads) in enumerate(PEOPLE, 1):
        user = User(username=username, employee_no=f"E{number:04d}", name=name, title=title,
                    email=f"{username}@demo.example.com", department=depts[dept],
                    password_hash=password_hash)
        user.role_rows = [UserRole(role=role) for role in sorted(set(roles))]
        db.session.add(user)
        users[username] = user
        if heads:
            depts[dept].head = user
    db.session.flush()

    now = utcnow()
    for username, _name, _title, _dept, manager, *_rest in PEOPLE:
        if manager:
            users[username].manager = users[manager]
            db.session.add(ReportingLine(user_id=users[username].id,
                                         manager_id=users[manager].id, valid_from=now))
    for code, name, dept, head, members in UNITS:
        unit = HandlingUnit(code=code, name=name, department=depts[dept])
        unit.memberships = [UnitMembership(user=users[head], is_head=True)] + [
            UnitMembership(user=users[m]) for m in members
        ]
        db.session.add(unit)
    set_setting(DEMO_FLAG, "1")
    db.session.flush()


#: A step of the demo: it gets the demo people by username (the first step adds them).
DemoStep = Callable[[dict], None]


def _organisation(people: dict) -> None:
    from hub.org.models import User

    create_demo_organisation()
    people.update((u.username, u) for u in db.session.scalars(select(User)))


def demo_steps() -> list[DemoStep]:
    """The demo company in the order it is made: the organisation, then the features."""
    from hub.accountability.demo import create_demo_accountability
    from hub.announcements.demo import create_demo_announcements
    from hub.dashboard.demo import store_demo_summaries
    from hub.feedback.demo import create_demo_feedback
    from hub.mailbox.demo import create_demo_letters
    from hub.meetings.demo import create_demo_talks
    from hub.meetings.obligation_demo import (
        backdate_demo_reporting_lines,
        create_demo_obligations,
    )
    from hub.meetings.summaries_demo import create_demo_summaries
    from hub.notifications.demo import spread_demo_notifications
    from hub.search.demo import rebuild_search_index
    from hub.suggestions.demo import create_demo_reports
    from hub.surveys.demo import create_demo_surveys

    return [
        _organisation,
        backdate_demo_reporting_lines,
        create_demo_letters,
        create_demo_reports,
        create_demo_announcements,
        create_demo_surveys,
        create_demo_talks,
        create_demo_obligations,
        create_demo_feedback,
        store_demo_summaries,
        create_demo_summaries,
        create_demo_accountability,
        spread_demo_notifications,
        rebuild_search_index,
    ]


def create_demo_company() -> None:
    """Run every demo step.  The in-app notifications the demo content leaves stay, but the
    e-mails it queued are taken out of the outbox again before anything is committed: they
    would tell made-up addresses about made-up history, so they are never sent."""
    from hub.notifications.models import OutboxMail

    last_mail_before = db.session.scalar(select(func.max(OutboxMail.id))) or 0
    people: dict = {}
    for step in demo_steps():
        step(people)
    db.session.execute(delete(OutboxMail).where(OutboxMail.id > last_mail_before))
    db.session.flush()


def recreate_demo() -> None:
    wipe_data()
    create_demo_company()
    db.session.commit()


def print_accounts() -> None:
    click.echo("演示公司已创建 / demo organisation created. Password for every account: "
               f"{DEMO_PASSWORD}")
    click.echo("  " + ", ".join(DEMO_USERNAMES))


@click.command("demo-data")
@with_appcontext
def demo_data_command() -> None:
    """Apply migrations and (re)create the demo company and its content (deletes all
    data!)."""
    from flask_migrate import upgrade

    upgrade()
    recreate_demo()
    print_accounts()


def bootstrap(app: Flask) -> None:
    """On the embedded default: the first start on an empty database migrates and creates
    the demo company; later starts only apply migrations that are still pending."""
    from flask_migrate import upgrade

    lock_path = Path(app.instance_path) / "bootstrap.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock, app.app_context():
        fcntl.flock(lock, fcntl.LOCK_EX)  # two processes starting at once: one does the work
        empty = not inspect(db.engine).has_table("alembic_version")
        upgrade()
        if empty:
            create_demo_company()
            db.session.commit()
            print_accounts()
        db.session.remove()
        current_app.logger.debug("embedded default ready")
