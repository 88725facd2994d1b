"""What a feature reports to the accountability register: one ``Lapse`` per person and item.

A feature offers a function ``(session, now) -> Iterable[Lapse]`` that selects, in SQL, the
lapses standing at ``now``, and names it in ``SOURCES`` (one line); the register's job
(``hub.accountability.services.open_entries``) opens one entry per (person, kind, source)
and never a second one for the same lapse.

Where a lapse carries the item's registration number, ``NUMBER_CHECKS`` may name a
function ``(user, ids) -> Select`` of the ids among ``ids`` whose item ``user`` may see: the
register shows the number only to them (a whistle-blowing report's number never reaches
anybody in its conflict set).  A source kind without a check has no number to hide.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module

#: Every source of lapses, as ``"module:function"``.
SOURCES: list[str] = [
    "hub.mailbox.lapses:letter_lapses",
    "hub.suggestions.lapses:report_lapses",
    "hub.suggestions.lapses:rectification_lapses",
    "hub.meetings.lapses:talk_lapses",
    "hub.announcements.lapses:announcement_lapses",
    "hub.feedback.lapses:feedback_lapses",
]

#: source kind → ``"module:function"`` of ``(user, ids) -> Select`` (the visible ids).
NUMBER_CHECKS: dict[str, str] = {
    "letter": "hub.mailbox.lapses:visible_letter_ids",
    "report": "hub.suggestions.lapses:visible_report_ids",
    "rectification": "hub.suggestions.lapses:visible_rectification_report_ids",
}


@dataclass(frozen=True)
class Lapse:
    person_id: int
    #: what went wrong: letter_overdue, report_overdue, talk_missed,
    #: announcement_unconfirmed, rectification_overdue, feedback_overdue
    kind: str
    #: the item it concerns: letter, report, talk_obligation, announcement,
    #: rectification, feedback
    source_kind: str
    #: the item's id (None for an obligation the hub computes rather than stores: then
    #: ``source_key`` names it)
    source_id: int | None
    #: the item's registration number where it has one (shown only to whom may see it)
    number: str | None
    #: since when the lapse stands (the missed deadline)
    since: datetime
    #: a stable name of the item when it has no id (a talk obligation's key)
    source_key: str | None = None
    #: what the register shows to describe the lapse (names, dates), JSON-serialisable
    detail: dict | None = field(default=None, compare=False, hash=False)

    @property
    def source_ref(self) -> str:
        """The item's identity in the register: its key, or its id."""
        return self.source_key or str(self.source_id)


def load(path: str) -> Callable:
    module, name = path.split(":")
    return getattr(import_module(module), name)


def all_lapses(session, now: datetime) -> Iterable[Lapse]:
    for path in SOURCES:
        yield from load(path)(session, now)
