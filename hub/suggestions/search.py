"""What the archive indexes of the suggestion / report inbox (hub.search.registry).

Who may open a report is a per-report list of people (``can_view_report``: the handling
team after every conflict-of-interest exclusion, the named filer, the reviewing department
head of a named suggestion), so a report's access terms are ``user:<id>`` for exactly those
people, computed with the inbox's own rule (``report_viewer_ids``).  An anonymous report
has no filer to index.  Whatever changes those lists — exclusions, named people, unit
memberships, reporting lines, people leaving, department heads, the fallback unit — queues
the affected reports again (``stale``).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, selectinload

from hub.common.models import Setting
from hub.common.markdown import plain_text
from hub.common.urls import path_for
from hub.extensions import db
from hub.org.models import Department, ReportingLine, UnitMembership, User
from hub.search.registry import ALL, Provider, register
from hub.suggestions.models import Report, ReportExclusion, ReportNamedPerson
from hub.suggestions.access import FALLBACK_UNIT_SETTING, can_view_report, report_viewer_ids
from hub.suggestions.labels import STATUS_LABELS


def to_document(report: Report) -> dict:
    department_id = report.author_department_id
    if department_id is None and report.unit is not None:
        department_id = report.unit.department_id
    return {
        "number": report.number,
        "title": report.subject,
        "body": plain_text(report.body),  # Markdown: the words only
        "department_id": department_id,
        "status": report.status,
        "date": report.filed_at,
        "url": path_for("suggestions.report", report_id=report.id),
    }


def viewers(report: Report) -> set[int]:
    """Ids of the people ``can_view_report`` lets in (active people only).  The reports
    the indexer loads together are decided together (see ``hub.suggestions.services``)."""
    return report_viewer_ids([report])[report.id]


def access_terms(report: Report) -> set[str]:
    return {f"user:{user_id}" for user_id in viewers(report)}


def author(report: Report) -> tuple[str, set[str]] | None:
    """A named filer is shown to nobody but themself (the handlers reveal them one audited
    click at a time): only the filer finds a report by their own name."""
    if report.anonymous or report.author is None:
        return None
    return report.author.name, {f"user:{report.author_id}"}


def held_terms(user) -> set[str]:
    if not user.is_authenticated or not user.active:
        return set()
    return {f"user:{user.id}"}


def _changed(obj, *names: str) -> bool:
    state = inspect(obj)
    if state.pending:  # a new person or department: its own rows say what changes
        return False
    if state.deleted or state.was_deleted:
        return True
    return any(state.attrs[name].history.has_changes() for name in names)


def _user_changed(user: User):
    # who is whose manager decides conflicts; people who leave drop out of every team
    return ALL if _changed(user, "manager_id", "active") else None


def _department_changed(dept: Department):
    return ALL if _changed(dept, "head_id") else None


def _setting_changed(setting: Setting):
    return ALL if setting.key == FALLBACK_UNIT_SETTING else None


register(Provider(
    kind="report", model=Report, to_document=to_document, access_terms=access_terms,
    held_terms=held_terms, can_view=can_view_report,
    all_ids=lambda: db.session.scalars(select(Report.id)).all(),
    label=_l("建议与举报"), icon="lightbulb", status_labels=STATUS_LABELS, order=20,
    author=author, author_column=Report.author_id,
    load_options=(selectinload(Report.named).joinedload(ReportNamedPerson.user),
                  selectinload(Report.exclusions), joinedload(Report.author),
                  joinedload(Report.author_department), joinedload(Report.unit)),
    stale={
        ReportExclusion: lambda row: [row.report_id],
        ReportNamedPerson: lambda row: [row.report_id],
        UnitMembership: lambda _row: ALL,
        ReportingLine: lambda _row: ALL,
        User: _user_changed,
        Department: _department_changed,
        Setting: _setting_changed,
    },
))
