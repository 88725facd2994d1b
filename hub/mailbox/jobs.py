"""Periodic work of the mailbox, run by the background worker or ``flask --app app tick``."""
from hub.common.worker import periodic_job
from hub.mailbox.services import announce_anonymous_letters, escalate_overdue


@periodic_job("mailbox.escalate_overdue", every_seconds=600)
def _escalate() -> None:
    escalate_overdue()


@periodic_job("mailbox.announce_anonymous", every_seconds=900)
def _announce() -> None:
    announce_anonymous_letters()
