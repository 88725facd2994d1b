"""Periodic work of the surveys, run by the background worker or ``flask tick``."""
from hub.common.worker import periodic_job
from hub.surveys.services import send_reminders


@periodic_job("surveys.remind", every_seconds=1800)
def _remind() -> None:
    send_reminders()
