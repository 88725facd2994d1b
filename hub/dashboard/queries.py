"""The dashboard's figures: each series one GROUP BY statement (or a fixed few), whatever
the database holds, over what the features' access modules let the viewer count.

Months are calendar months in the company's timezone, the last ``MONTHS`` of them up to
this one; an item counts in the month it was filed.

- **letters**: filed per month by category and by status (as they stand now), and the
  overdue rate: the share of the month's letters that missed a deadline — accepted (or
  rejected) after the GM office's acceptance deadline, or still waiting past it, or
  resolved after the department's due date, or still open past it;
- **reports**: filed per month by kind, under the small-cell rule
  (``hub.common.small_cells``): no count under 5 — zero included — ever leaves the server,
  nor a total that would give one away; hidden counts are ``None``;
- **talks**: per department and month, the share of the talks owed that were held, from
  the stored monthly summaries (月汇总, made on the 1st for the month before: the current
  month has none yet);
- **announcements**: for the latest announcements to be confirmed that the viewer
  manages, how many of the people whose confirmations the viewer may see confirmed the
  current version.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import DateTime, and_, case, extract, func, literal, or_, select
from sqlalchemy.orm import joinedload

from hub.announcements.access import confirmation_scope, managed_announcements_query
from hub.announcements.models import Announcement, AnnouncementConfirmation
from hub.common.months import Month
from hub.common.small_cells import protect
from hub.common.time import utcnow
from hub.extensions import db
from hub.mailbox.access import visible_letters
from hub.mailbox.models import CATEGORIES, STATUSES, Letter
from hub.mailbox.services import CATEGORY_LABELS
from hub.mailbox.services import STATUS_LABELS as LETTER_STATUS_LABELS
from hub.meetings.access import can_view_compliance, can_view_summary
from hub.meetings.obligation_models import MonthlySummary, MonthlySummaryRow
from hub.org.models import Department, User
from hub.suggestions.access import countable_clause
from hub.suggestions.labels import KIND_LABELS
from hub.suggestions.models import KINDS, Report

MONTHS = 12
MAX_MONTHS = 24
ANNOUNCEMENTS = 10


def window(months: int = MONTHS, now: datetime | None = None) -> list[Month]:
    """The last ``months`` months up to this one, oldest first."""
    month = Month.of(now or utcnow())
    found = [month]
    for _ in range(months - 1):
        month = month.previous
        found.append(month)
    return found[::-1]


def _month_columns(column):
    return extract("year", column), extract("month", column)


def _key(year, month) -> str:
    return f"{int(year):04d}-{int(month):02d}"


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


# --- letters -----------------------------------------------------------------------------

def letter_figures(user: User, months: list[Month], now: datetime) -> dict:
    year, month = _month_columns(Letter.filed_on)
    moment = literal(now, DateTime)
    late = or_(
        func.coalesce(Letter.accepted_at, Letter.closed_at, moment) > Letter.accept_due_at,
        and_(Letter.due_at.is_not(None),
             func.coalesce(Letter.resolved_at, Letter.answered_at, Letter.closed_at, moment)
             > Letter.due_at))
    stmt = (visible_letters(user)
            .with_only_columns(year, month, Letter.category, Letter.status, func.count(),
                               func.sum(case((late, 1), else_=0)))
            .where(Letter.filed_on >= months[0].first_day,
                   Letter.filed_on < months[-1].next.first_day)
            .group_by(year, month, Letter.category, Letter.status))
    keys = [str(m) for m in months]
    by_category = {k: dict.fromkeys(CATEGORIES, 0) for k in keys}
    by_status = {k: dict.fromkeys(STATUSES, 0) for k in keys}
    overdue = dict.fromkeys(keys, 0)
    for y, m, category, status, count, late_count in db.session.execute(stmt):
        key = _key(y, m)
        by_category[key][category] += count
        by_status[key][status] += count
        overdue[key] += int(late_count or 0)
    rows = []
    for key in keys:
        filed = sum(by_category[key].values())
        rows.append({"month": key, "filed": filed, "by_category": by_category[key],
                     "by_status": by_status[key], "overdue": overdue[key],
                     "overdue_rate": _percent(overdue[key], filed)})
    return {
        "categories": [{"key": c, "label": str(CATEGORY_LABELS[c])} for c in CATEGORIES],
        "statuses": [{"key": s, "label": str(LETTER_STATUS_LABELS[s])} for s in STATUSES],
        "months": rows,
    }


# --- reports -----------------------------------------------------------------------------

def report_figures(user: User, months: list[Month]) -> tuple[dict, dict]:
    year, month = _month_columns(Report.filed_on)
    stmt = (select(year, month, Report.kind, func.count())
            .where(countable_clause(user), Report.filed_on >= months[0].first_day,
                   Report.filed_on < months[-1].next.first_day)
            .group_by(year, month, Report.kind))
    keys = [str(m) for m in months]
    counts = {(key, kind): 0 for key in keys for kind in KINDS}
    for y, m, kind, count in db.session.execute(stmt):
        counts[(_key(y, m), kind)] += count
    # the lines whose totals are shown: each month, each kind, everything
    lines = ([[(key, kind) for kind in KINDS] for key in keys]
             + [[(key, kind) for key in keys] for kind in KINDS] + [list(counts)])
    shown = protect(counts, lines)
    totals = shown.totals
    figures = {
        "kinds": [{"key": k, "label": str(KIND_LABELS[k])} for k in KINDS],
        "months": [{"month": key, "by_kind": {kind: shown.cells[(key, kind)] for kind in KINDS},
                    "total": totals[i]} for i, key in enumerate(keys)],
        "totals": {kind: totals[len(keys) + j] for j, kind in enumerate(KINDS)},
        "total": totals[-1],
    }
    # How a page shows each figure: the count, "<5", or "≥5" for one hidden to protect
    # another (the API has null for both).
    labels = {
        "cells": {f"{key}/{kind}": shown.label((key, kind)) for key, kind in counts},
        "months": {key: shown.total_label(i, counts, lines[i]) for i, key in enumerate(keys)},
        "kinds": {kind: shown.total_label(len(keys) + j, counts, lines[len(keys) + j])
                  for j, kind in enumerate(KINDS)},
        "total": shown.total_label(len(lines) - 1, counts, lines[-1]),
    }
    return figures, labels


# --- talks -------------------------------------------------------------------------------

def talk_figures(user: User, months: list[Month]) -> dict:
    keys = [str(m) for m in months]
    rows = db.session.execute(
        select(Department, MonthlySummary.month, MonthlySummaryRow.owed,
               MonthlySummaryRow.held)
        .join(MonthlySummaryRow, MonthlySummaryRow.department_id == Department.id)
        .join(MonthlySummary, MonthlySummaryRow.summary_id == MonthlySummary.id)
        .where(MonthlySummary.month.in_(keys))
        .order_by(Department.sort_order, Department.id)).all()
    everyone = can_view_summary(user)
    departments: dict[int, Department] = {}
    cells: dict[int, dict[str, dict]] = {}
    summarised = set()
    for department, key, owed, held in rows:
        summarised.add(key)
        if not owed or not (everyone or can_view_compliance(user, department)):
            continue
        departments[department.id] = department
        cells.setdefault(department.id, {})[key] = {
            "owed": owed, "held": held, "rate": _percent(held, owed)}
    empty = {"owed": None, "held": None, "rate": None}
    return {
        "summarised": [key for key in keys if key in summarised],
        "departments": [
            {"id": d.id, "name": d.name,
             "months": [{"month": key, **cells[d.id].get(key, empty)} for key in keys]}
            for d in departments.values()],
    }


# --- announcements -----------------------------------------------------------------------

def announcement_figures(user: User, now: datetime) -> list[dict]:
    announcements = list(db.session.scalars(
        managed_announcements_query(user)
        .where(Announcement.requires_confirmation.is_(True), Announcement.publish_at <= now)
        .order_by(Announcement.publish_at.desc(), Announcement.id.desc())
        .options(joinedload(Announcement.audience)).limit(ANNOUNCEMENTS)).unique())
    if not announcements:
        return []
    columns = []
    for announcement in announcements:
        scope = confirmation_scope(user, announcement).with_only_columns(User.id).subquery()
        confirmed = select(AnnouncementConfirmation.user_id).where(
            AnnouncementConfirmation.announcement_id == announcement.id,
            AnnouncementConfirmation.version == announcement.version)
        columns += [
            select(func.count()).select_from(scope).scalar_subquery(),
            select(func.count()).select_from(scope)
            .where(scope.c.id.in_(confirmed)).scalar_subquery()]
    counts = db.session.execute(select(*columns)).one()
    found = []
    for index, announcement in enumerate(announcements):
        audience, confirmed = counts[2 * index], counts[2 * index + 1]
        found.append({"id": announcement.id, "number": announcement.number,
                      "title": announcement.title, "audience": audience,
                      "confirmed": confirmed, "rate": _percent(confirmed, audience)})
    return found


# --- everything --------------------------------------------------------------------------

@dataclass
class Figures:
    months: list[str]
    letters: dict
    reports: dict
    talks: dict
    announcements: list[dict] = field(default_factory=list)
    #: the report figures as a page shows them (``report_figures``)
    report_labels: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"months": self.months, "letters": self.letters, "reports": self.reports,
                "talks": self.talks, "announcements": self.announcements}


def figures(user: User, months: int = MONTHS, now: datetime | None = None) -> Figures:
    """Every series of the dashboard as ``user`` may see it (``hub.dashboard.access``
    decides whether they may open it at all)."""
    now = now or utcnow()
    span = window(months, now)
    reports, labels = report_figures(user, span)
    return Figures(months=[str(m) for m in span], letters=letter_figures(user, span, now),
                   reports=reports, talks=talk_figures(user, span),
                   announcements=announcement_figures(user, now), report_labels=labels)
