"""URL converters. Ids are bounded in the route itself, so a huge number in a URL is a 404
and never reaches the database as an out-of-range integer."""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL ``integer``


class IdConverter(IntegerConverter):
    """``<id:name>``: a positive integer up to ``MAX_ID``, no leading zeros or signs."""

    regex = r"[1-9]\d{0,9}"

    def __init__(self, map, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)
