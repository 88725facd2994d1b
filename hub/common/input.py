"""Input no part of the hub can handle, refused once for every page and API operation
before any view sees it: a 400 that names the field, never a 500 further down.

- Text that cannot be stored: a lone surrogate (JSON's ``"\\ud800"`` escape decodes to
  one; UTF-8 cannot encode it, so the database driver fails) and the NUL character
  (PostgreSQL refuses it).  Form bodies and query strings are decoded by werkzeug with
  replacement characters, so only NUL reaches them; JSON bodies can carry both.
- Dates whose year lies outside ``MIN_YEAR``–``MAX_YEAR``: a day near the ends of Python's
  calendar (0001-01-01, 9999-12-31) overflows when it is moved to UTC or a day is added.
  Any value of a query string or a JSON body shaped like an ISO date (``YYYY-MM-DD``, with
  or without a time) is checked, whichever field it is meant for, so the API's date fields
  and the search's filters need no bound of their own.  A page's form bounds its own dates
  (the form is shown again, filled, with the message at the field).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from flask import render_template, request
from flask_babel import gettext as _

MIN_YEAR = 1900
MAX_YEAR = 2999
_SURROGATE = re.compile("[\ud800-\udfff]")
_ISO_DATE = re.compile(r"\s*(\d{4})-\d{1,2}-\d{1,2}"
                       r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*")


def printable(text: str) -> str:
    """``text`` with what cannot be encoded written as escapes (a field's name in a reply)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def problem(value: str, dates: bool = True) -> str | None:
    """Why ``value`` cannot be taken, or None.  ``dates=False``: a password, which may
    look like anything."""
    if "\x00" in value:
        return _("不能包含 NUL 字符。")
    if _SURROGATE.search(value):
        return _("包含无法编码的字符。")
    match = _ISO_DATE.fullmatch(value) if dates else None
    if match and not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
        return _("日期须在 %(min)s 年至 %(max)s 年之间。", min=MIN_YEAR, max=MAX_YEAR)
    return None


def _strings(document) -> Iterator[tuple[str, str]]:
    """(field path, string) for every key and string inside a parsed JSON document (walked
    with a stack of its own: however deep the document, no RecursionError)."""
    stack = [("", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                name = f"{path}.{key}" if path else str(key)
                stack.append((name, item))
                stack.append((name, str(key)))
        elif isinstance(value, list):
            for number in reversed(range(len(value))):
                stack.append((f"{path}.{number}" if path else str(number), value[number]))


def _request_strings() -> Iterator[tuple[str, str, bool]]:
    """(field, string, whether a date there is checked).  A page's form fields are not
    date-checked here: its form bounds its own dates and answers with the form kept filled,
    which a bare 400 page would lose."""
    for values, dates in ((request.args, True), (request.form, False)):
        for key, value in values.items(multi=True):
            yield key, key, dates
            yield key, value, dates
    if request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # too deep to parse: the API's parser answers it
            return
        if body is not None:
            for field, value in _strings(body):
                yield field, value, True


def first_problem() -> tuple[str, str] | None:
    """(field, message) for the first value of this request that cannot be taken."""
    for field, value, dates in _request_strings():
        message = problem(value, dates=dates and "password" not in field)
        if message:
            return printable(field) or "_", message
    return None


def reject_unusable_input():
    """A ``before_request`` hook: 400 for input nothing in the hub can handle."""
    found = first_problem()
    if found is None:
        return None
    field, message = found
    from hub.common.errors import api_error, wants_json

    if wants_json():
        return api_error(400, _("请求参数不正确。"), {field: [message]})
    text = _("“%(field)s”：%(message)s", field=field, message=message)
    return render_template("errors/400.html", status=400, message=text), 400
