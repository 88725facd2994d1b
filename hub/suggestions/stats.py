"""Statistics of the report inbox, the audit log and the year-end reward list, and their
Excel exports (SPEC §2; numbers and dates as such, formula-like text quoted,
``hub.common.spreadsheets``).

Every figure counts only the reports the viewer may see (``visible_report_ids``): a report
hidden from somebody is in none of their counts either.

The small-cell rule.  Counts by kind, month and status tell the viewer nothing their own
queue does not (every one of those reports is in it, with its kind, status and date), and
neither does the number of anonymous and of named reports.  The filer's department is the
one thing the queue hides, so that table follows the rule that no department cell shows
fewer than 5 items: such a cell reads ``<5``.  As the viewer can count the named reports
in the queue, one hidden cell alone could be found by subtraction, so further departments
are hidden (``≥5``) until the hidden cells cannot be worked out from their sum; when even
hiding every department would not do, the table is withheld.

Exports of the audit log and of the reward list are themselves written to the audit log.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, func, select

from hub.common.small_cells import LARGE, SMALL, protect
from hub.common.spreadsheets import workbook
from hub.common.time import to_local, utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.org.models import Department, HandlingUnit, User
from hub.suggestions.access import countable_clause, counts_in_aggregate, units_headed_by
from hub.suggestions.models import KINDS, STATUSES, Report, ReportAudit
from hub.suggestions.services import (
    ACTION_LABELS,
    KIND_LABELS,
    SMALL_CELL,
    STATUS_LABELS,
    audit,
    audit_rows,
    filer_label,
    is_handler,
    reward_list,
    route_for,
    suppress_small,
)

FIRST_YEAR, LAST_YEAR = 2000, 2100
HIDDEN_LARGE = f"≥{SMALL_CELL}"
AUDIT_ACTIONS = {"view": _l("查看"), "reveal": _l("查看提交人身份"), "change": _l("处理"),
                 "export": _l("导出")}


# --- the small-cell rule ---------------------------------------------------------------------

def _pinned(hidden: list[int]) -> bool:
    """Whether somebody who knows the sum of the ``hidden`` cells, and that each reads
    ``<5`` (1 to 4) or ``≥5``, could work out a small one exactly."""
    top = SMALL_CELL - 1
    small = [n for n in hidden if n < SMALL_CELL]
    large = len(hidden) - len(small)
    if not small:
        return False
    total, others = sum(hidden), len(small) - 1
    # The values one small cell could have, the other hidden cells within their bounds.
    lowest = 1 if large else max(1, total - top * others)
    highest = min(top, total - others - SMALL_CELL * large)
    return lowest >= highest


def protect_cells(counts: dict) -> dict | None:
    """``counts`` (key → items, every one > 0, whose sum the viewer knows) as they may be
    shown: cells under 5 read ``<5``, and further cells are hidden as ``≥5``, smallest
    first, until no hidden cell can be worked out.  ``None`` when that cannot be done."""
    shown = {key: suppress_small(n) for key, n in counts.items()}
    hidden = [n for n in counts.values() if n < SMALL_CELL]
    for key, n in sorted(((k, n) for k, n in counts.items() if n >= SMALL_CELL),
                         key=lambda item: item[1]):
        if not _pinned(hidden):
            break
        shown[key] = HIDDEN_LARGE
        hidden.append(n)
    return None if _pinned(hidden) else shown


# --- the statistics ----------------------------------------------------------------------------

@dataclass
class ReportStats:
    year: int
    total: int = 0
    anonymous: int = 0
    named: int = 0
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    by_month: list[tuple[int, int]] = field(default_factory=list)
    by_status: list[tuple[str, int]] = field(default_factory=list)
    #: (department, count or ``<5`` / ``≥5``); None: withheld by the small-cell rule
    by_department: list[tuple[Department, int | str]] | None = field(default_factory=list)
    #: every report counted, each figure under the small-cell rule (the GM office)
    aggregate: bool = False

    @property
    def department_withheld(self) -> bool:
        return self.by_department is None


def report_stats(user: User, year: int) -> ReportStats:
    """The year's reports as ``user`` may count them (filed in ``year``): counted in SQL
    (one grouped statement over ``countable_clause``), whatever the number of reports."""
    kinds: Counter = Counter()
    months: Counter = Counter()
    statuses: Counter = Counter()
    departments: Counter = Counter()
    total = anonymous = 0
    month = extract("month", Report.filed_on)
    for kind, filed_month, status, is_anonymous, dept_id, n in db.session.execute(
            select(Report.kind, month, Report.status, Report.anonymous,
                   Report.author_department_id, func.count(Report.id))
            .where(Report.year == year, countable_clause(user))
            .group_by(Report.kind, month, Report.status, Report.anonymous,
                      Report.author_department_id)):
        kinds[kind] += n
        months[int(filed_month)] += n
        statuses[status] += n
        total += n
        if is_anonymous:
            anonymous += n
        elif dept_id is not None:
            departments[dept_id] += n
    stats = ReportStats(
        year=year, total=total, anonymous=anonymous,
        by_kind=[(k, kinds[k]) for k in KINDS],
        by_month=[(m, months[m]) for m in range(1, 13)],
        by_status=[(s, statuses[s]) for s in STATUSES])
    stats.named = stats.total - stats.anonymous
    shown = protect_cells(dict(departments))
    if shown is None:
        stats.by_department = None
    else:
        rows = db.session.scalars(select(Department).where(Department.id.in_(shown))
                                  .order_by(Department.sort_order, Department.name))
        stats.by_department = [(d, shown[d.id]) for d in rows]
    return in_aggregate(stats) if counts_in_aggregate(user) else stats


def in_aggregate(stats: ReportStats) -> ReportStats:
    """The figures as those who count in aggregate may see them: no count under 5 in any
    table (``hub.common.small_cells``), the total hidden too when a table's cells could be
    worked out from it (the department table keeps its own rule, above)."""
    tables = {"kind": stats.by_kind, "month": stats.by_month, "status": stats.by_status,
              "filer": [("named", stats.named), ("anonymous", stats.anonymous)]}
    counts = {(name, key): n for name, rows in tables.items() for key, n in rows}
    lines = [[(name, key) for key, _n in rows] for name, rows in tables.items()]
    shown = protect(counts, lines)
    if any(total is None for total in shown.totals):  # one total behind every table
        shown = protect(counts)
        stats.total = SMALL if stats.total < SMALL_CELL else LARGE
    stats.named, stats.anonymous = (shown.label(("filer", k)) for k in ("named", "anonymous"))
    stats.by_kind, stats.by_month, stats.by_status = (
        [(key, shown.label((name, key))) for key, _n in tables[name]]
        for name in ("kind", "month", "status"))
    stats.aggregate = True
    return stats


def stats_workbook(stats: ReportStats, now: datetime | None = None) -> bytes:
    now = now or utcnow()
    summary = [[_("项目"), _("数值")], [_("年度"), stats.year], [_("合计"), stats.total],
               [_("实名"), stats.named], [_("匿名"), stats.anonymous],
               [_("导出日期"), local_date(now)],
               [_("说明"), _("部门分布中少于 %(n)s 件的显示为“<%(n)s”；为防止由合计推算，"
                           "部分部门显示为“≥%(n)s”。", n=SMALL_CELL)]]
    kinds = [[_("类别"), _("件数")]] + [[KIND_LABELS[k], n] for k, n in stats.by_kind]
    months = [[_("月份"), _("件数")]] + [[f"{stats.year}-{m:02d}", n] for m, n in stats.by_month]
    statuses = [[_("状态"), _("件数")]] + [[STATUS_LABELS[s], n] for s, n in stats.by_status]
    departments = [[_("提交人部门"), _("件数")]]
    if stats.by_department is None:
        departments.append([_("件数过少，为保护提交人不予显示。"), ""])
    else:
        departments += [[d.name, n] for d, n in stats.by_department]
    departments.append([_("匿名（无部门）"), stats.anonymous])
    return workbook([(_("概况"), summary), (_("按类别"), kinds), (_("按月份"), months),
                     (_("按状态"), statuses), (_("按部门"), departments)])


# --- the audit log ------------------------------------------------------------------------

def readable_audit_units(user: User) -> list[HandlingUnit]:
    """The handling units whose audit log ``user`` may read (those they head)."""
    return sorted((unit for unit in units_headed_by(user)), key=lambda unit: unit.id)


#: The ``detail`` of the export rows (kept as data; ``audit_detail`` says it in words).
EXPORTED_AUDIT_LOG = "audit log"
EXPORTED_REWARDS = "rewards "  # + the year


def audit_detail(row: ReportAudit) -> str:
    """What a row's detail means to a person: a change names the step it was, an export
    the file."""
    if row.action == "change" and row.detail in ACTION_LABELS:
        return str(ACTION_LABELS[row.detail])
    if row.action == "export" and row.detail == EXPORTED_AUDIT_LOG:
        return _("审计日志")
    if row.action == "export" and row.detail.startswith(EXPORTED_REWARDS):
        return _("%(year)s 年合理化建议奖励名单", year=row.detail.removeprefix(EXPORTED_REWARDS))
    return row.detail


def report_numbers(rows: list[ReportAudit]) -> dict[int, str]:
    """Report id → registration number, for the reports ``rows`` are about."""
    ids = {r.report_id for r in rows if r.report_id}
    return dict(db.session.execute(select(Report.id, Report.number)
                                   .where(Report.id.in_(ids))).all()) if ids else {}


def audit_workbook(user: User, unit: HandlingUnit, now: datetime | None = None) -> bytes:
    """The unit's audit log as its head may read it, as an Excel file; the export is itself
    an audit row."""
    rows = audit_rows(user, unit)
    numbers = report_numbers(rows)
    table = [[_("时间"), _("人员"), _("操作"), _("事项"), _("说明")]]
    for row in rows:
        table.append([to_local(row.at), row.actor.name if row.actor else _("系统"),
                      AUDIT_ACTIONS.get(row.action, row.action),
                      numbers.get(row.report_id, ""), audit_detail(row)])
    audit(user, None, "export", EXPORTED_AUDIT_LOG, unit=unit, at=now)
    db.session.flush()
    return workbook([(unit.name, table)])


# --- the year-end reward list ---------------------------------------------------------------

@dataclass
class RewardRow:
    report: Report
    filer: str  # a name for the handlers of the suggestion, else how it is shown
    department: str


def reward_rows(user: User, year: int) -> list[RewardRow]:
    """The reward list (a document for HR): a named filer's name and department for those
    who handle the suggestion, the filer label for anybody else."""
    rows = []
    for report in reward_list(user, year):
        handler = is_handler(user, report)
        named = report.author is not None and handler
        rows.append(RewardRow(
            report, report.author.name if named else filer_label(user, report),
            report.author_department.name if named and report.author_department else ""))
    return rows


def reward_total(reports: list[Report]) -> Decimal:
    return sum((r.reward_amount or Decimal(0) for r in reports), Decimal(0))


def rewards_workbook(user: User, year: int, now: datetime | None = None) -> bytes:
    """The year's adopted suggestions with their rewards; the export is an audit row of
    every unit whose suggestions it lists."""
    rows = reward_rows(user, year)
    table = [[_("编号"), _("标题"), _("提交人"), _("部门"), _("决定"), _("理由"), _("预期效益"),
              _("奖励金额（元）"), _("奖励说明")]]
    for row in rows:
        r = row.report
        table.append([r.number, r.subject, row.filer, row.department, _("采纳"),
                      r.decision_reason, r.expected_benefit,
                      r.reward_amount, r.reward_note])
    table.append([_("合计"), "", "", "", "", "", "", reward_total([r.report for r in rows]),
                  ""])
    units = {r.report.unit_id: r.report.unit for r in rows} or {0: route_for("suggestion")}
    for unit in units.values():
        audit(user, None, "export", f"{EXPORTED_REWARDS}{year}", unit=unit, at=now)
    db.session.flush()
    return workbook([(_("%(year)s 年度合理化建议奖励", year=year), table)])
