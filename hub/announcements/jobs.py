"""Periodic work of the announcements, run by the background worker or ``flask tick``."""
from hub.announcements.services import announce_due, send_digests, send_reminders
from hub.common.worker import periodic_job


@periodic_job("announcements.announce_due", every_seconds=60)
def _announce() -> None:
    announce_due()


@periodic_job("announcements.remind", every_seconds=1800)
def _remind() -> None:
    send_reminders()


@periodic_job("announcements.digest", every_seconds=1800)
def _digest() -> None:
    send_digests()
