"""Periodic work of the feedback reports, run by the background worker or ``flask tick``."""
from hub.common.worker import periodic_job
from hub.feedback.services import open_due_reports


@periodic_job("feedback.open_due", every_seconds=600)
def _open_due() -> None:
    open_due_reports()
