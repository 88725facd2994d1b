"""What a receipt code can open: a letter to the GM mailbox or a suggestion / report.  Each
kind of item is one small class with the same shape; the pages know nothing else about the
item.  A code belongs to one item only (each is 80+ random bits)."""
from __future__ import annotations

from typing import Protocol

from flask_babel import lazy_gettext as _l

from hub.mailbox import services as mailbox
from hub.mailbox.models import Letter, LetterEvent
from hub.suggestions import services as suggestions
from hub.suggestions.models import Report, ReportEvent

#: What ``Receipt.add_message`` may raise: each has a ``message`` and a ``status``.
ERRORS = (mailbox.LetterError, suggestions.ReportError)


class Receipt(Protocol):
    #: The partial that shows the item to its anonymous filer.
    template: str
    #: Why no more follow-ups are taken, once the item is finished.
    finished_notice: str

    @property
    def events(self) -> list:
        """The history as the anonymous filer may read it."""

    @property
    def accepts_messages(self) -> bool: ...

    def add_message(self, text: str) -> None:
        """Add the filer's follow-up; raises one of ``ERRORS``."""


class LetterReceipt:
    """A letter to the GM mailbox, as its anonymous writer may see it."""

    template = "receipts/_letter.html"
    finished_notice = _l("已归档，不能再补充。")

    def __init__(self, letter: Letter) -> None:
        self.letter = letter

    @classmethod
    def find(cls, code: str) -> LetterReceipt | None:
        letter = mailbox.letter_by_receipt(code)
        return cls(letter) if letter is not None else None

    @property
    def events(self) -> list[LetterEvent]:
        return mailbox.visible_events(None, self.letter)

    @property
    def accepts_messages(self) -> bool:
        return mailbox.accepts_follow_up(self.letter)

    def add_message(self, text: str) -> None:
        mailbox.add_writer_message(self.letter, text)


class ReportReceipt:
    """A suggestion, complaint or report filed anonymously, as its filer may see it: never
    the handlers' internal steps and notes, nor the department's comments."""

    template = "receipts/_report.html"
    finished_notice = _l("已关闭，不能再补充。")

    def __init__(self, report: Report) -> None:
        self.report = report

    @classmethod
    def find(cls, code: str) -> ReportReceipt | None:
        report = suggestions.report_by_receipt(code)
        return cls(report) if report is not None else None

    @property
    def events(self) -> list[ReportEvent]:
        return suggestions.visible_events(None, self.report)

    @property
    def unit_name(self) -> str:
        """Who handles it, in place of the handlers' names."""
        unit = suggestions.effective_unit(self.report)
        return unit.name if unit is not None else ""

    @property
    def accepts_messages(self) -> bool:
        return self.report.status != "closed"

    def add_message(self, text: str) -> None:
        suggestions.add_filer_message(self.report, text)


#: Every kind of item a code may open, asked in turn.
FINDERS = (LetterReceipt.find, ReportReceipt.find)


def find_receipt(code: str | None) -> Receipt | None:
    if not code:
        return None
    for find in FINDERS:
        receipt = find(code)
        if receipt is not None:
            return receipt
    return None
