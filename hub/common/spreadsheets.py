"""Excel exports in which every cell is text, and the response that sends one.

A cell whose text starts with ``=`` (a subject such as ``=cmd|' /C calc'!A0``) must stay
text in the file and never become a formula, neither when it is opened nor when somebody
edits the cell later: every export of the hub writes its workbooks here.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: A sheet: its title and its rows (the first row is the header).
Sheet = tuple[str, list[list]]


def cell_text(value) -> str:
    """A cell's text: openpyxl refuses control characters that XML cannot hold."""
    if value is None:
        return ""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _fill(sheet: Worksheet, rows: list[list], widths: Sequence[int]) -> None:
    """Write every cell as text: type ``s`` (openpyxl would otherwise store a value that
    starts with ``=`` as a formula) and Excel's quote prefix, so that editing the cell later
    does not turn it into one either."""
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            cell = sheet.cell(row=r, column=c)
            cell.value = cell_text(value)
            cell.data_type = "s"
            cell.quotePrefix = True
    for c, width in enumerate(widths, 1):
        if c <= sheet.max_column:
            sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = width


def text_workbook(sheets: list[Sheet], widths: Sequence[int] = ()) -> bytes:
    """An .xlsx file of ``(title, rows)`` sheets in which every cell is text; ``widths``
    are the column widths of every sheet, from the first column on."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        _fill(book.create_sheet(title), rows, widths)
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
