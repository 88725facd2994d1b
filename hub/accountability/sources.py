"""What a feature reports to the accountability register: one ``Lapse`` per person and item.

A feature offers a function ``(session, now) -> Iterable[Lapse]`` that selects, in SQL, the
lapses standing at ``now``; the register's job opens one entry per (person, kind, source)
and never a second one for the same lapse.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Lapse:
    person_id: int
    #: what went wrong: letter_overdue, report_overdue, talk_missed,
    #: announcement_unconfirmed, rectification_overdue, feedback_overdue
    kind: str
    #: the item it concerns: letter, report, talk_obligation, announcement,
    #: rectification, feedback
    source_kind: str
    source_id: int
    #: the item's registration number where it has one (shown only to whom may see it)
    number: str | None
    #: since when the lapse stands (the missed deadline)
    since: datetime
