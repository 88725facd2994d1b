"""Periodic work of the talk obligations, run by the background worker or ``flask tick``:
occasion talks that open themselves (onboarding for newcomers, 转正 from probation end
dates; each once), occasion talks closed by their logs, escalation of overdue talks to the
manager's manager, the one reminder of an unacknowledged talk record, and the monthly
summary on the 1st."""
from hub.common.worker import periodic_job
from hub.meetings.acknowledgements import remind_unacknowledged
from hub.meetings.obligations import (
    close_held_occasions,
    escalate_overdue,
    generate_due_summary,
    open_onboarding_talks,
    open_probation_talks,
)


@periodic_job("meetings.onboarding_talks", every_seconds=3600)
def _onboarding() -> None:
    open_onboarding_talks()
    open_probation_talks()
    close_held_occasions()


@periodic_job("meetings.escalate_overdue_talks", every_seconds=3600)
def _escalate() -> None:
    escalate_overdue()


@periodic_job("meetings.unacknowledged_talks", every_seconds=3600)
def _unacknowledged() -> None:
    remind_unacknowledged()


@periodic_job("meetings.monthly_summary", every_seconds=3600)
def _summary() -> None:
    generate_due_summary()
