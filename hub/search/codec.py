"""How the hub has Whoosh write segments: Whoosh 2.7's codec without per-block length
statistics (issue 7's "indexing ≥ 80 % of jieba's throughput").

When Whoosh writes a segment it looks up every posting's document length through the
lengths column — one Python call chain per posting, ≈ 30 % of a rebuild's CPU time
(2 000 benchmark documents, one process: 6.5 → 4.5 CPU s) — only to store each block's
shortest and longest document, an upper bound Whoosh's own top-N search uses to skip
blocks.  Without them the bound is looser (never wrong: a block is skipped only when it
cannot hold a better hit), and the hub's own matching (``hub.search.matching``) scores
every match anyway.  Postings, lengths and stored fields are written exactly as before.

The codec is pickled into each segment's entry in the index's table of contents: the class
must stay importable under this name.
"""
from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec


class HubCodec(W3Codec):
    """Whoosh 2.7's default codec, minus the per-block length statistics."""

    length_stats = False


def writer_options() -> dict:
    """Keyword arguments for every ``Index.writer()`` the hub opens."""
    return {"codec": HubCodec()}
