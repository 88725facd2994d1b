"""Periodic work of the register, run by the background worker or ``flask --app app tick``."""
from hub.accountability.services import open_entries
from hub.common.worker import periodic_job


@periodic_job("accountability.open_entries", every_seconds=1800)
def _open() -> None:
    open_entries()
