"""Periodic work of the report inbox, run by the worker or ``flask --app app tick``."""
from hub.common.worker import periodic_job
from hub.suggestions.services import announce_anonymous_reports, escalate_overdue


@periodic_job("suggestions.escalate_overdue", every_seconds=600)
def _escalate() -> None:
    escalate_overdue()


@periodic_job("suggestions.announce_anonymous", every_seconds=900)
def _announce() -> None:
    announce_anonymous_reports()
