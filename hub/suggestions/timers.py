"""The urgency timers (特急 / 急 / 一般): how long a report may wait, per kind.

The policy's minute deadlines — 特急 10 minutes, 急 15 minutes, 一般 the same day or a time
agreed with the customer (客户服务规程 2.5) — are response times for customer complaints: they
apply to the first response to a 客户意见, and the first reply to the filer, outcome, answer
or closing meets them.  Every other kind counts in working days (特急 1, 急 3), met when the
handling ends; 一般 adds no timer of its own to the acknowledgement (7 days) and feedback
(3 months) rules.  The admin changes any of them per kind (``urgency_timers`` rows override
``DEFAULT_TIMERS``); a report keeps the timer it was given when its urgency was set.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from hub.common.workdays import due_after_working_days, end_of_day_utc, local_date
from hub.extensions import db
from hub.suggestions.models import KINDS, URGENCIES, UrgencyTimer

RULES = ("minutes", "end_of_day", "working_days", "none")
#: rules whose amount is a number (minutes or working days)
COUNTED = frozenset({"minutes", "working_days"})
#: rules met by the first response (the others by the end of the handling)
RESPONSE_RULES = frozenset({"minutes", "end_of_day"})
#: steps that are a response to the filer (they meet a response timer)
RESPONSE_STEPS = frozenset({"reply", "resolve", "adopt", "decline", "answer", "close"})
#: steps that end the handling (they meet a working-day timer)
HANDLED_STEPS = frozenset({"resolve", "adopt", "decline", "answer", "close"})
#: the longest timer the admin may set: a year of minutes, or 60 working days
LIMITS = {"minutes": 525600, "working_days": 60}


@dataclass(frozen=True)
class Timer:
    rule: str
    amount: int | None = None

    @property
    def by_response(self) -> bool:
        return self.rule in RESPONSE_RULES


#: 客户服务规程 2.5 for customer complaints; working days for every other kind.
CUSTOMER_TIMERS = {"urgent": Timer("minutes", 10), "high": Timer("minutes", 15),
                   "normal": Timer("end_of_day")}
WORKING_DAY_TIMERS = {"urgent": Timer("working_days", 1), "high": Timer("working_days", 3),
                      "normal": Timer("none")}
DEFAULT_TIMERS: dict[tuple[str, str], Timer] = {
    (kind, urgency): (CUSTOMER_TIMERS if kind == "customer" else WORKING_DAY_TIMERS)[urgency]
    for kind in KINDS for urgency in URGENCIES}


def all_timers() -> dict[tuple[str, str], Timer]:
    """Every kind's timer at every urgency: the defaults with the admin's rows over them
    (one statement)."""
    timers = dict(DEFAULT_TIMERS)
    for row in db.session.scalars(select(UrgencyTimer)):
        if (row.kind, row.urgency) in timers:
            timers[(row.kind, row.urgency)] = Timer(row.rule, row.amount)
    return timers


def timer_for(kind: str, urgency: str) -> Timer:
    row = db.session.get(UrgencyTimer, (kind, urgency))
    return Timer(row.rule, row.amount) if row is not None else DEFAULT_TIMERS[(kind, urgency)]


class TimerError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_timer(rule: str, amount: int | None) -> Timer:
    """A timer as the admin typed it, or ``TimerError`` with the reason."""
    if rule not in RULES:
        raise TimerError(_("未知的时限规则。"))
    if rule not in COUNTED:
        return Timer(rule)
    if amount is None:
        raise TimerError(_("请填写分钟数或工作日数。"))
    if not 1 <= amount <= LIMITS[rule]:
        raise TimerError(_("时限必须在 1 到 %(n)s 之间。", n=LIMITS[rule]))
    return Timer(rule, int(amount))


def set_timer(kind: str, urgency: str, timer: Timer) -> None:
    """Store ``timer`` for ``kind`` at ``urgency`` (the default again removes the row)."""
    if (kind, urgency) not in DEFAULT_TIMERS:
        raise TimerError(_("未知的类别或紧急程度。"))
    row = db.session.get(UrgencyTimer, (kind, urgency))
    if timer == DEFAULT_TIMERS[(kind, urgency)]:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(UrgencyTimer(kind=kind, urgency=urgency, rule=timer.rule,
                                    amount=timer.amount))
    else:
        row.rule, row.amount = timer.rule, timer.amount
    db.session.flush()


def due_at(timer: Timer, start: datetime, agreed_at: datetime | None = None) -> datetime | None:
    """When a timer set at ``start`` (naive UTC) runs out; None: no timer.  A same-day
    timer ends at the time agreed with the customer when there is one."""
    if timer.rule == "minutes":
        return start + timedelta(minutes=timer.amount)
    if timer.rule == "working_days":
        return due_after_working_days(start, timer.amount)
    if timer.rule == "end_of_day":
        return agreed_at or end_of_day_utc(local_date(start))
    return None


def describe(timer: Timer) -> str:
    """The timer in words, for the settings page and the report's page."""
    if timer.rule == "minutes":
        return _("%(n)s 分钟内首次响应", n=timer.amount)
    if timer.rule == "working_days":
        return _("%(n)s 个工作日内办结", n=timer.amount)
    if timer.rule == "end_of_day":
        return _("当日或与客户约定时间内首次响应")
    return _("按一般受理期限")


def meeting_steps(rule: str | None) -> frozenset[str]:
    """The steps that meet a timer of ``rule`` (a timer from before the rules were stored,
    None, is met by the end of the handling)."""
    return RESPONSE_STEPS if rule in RESPONSE_RULES else HANDLED_STEPS
