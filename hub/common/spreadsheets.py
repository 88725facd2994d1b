"""Excel exports as people use and print them, and the response that sends one.

Every export of the hub writes its workbooks here:

- numbers are numbers and dates are dates (with a number format), so ``SUM`` and charts
  work without converting anything;
- only text that starts like a formula (``= + - @``, a tab, a carriage return, as in a
  subject such as ``=cmd|' /C calc'!A0``) is stored as quoted text: it never becomes a
  formula, neither when the file is opened nor when somebody edits the cell later;
- every sheet gets column widths from its own content, a header row that repeats on every
  printed page, landscape when it is wide, and fit-to-width page setup, so that each printed
  page holds every column.

Datetimes are written as given: callers pass the company's local time (``to_local``); an
aware datetime loses its timezone (Excel has none).
"""
from __future__ import annotations

import io
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: A sheet: its title and its rows (the first row is the header).
Sheet = tuple[str, list[list]]

#: Text that a spreadsheet program would read as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
INTEGER_FORMAT = "0"
DECIMAL_FORMAT = "#,##0.00"
FLOAT_FORMAT = "0.0"

#: Column widths (in characters of the default font; a Chinese character counts two).
MIN_WIDTH, MAX_WIDTH = 6, 50
#: A sheet wider than this (the sum of its column widths) is printed in landscape: about
#: what an A4 page holds upright with the default margins.
PORTRAIT_WIDTH = 90


def cell_text(value) -> str:
    """A cell's text: openpyxl refuses control characters that XML cannot hold."""
    if value is None:
        return ""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _write(cell: Cell, value) -> None:
    """One cell: a number, a date or text (a formula-like text stays quoted text)."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, (int, float, Decimal)):
        cell.value = value
        cell.number_format = (INTEGER_FORMAT if isinstance(value, int)
                              else DECIMAL_FORMAT if isinstance(value, Decimal)
                              else FLOAT_FORMAT)
        return
    if isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
        return
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return
    text = cell_text(value)
    if is_formula_like(text):
        # type ``s`` (openpyxl would otherwise store a value that starts with ``=`` as a
        # formula) and Excel's quote prefix, so that editing the cell later does not turn it
        # into one either.
        cell.value = text
        cell.data_type = "s"
        cell.quotePrefix = True
    else:
        cell.value = text


def display_width(value) -> int:
    """How many characters wide ``value`` is shown (its longest line; a full-width
    character counts two)."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, Decimal):
        text = f"{value:,.2f}"
    elif isinstance(value, float):
        text = f"{value:.1f}"
    else:
        text = cell_text(value)
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.splitlines() or [""]), default=0)


def column_widths(rows: list[list]) -> list[int]:
    """Each column's width from its content (header included), between ``MIN_WIDTH`` and
    ``MAX_WIDTH``."""
    widths: list[int] = []
    for row in rows:
        for c, value in enumerate(row):
            if c >= len(widths):
                widths.append(0)
            widths[c] = max(widths[c], display_width(value))
    return [min(max(w + 2, MIN_WIDTH), MAX_WIDTH) for w in widths]


def _page_setup(sheet: Worksheet, widths: list[int]) -> None:
    """Header on every page, landscape when wide, every column on the page's width."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = (sheet.ORIENTATION_LANDSCAPE if sum(widths) > PORTRAIT_WIDTH
                                    else sheet.ORIENTATION_PORTRAIT)
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_title_rows = "1:1"
    sheet.freeze_panes = "A2"


def _fill(sheet: Worksheet, rows: list[list]) -> None:
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    widths = column_widths(rows)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            cell = sheet.cell(row=r, column=c)
            _write(cell, value)
            if r == 1:
                cell.font = bold
            elif widths[c - 1] == MAX_WIDTH:
                cell.alignment = wrap  # a long text wraps inside its column
    for c, width in enumerate(widths, 1):
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = width
    _page_setup(sheet, widths)


def sheet_title(title) -> str:
    """A title Excel accepts: at most 31 characters, none of ``\\ / * ? : [ ]``."""
    return re.sub(r"[\\/*?:\[\]]", "-", cell_text(title))[:31] or "-"


def workbook(sheets: list[Sheet]) -> bytes:
    """An .xlsx file of ``(title, rows)`` sheets."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        _fill(book.create_sheet(sheet_title(title)), rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(data: bytes, ascii_name: str, name: str) -> Response:
    """A download of ``data``: ``ascii_name`` for old clients, ``name`` (Chinese is fine)
    for the others."""
    response = Response(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}")
    return response
