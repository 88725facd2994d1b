"""Fixtures of the search tests: the index writer run on demand (under tests no thread runs
it), and a small hand-made organisation instead of the whole demo company."""
from __future__ import annotations

import pytest

from hub.extensions import db


@pytest.fixture
def index_now(app):
    """Apply the search outbox now, as the indexer thread would after the commit."""
    from hub.search.indexer import apply_pending

    def run() -> int:
        db.session.commit()
        return apply_pending(app)

    return run


@pytest.fixture
def find(app):
    """``find(user, q, **filters)``: the search results for ``user``."""
    from hub.search.query import search

    def run(user, q, **kwargs):
        db.session.commit()
        return search(user, q, **kwargs)

    return run
