"""Registration numbers (登记编码): PREFIX-YYYY-NNNNNN, unique and gap-free per prefix and
year, even when people file at the same moment.

The counter row is incremented inside the transaction that files the item: concurrent
filers queue on the row lock (PostgreSQL) or the write lock (SQLite), and a rolled-back
filing gives its number back.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from hub.common.models import RegistrationCounter
from hub.extensions import db


def next_number(prefix: str, year: int) -> str:
    return f"{prefix}-{year}-{_next_value(prefix, year):06d}"


def _next_value(prefix: str, year: int) -> int:
    for _attempt in range(3):
        result = db.session.execute(
            update(RegistrationCounter)
            .where(RegistrationCounter.prefix == prefix, RegistrationCounter.year == year)
            .values(value=RegistrationCounter.value + 1)
            .returning(RegistrationCounter.value)
        ).scalar()
        if result is not None:
            return result
        # First number of the year: create the counter; a concurrent first filer may win.
        try:
            with db.session.begin_nested():
                db.session.add(RegistrationCounter(prefix=prefix, year=year, value=1))
            return 1
        except IntegrityError:
            continue
    raise RuntimeError(f"could not allocate a registration number for {prefix}-{year}")


def current_value(prefix: str, year: int) -> int:
    return db.session.scalar(
        select(RegistrationCounter.value)
        .where(RegistrationCounter.prefix == prefix, RegistrationCounter.year == year)
    ) or 0
