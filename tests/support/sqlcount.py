"""Counting what a request costs the database: SQL statements, and ORM objects loaded.

Pages run a fixed number of statements whatever their row count, and load only their page
whatever the size of the database; these two context managers measure both.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Mapper

from hub.extensions import db


@contextmanager
def statements():
    """The SQL statements run inside the block, as a list of their texts."""
    found: list[str] = []

    def count(_conn, _cursor, statement, *_args, **_kwargs):
        found.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield found
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@contextmanager
def loaded_objects():
    """The ORM objects loaded from rows inside the block, as a list of their class names."""
    found: list[str] = []

    def loaded(target, _context):
        found.append(type(target).__name__)

    event.listen(Mapper, "load", loaded)
    try:
        yield found
    finally:
        event.remove(Mapper, "load", loaded)
