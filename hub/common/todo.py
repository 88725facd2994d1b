"""The shape of one row of somebody's to-do list (工作台), for the features' ``todo_for``.

Each feature's access module answers "what is waiting for this person here" with
``todo_for(user)``: a list of SELECTs built with ``todo_select``, every one of the same
columns, so the workbench asks them all in one UNION ALL statement (and the header counts
them inside its own one statement).  The rule deciding what is waiting — and which title
this person may read — stays in the feature's access module.
"""
from __future__ import annotations

import re

from sqlalchemy import Date, DateTime, Integer, Select, String, cast, literal_column, null, select

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
