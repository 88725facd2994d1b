"""Reporting periods (周 / 月 / 季度) and an obligation's dates for one of them.

A period is a calendar week (Monday to Sunday, ISO numbering: ``2026-W49``), a calendar
month (``2026-12``) or a calendar quarter (``2026-Q4``), in the company's calendar.  An
obligation's dates count from an *anchor*: the period's last day, or for a quarterly report
the last day of one month of the quarter (the 客户回访征询表 "定于一月、四月、七月、十月的
月末5日内完成": month 1 of each quarter, a 5-day window, due on its last day).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

WEEK_RE = re.compile(r"([0-9]{4})-W([0-9]{2})")
MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
QUARTER_RE = re.compile(r"([0-9]{4})-Q([1-4])")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Period:
    frequency: str
    start: date

    @classmethod
    def of(cls, frequency: str, day: date) -> Period:
        """The period of ``frequency`` that contains ``day``."""
        if frequency == "weekly":
            return cls(frequency, day - timedelta(days=day.weekday()))
        if frequency == "monthly":
            return cls(frequency, day.replace(day=1))
        if frequency == "quarterly":
            return cls(frequency, date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
        raise ValueError(frequency)

    @classmethod
    def parse(cls, text: str | None) -> Period:
        """``2026-W49``, ``2026-12`` or ``2026-Q4``; ``ValueError`` for anything else."""
        text = (text or "").strip().upper()
        try:
            if match := WEEK_RE.fullmatch(text):
                year = int(match[1])
                start = date.fromisocalendar(year, int(match[2]), 1)
                period = cls("weekly", start)
            elif match := QUARTER_RE.fullmatch(text):
                year = int(match[1])
                period = cls("quarterly", date(year, int(match[2]) * 3 - 2, 1))
            elif match := MONTH_RE.fullmatch(text):
                year = int(match[1])
                period = cls("monthly", date(year, int(match[2]), 1))
            else:
                raise ValueError(text)
        except ValueError as exc:
            raise ValueError(text) from exc
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(text)
        return period

    @property
    def end(self) -> date:
        """The period's last day."""
        if self.frequency == "weekly":
            return self.start + timedelta(days=6)
        months = 1 if self.frequency == "monthly" else 3
        return month_end(self.start.year, self.start.month + months - 1)

    @property
    def next(self) -> Period:
        return Period.of(self.frequency, self.end + timedelta(days=1))

    @property
    def previous(self) -> Period:
        return Period.of(self.frequency, self.start - timedelta(days=1))

    @property
    def key(self) -> str:
        if self.frequency == "weekly":
            year, week, _day = self.start.isocalendar()
            return f"{year:04d}-W{week:02d}"
        if self.frequency == "monthly":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.start.year:04d}-Q{(self.start.month - 1) // 3 + 1}"

    @property
    def label(self) -> str:
        if self.frequency == "weekly":
            year, week, _day = self.start.isocalendar()
            return _("%(year)s年第%(week)s周（%(start)s–%(end)s）", year=year, week=week,
                     start=self.start.strftime("%m-%d"), end=self.end.strftime("%m-%d"))
        if self.frequency == "monthly":
            return _("%(year)s年%(month)s月", year=self.start.year, month=self.start.month)
        return _("%(year)s年第%(quarter)s季度", year=self.start.year,
                 quarter=(self.start.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return self.key


def month_end(year: int, month: int) -> date:
    """The last day of ``month`` of ``year`` (a month past 12 runs into the next year)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Dates:
    #: the first day the report may be filed (and is owed)
    opens_on: date
    #: the last day it is on time
    due_on: date


def anchor_of(period: Period, anchor_month: int | None) -> date:
    if anchor_month is None or period.frequency != "quarterly":
        return period.end
    return month_end(period.start.year, period.start.month + anchor_month - 1)


def report_dates(period: Period, *, window_days: int, due_days: int,
                 anchor_month: int | None = None) -> Dates:
    """When a report of ``period`` opens and is due: the window ends on the anchor's last
    day (``window_days`` long); it is due ``due_days`` after that."""
    anchor = anchor_of(period, anchor_month)
    return Dates(opens_on=anchor - timedelta(days=window_days - 1),
                 due_on=anchor + timedelta(days=due_days))


def summary_dates(reports: Dates, summary_days: int) -> Dates:
    """The recipient's summary: from the reports' due day, within ``summary_days``
    (市场部 "在一周内将信息分析汇总，上报主管副总经理": 7)."""
    return Dates(opens_on=reports.due_on, due_on=reports.due_on + timedelta(days=summary_days))
