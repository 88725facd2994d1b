"""Reading the dashboard page's tables: section (``data-testid``) → row key (``data-month``,
``data-department``, ``data-announcement``) → cell (``data-cell``) → text."""
from __future__ import annotations

from html.parser import HTMLParser

ROW_KEYS = ("data-month", "data-department", "data-announcement")


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, dict[str, dict[str, str]]] = {}
        self.section: str | None = None
        self.row: str | None = None
        self.cell: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-testid" in attrs:
            self.section = attrs["data-testid"]
            self.found[self.section] = {}
        elif tag == "tr" and self.section:
            self.row = next((attrs[k] for k in ROW_KEYS if k in attrs), None)
        elif tag == "td" and self.row is not None and "data-cell" in attrs:
            self.cell, self.text = attrs["data-cell"], []

    def handle_data(self, data):
        if self.cell is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.found[self.section].setdefault(self.row, {})[self.cell] = \
                "".join(self.text).strip()
            self.cell = None
        elif tag == "section":
            self.section = None


def tables(html: str) -> dict[str, dict[str, dict[str, str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.found
