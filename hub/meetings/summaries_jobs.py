"""Periodic work of the monthly summary's loop: last month's drafts on the 1st."""
from hub.common.worker import periodic_job
from hub.meetings.summaries import open_due_month


@periodic_job("meetings.department_summaries", every_seconds=3600)
def _open_drafts() -> None:
    open_due_month()
