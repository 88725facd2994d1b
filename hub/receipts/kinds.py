"""What a receipt code can open: a letter to the GM mailbox or a suggestion / report.  Each
kind of item is one small class with the same shape; the pages know nothing else about the
item.  A code belongs to one item only (each is 80+ random bits)."""
from __future__ import annotations

from typing import Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hub.common import holding
from hub.common.access import ItemView
from hub.mailbox import services as mailbox
from hub.mailbox.access import letter_receipt_view
from hub.mailbox.models import Letter, LetterEvent
from hub.suggestions import services as suggestions
from hub.suggestions.access import report_receipt_view
from hub.suggestions.models import Report, ReportEvent


class NotYetRecorded(Exception):
    """A follow-up to a filing that is still held back: taken once it is recorded."""

    status = 409

    def __init__(self) -> None:
        self.message = _("您的材料已收到，正在登记。登记完成后即可在这里补充说明，请稍后再来。")
        super().__init__(self.message)


#: What ``Receipt.add_message`` may raise: each has a ``message`` and a ``status``.
ERRORS = (mailbox.LetterError, suggestions.ReportError, NotYetRecorded)


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

    @property
    def accepts_feedback(self) -> bool:
        """Whether the filer may give a verdict on the answer here (letters)."""

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
    def view(self) -> ItemView:
        """The letter as ``hub.mailbox.access`` lets its anonymous writer see it."""
        return letter_receipt_view(self.letter)

    @property
    def events(self) -> list[LetterEvent]:
        return self.view.history

    @property
    def accepts_messages(self) -> bool:
        return self.view.may("message")

    @property
    def accepts_feedback(self) -> bool:
        return self.view.may("give_feedback")

    def add_message(self, text: str) -> None:
        mailbox.add_writer_message(self.letter, text)

    def give_feedback(self, satisfied: bool, reason: str) -> None:
        mailbox.give_feedback(self.letter, satisfied=satisfied, reason=reason)


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

    accepts_feedback = False

    @property
    def view(self) -> ItemView:
        """The report as ``hub.suggestions.access`` lets its anonymous filer see it."""
        return report_receipt_view(self.report)

    @property
    def events(self) -> list[ReportEvent]:
        return suggestions.visible_events(None, self.report)

    @property
    def unit_name(self) -> str:
        """Who handles it, in place of the handlers' names."""
        unit = self.view.unit
        return unit.name if unit is not None else ""

    @property
    def accepts_messages(self) -> bool:
        return self.view.may("message")

    def add_message(self, text: str) -> None:
        suggestions.add_filer_message(self.report, text)


class HeldReceipt:
    """An anonymous filing still in the holding table (``hub.common.holding``): the filer
    sees that it arrived ("已收到，登记中") and what it was, but it has no number, history
    or handler yet.  Follow-ups wait until it is recorded (``NotYetRecorded``): kept apart
    from the records they would need a time of their own, which is what the holding avoids."""

    template = "receipts/_held.html"
    finished_notice = _l("您的材料已收到，正在登记。登记完成后即可在这里补充说明，请稍后再来。")
    accepts_messages = False
    accepts_feedback = False
    events: list = []

    def __init__(self, held: holding.HeldFiling) -> None:
        self.held = held

    @classmethod
    def find(cls, code: str) -> HeldReceipt | None:
        held = holding.held_by_receipt(code)
        return cls(held) if held is not None else None

    @property
    def kind(self) -> str:
        return self.held.kind

    @property
    def subject(self) -> str:
        return self.held.fields.get("subject", "")

    @property
    def label(self) -> str:
        """The letter's category or the report's kind, as the form offered it."""
        fields = self.held.fields
        if self.held.kind == "letter":
            return str(mailbox.CATEGORY_LABELS.get(fields.get("category"), ""))
        return str(suggestions.KIND_LABELS.get(fields.get("kind"), ""))

    def add_message(self, text: str) -> None:
        raise NotYetRecorded()


#: Every kind of item a code may open, asked in turn.
FINDERS = (LetterReceipt.find, ReportReceipt.find, HeldReceipt.find)


def find_receipt(code: str | None) -> Receipt | None:
    if not code:
        return None
    for find in FINDERS:
        receipt = find(code)
        if receipt is not None:
            return receipt
    return None
