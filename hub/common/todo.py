"""The shape of one row of somebody's to-do list (工作台), for the features' ``todo_for``.

Each feature's access module answers "what is waiting for this person here" with
``todo_for(user)``: a list of SELECTs built with ``todo_select``, every one of the same
columns, so the workbench asks them all in one UNION ALL statement (and the header counts
them inside its own one statement).  The rule deciding what is waiting — and which title
this person may read — stays in the feature's access module.

**Built once, run for everybody** (issue 13).  Building these statements costs far more
Python than running them, so the header and the workbench build each of their statements
once per process for every *shape* of person and run it with the person's values as bound
parameters.  ``todo_for`` is therefore called with a ``Viewer``, not the signed-in ``User``,
and must be written so:

* the person's id is ``user.id`` (the ``ME`` parameter), their department
  ``user.department_id``, their manager ``user.manager_id`` — use them in SQL only, never in
  Python (``p.id == user.id`` in Python is silently false);
* the moment is the ``now`` argument (``NOW``), the company's date ``today_of(now)``
  (``TODAY``): never call ``utcnow()``/``local_date()`` on it while building, and test
  ``now is None``, not ``now or …``;
* what may be decided in Python is ``user.roles``/``user.has_role(…)``, ``user.active``,
  ``user.is_authenticated`` and whether ``user.manager_id is None``; anything else about the
  person that changes the statement's shape must be a fact of ``Viewer.facts`` (see
  ``hub.workbench.services.VIEWER_FACTS``), or be decided in SQL.

A ``todo_for`` that reads anything else of the person fails loudly when built (the header
then builds its statement per request, as before, and logs why).
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    literal_column,
    null,
    select,
)

#: The person's id, department and manager, the moment (naive UTC) and the company's date,
#: as bound parameters of the statements built once per shape (``Viewer``).
ME = bindparam("todo_me", type_=Integer)
MY_DEPARTMENT = bindparam("todo_department", type_=Integer)
MY_MANAGER = bindparam("todo_manager", type_=Integer)
NOW = bindparam("todo_now", type_=DateTime)
TODAY = bindparam("todo_today", type_=Date)


def today_of(now):
    """The company's date at ``now``: ``TODAY`` in a shared statement (``now`` is ``NOW``),
    else the date of ``now`` (or of this moment)."""
    if now is NOW:
        return TODAY
    from hub.common.time import utcnow
    from hub.common.workdays import local_date

    return local_date(utcnow() if now is None else now)


class Viewer:
    """A person as a statement built once for everybody of their shape sees them: the id,
    department and manager are the bound parameters ``ME``, ``MY_DEPARTMENT`` and
    ``MY_MANAGER``; the roles and ``facts`` (plain, hashable data the features compute from
    the real person, e.g. the handling units they are in) decide the shape."""

    is_authenticated = True
    is_anonymous = False
    active = True
    is_active = True
    id = ME
    department_id = MY_DEPARTMENT

    def __init__(self, roles, *, has_manager: bool, facts: dict[str, Any] | None = None):
        self.roles = frozenset(roles)
        self.manager_id = MY_MANAGER if has_manager else None
        self.facts = dict(facts or {})
        self.key = (self.roles, has_manager, tuple(sorted(self.facts.items())))

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def __getattr__(self, name: str):
        raise AttributeError(
            f"a to-do statement is built once for everybody of a shape: {name!r} of the "
            "person is not part of it (see hub.common.todo)")

    @staticmethod
    def parameters(user, now, today) -> dict[str, Any]:
        """The bound values for ``user`` (a real person) at ``now``."""
        return {"todo_me": user.id, "todo_department": user.department_id,
                "todo_manager": user.manager_id, "todo_now": now, "todo_today": today}

#: The columns of every row: the task's kind, the item's id, its number (where it has one),
#: the title this person may see, and when it is due (a moment, or a day).
COLUMNS = ("kind", "item_id", "number", "title", "due_at", "due_on")


def todo_select(kind: str, item_id, *, number=None, title=None, due_at=None,
                due_on=None) -> Select:
    """``SELECT`` of one kind of task; add the FROM's WHERE clauses to it."""
    if not re.fullmatch(r"[a-z_]+", kind):
        raise ValueError(f"bad to-do kind {kind!r}")
    return select(
        literal_column(f"'{kind}'", String).label("kind"),
        cast(item_id, Integer).label("item_id"),
        (cast(number, String) if number is not None else cast(null(), String)).label("number"),
        (cast(title, String) if title is not None else cast(null(), String)).label("title"),
        (due_at if due_at is not None else cast(null(), DateTime)).label("due_at"),
        (due_on if due_on is not None else cast(null(), Date)).label("due_on"),
    )
