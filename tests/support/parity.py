"""Page–API parity: the fields a page shows of an item are the fields the API returns.

Templates mark every field of an item they render with ``data-field="<name>"`` (the name
the API uses); ``page_fields`` reads those marks from a page's HTML, ``api_fields`` the
non-empty keys of an API object, so a test can compare the two for one person and item.
"""
from __future__ import annotations

import re

FIELD_RE = re.compile(r'data-field="([a-z_]+)"')


def page_fields(html: str) -> set[str]:
    return set(FIELD_RE.findall(html))


def api_fields(obj: dict, ignore: frozenset[str] = frozenset()) -> set[str]:
    """The keys of ``obj`` with a value (``None``, ``""`` and ``[]`` are not shown on a page)."""
    return {key for key, value in obj.items()
            if key not in ignore and value not in (None, "", [], {})}
