"""Periodic work of the talk pages, run by the background worker or ``flask --app app tick``."""
from hub.common.worker import periodic_job
from hub.meetings.services import send_reminders


@periodic_job("meetings.reminders", every_seconds=900)
def _remind() -> None:
    send_reminders()
