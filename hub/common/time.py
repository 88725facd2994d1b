"""Time helpers. The database stores naive UTC; people see the company's timezone."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """Naive UTC, the form every timestamp column holds on SQLite and PostgreSQL alike."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def company_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(company_tz())


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 with the company's offset, as the API promises."""
    local = to_local(value)
    return local.isoformat() if local else None
