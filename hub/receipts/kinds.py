"""What a receipt code can open.  Each kind of item is one small class with the same
shape; the pages know nothing else about the item (suggestions and reports add theirs)."""
from __future__ import annotations

from typing import Protocol

from hub.mailbox.models import Letter, LetterEvent
from hub.mailbox.services import (
    accepts_follow_up,
    add_writer_message,
    letter_by_receipt,
    visible_events,
)


class Receipt(Protocol):
    #: The partial that shows the item to its anonymous filer.
    template: str

    @property
    def events(self) -> list:
        """The history as the anonymous filer may read it."""

    @property
    def accepts_messages(self) -> bool: ...

    def add_message(self, text: str) -> None:
        """Add the filer's follow-up; raises the feature's own error with a message."""


class LetterReceipt:
    """A letter to the GM mailbox, as its anonymous writer may see it."""

    template = "receipts/_letter.html"

    def __init__(self, letter: Letter) -> None:
        self.letter = letter

    @classmethod
    def find(cls, code: str) -> LetterReceipt | None:
        letter = letter_by_receipt(code)
        return cls(letter) if letter is not None else None

    @property
    def events(self) -> list[LetterEvent]:
        return visible_events(None, self.letter)

    @property
    def accepts_messages(self) -> bool:
        return accepts_follow_up(self.letter)

    def add_message(self, text: str) -> None:
        add_writer_message(self.letter, text)


#: Every kind of item a code may open, asked in turn.
FINDERS = (LetterReceipt.find,)


def find_receipt(code: str | None) -> Receipt | None:
    if not code:
        return None
    for find in FINDERS:
        receipt = find(code)
        if receipt is not None:
            return receipt
    return None
