"""Matching and ranking a query straight from Whoosh's posting lists.

Whoosh matches in pure Python, one posting at a time, through matcher objects: two common
words at 100 000 documents walk posting lists of ~20 000 entries each at ≈ 1–2 µs a step,
and a phrase also decodes and compares positions per candidate through its span objects
(≈ 80 % of a phrase query's time, ``whoosh/query/spans.py``).  The search page needs every
match anyway (the total and the facet counts), so this module reads each posting list of
the query whole — block by block, the ids of a block of up to 128 postings as one array
(``hub.search.codec``; an index of Whoosh's own codec: one unpickle per block), delta-decoded
by ``itertools.accumulate`` — and does the rest with set and dict operations, which run
in C:

* a word: its documents, each scored;
* words (AND): the intersection, scores summed;
* a phrase: the intersection of its words, then their positions compared for those
  documents only (consecutive positions, in order: Whoosh's ``Phrase`` with slop 1); the
  positions are read only for the blocks holding such a document, each block's as one
  array;
* OR: the union, scores summed; NOT and AND NOT: a difference (from everything the user
  may open when the query holds exclusions only); ``+word other`` (AND MAYBE): the
  required part's documents, the other part adding to their scores.

Scores are Whoosh's BM25F (B = 0.75, K1 = 1.2, Whoosh's idf and its byte-encoded field
lengths), so words rank as Whoosh ranks them; a phrase scores as the sum of its words.
A query of any other shape (a lone NOT, Whoosh's rarer nodes) gives ``None`` and the
caller falls back to Whoosh's own matching.

This reads Whoosh 2.7.4's codec from the inside (``W3LeafMatcher`` blocks, the lengths
column); the version is pinned and ``tests/search/test_matching.py`` compares every result
with Whoosh's own on the same index.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left
from itertools import accumulate, repeat
from math import log

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.mcore import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length

from hub.search.codec import _INTS, HubLeafMatcher

B = 0.75
K1 = 1.2
_BYTE_LENGTHS = [byte_to_length(i) for i in range(256)]


class Unsupported(Exception):
    """The query has a shape this module does not evaluate; use Whoosh's matching."""


def match(searcher, q, lengths_for, within: set[int] | None = None) -> Match | None:
    """The documents matching ``q`` (``Match.docs``, deleted ones left out; only those in
    ``within`` when given — the documents the user may open: a phrase's positions are then
    compared for those only) and a way to score any of them, or None when ``q`` is not a
    shape this module evaluates.

    ``lengths_for(searcher, fieldname)`` gives every document's field length by global
    document number (the caller caches it per segment)."""
    try:
        return Match(searcher, q, lengths_for, within)
    except Unsupported:
        return None


class Match:
    """Matching in two steps: which documents (sets, for the total and the facets), then
    the scores of the few the caller ranks (often only those the user may open)."""

    def __init__(self, searcher, q, lengths_for, within: set[int] | None):
        self.searcher = searcher
        self.query = q
        self.leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
        self.lengths_for = lengths_for
        self.doc_count = searcher.doc_count_all()
        self.within = within
        self._lists: dict[tuple[str, str], list[tuple[int, list, list, list]]] = {}
        self._matched: dict[int, set[int]] = {}  # id(query node) -> its documents
        #: (field, word) of the query's phrases: read with their positions
        self._positions = {(node.fieldname, word) for node in q.leaves()
                           if isinstance(node, wq.Phrase) for word in node.words}
        docs = self.evaluate(q)
        self.docs: set[int] = docs if within is None else docs & within

    # --- reading ---------------------------------------------------------------------

    def _postings(self, fieldname: str, text: str):
        """[(offset, ids, weights, values)] per segment, read once per query (the values,
        encoded positions, only for the words of the query's phrases)."""
        key = (fieldname, text)
        found = self._lists.get(key)
        if found is None:
            found = []
            for reader, offset in self.leaves:
                ids, weights, vals = postings(reader, fieldname, text,
                                              values=key in self._positions)
                if ids:
                    found.append((offset, ids, weights, vals))
            self._lists[key] = found
        return found

    def _by_document(self, fieldname: str, text: str, column: int) -> dict:
        """{global document number: weight (column 2) or encoded positions (column 3)}."""
        out: dict = {}
        for entry in self._postings(fieldname, text):
            out.update(zip(_global(entry[0], entry[1]), entry[column]))
        return out

    def _term_docs(self, fieldname: str, text: str) -> set[int]:
        out: set[int] = set()
        for offset, ids, _w, _v in self._postings(fieldname, text):
            out.update(_global(offset, ids))
        return out

    # --- which documents -------------------------------------------------------------

    def evaluate(self, q) -> set[int]:
        if isinstance(q, wq.Term):
            docs = self._term_docs(q.fieldname, q.text)
            restricted = getattr(q, "allowed", None)  # hub.search.query.AuthorTerm
            if restricted is not None:
                docs = docs & restricted
        elif isinstance(q, wq.Phrase):
            docs = self._phrase(q)
        elif isinstance(q, wq.Every):  # a query of exclusions only: all but those
            docs = set(self.within) if self.within is not None else {
                offset + docnum for reader, offset in self.leaves
                for docnum in reader.all_doc_ids()}
        elif isinstance(q, wq.AndNot):
            docs = self.evaluate(q.a)
            if docs:
                docs = docs - self.evaluate(q.b)
        elif isinstance(q, wq.AndMaybe):  # "+食堂 红烧肉": the first, ranked up by the second
            docs = self.evaluate(q.a)
            self.evaluate(q.b)
        elif isinstance(q, wq.And):
            positives = [sub for sub in q.subqueries if not isinstance(sub, wq.Not)]
            negatives = [sub.query for sub in q.subqueries if isinstance(sub, wq.Not)]
            if not positives:
                raise Unsupported("only negations")
            found = sorted((self.evaluate(sub) for sub in positives), key=len)
            docs = found[0].intersection(*found[1:])
            for sub in negatives:
                if docs:
                    docs = docs - self.evaluate(sub)
        elif isinstance(q, wq.Or) and not isinstance(q, wq.DisjunctionMax):
            if getattr(q, "minmatch", 0) or getattr(q, "scale", None):
                raise Unsupported(q)
            docs = set().union(*(self.evaluate(sub) for sub in q.subqueries))
        else:
            raise Unsupported(q)
        self._matched[id(q)] = docs
        return docs

    def _phrase(self, q: wq.Phrase) -> set[int]:
        words = list(q.words)
        if getattr(q, "slop", 1) != 1:
            raise Unsupported("slop")
        if len(words) == 1:
            return self._term_docs(q.fieldname, words[0])
        fmt = self.searcher.schema[q.fieldname].format
        if not fmt.supports("positions"):
            raise Unsupported("no positions")
        found = sorted((self._term_docs(q.fieldname, word) for word in set(words)), key=len)
        candidates = found[0].intersection(*found[1:])
        if self.within is not None:
            candidates &= self.within
        if not candidates:
            return candidates
        # each word's positions, for the candidates only
        where = {word: self._positions_of(q.fieldname, word, candidates, fmt)
                 for word in set(words)}
        first, rest = where[words[0]], [(i, where[w]) for i, w in enumerate(words[1:], 1)]
        out = set()
        for d in candidates:
            starts = first[d]
            for i, values in rest:
                at = set(values[d])
                starts = [p for p in starts if p + i in at]
                if not starts:
                    break
            else:
                out.add(d)
        return out

    def _positions_of(self, fieldname: str, text: str, candidates: set[int], fmt) -> dict:
        """{candidate document: positions of ``text`` in it}.  From the hub's blocks
        (``hub.search.codec``) only the blocks holding a candidate have their values
        read, each block's positions as one array; other codecs' values are decoded per
        candidate by the field's format."""
        out: dict = {}
        for offset, ids, _w, vals in self._postings(fieldname, text):
            if not vals:
                continue
            if isinstance(vals[0], _Block):
                # (a later segment's document is past this segment's numbers)
                local = {d - offset for d in candidates if d >= offset}
                for block in vals:
                    if local.isdisjoint(block.ids):
                        continue
                    out.update(block.positions(offset, local))
            else:
                decode = fmt.decode_positions
                for d, value in zip(_global(offset, ids), vals):
                    if d in candidates:
                        out[d] = decode(value)
        return out

    # --- scores ----------------------------------------------------------------------

    def scores(self, docs) -> dict[int, float]:
        """{document: score} for ``docs`` (a subset of ``self.docs``): Whoosh's BM25F,
        summed as Whoosh sums it (AND and OR add their parts' scores, a NOT inside an
        AND adds 1, a phrase scores as its words)."""
        docs = docs if isinstance(docs, (set, frozenset)) else set(docs)
        out = dict.fromkeys(docs, 0.0)
        self._score(self.query, docs, out)
        return out

    def _score(self, q, docs: set[int], out: dict[int, float]) -> None:
        if not docs:
            return
        if isinstance(q, wq.Term):
            self._term_scores(q.fieldname, q.text, q.boost, docs, out)
        elif isinstance(q, wq.Phrase):
            for word in q.words:
                self._term_scores(q.fieldname, word, q.boost, docs, out)
        elif isinstance(q, wq.Every):
            return  # no word to rank by: the caller's tie-break (newest first) orders them
        elif isinstance(q, wq.AndNot):
            self._score(q.a, docs, out)
        elif isinstance(q, wq.AndMaybe):
            self._score(q.a, docs, out)
            self._score(q.b, docs & self._matched[id(q.b)], out)
        elif isinstance(q, wq.And):
            for sub in q.subqueries:
                if isinstance(sub, wq.Not):
                    # Whoosh's InverseMatcher scores each document it lets through as 1
                    for d in docs:
                        out[d] += 1.0
                else:
                    self._score(sub, docs, out)
        else:  # Or: each part scores the documents it matches
            for sub in q.subqueries:
                self._score(sub, docs & self._matched[id(sub)], out)

    def _weights_of(self, fieldname: str, text: str, docs: set[int]) -> dict:
        """{document: weight of ``text``} for ``docs`` (others may be there too).  Few
        documents among a long list (two common words, a phrase): each one's place found
        by bisection in its segment's ascending ids, instead of a table of the whole
        list."""
        lists = self._postings(fieldname, text)
        if len(docs) * 16 > sum(len(entry[1]) for entry in lists):
            return self._by_document(fieldname, text, 2)
        out: dict = {}
        for offset, ids, weights, _v in lists:
            count = len(ids)
            for d in docs:
                local = d - offset
                if local < 0:
                    continue
                j = bisect_left(ids, local)
                if j < count and ids[j] == local:
                    out[d] = weights[j]
        return out

    def _term_scores(self, fieldname: str, text: str, boost: float, docs: set[int],
                     out: dict[int, float]) -> None:
        if not self.searcher.schema[fieldname].scorable:
            for d in docs:
                out[d] += 1.0
            return
        df = self.searcher.doc_frequency(fieldname, text)
        idf = (log(self.doc_count / (df + 1)) + 1) * boost
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        lengths = self.lengths_for(self.searcher, fieldname)
        weights = self._weights_of(fieldname, text, docs)
        k1p, k1b, k1b_avg = K1 + 1, K1 * (1 - B), K1 * B / avgfl
        for d in docs:
            w = weights.get(d)
            if w is not None:
                out[d] += idf * ((w * k1p) / (w + k1b + k1b_avg * lengths[d]))


# --- posting lists, read whole --------------------------------------------------------

def postings(reader, fieldname: str, text: str, values: bool) -> tuple[list, list, list]:
    """(ids, weights, encoded values) of a term in one segment, deleted documents left
    out; empty lists when the segment lacks the term."""
    if (fieldname, text) not in reader:
        return [], [], []
    m = reader.postings(fieldname, text)
    deleted = None
    if isinstance(m, FilterMatcher):
        deleted, m = m._ids, m.child
    if isinstance(m, ListMatcher):  # inlined postings (a term in one document)
        ids = list(m._ids)
        weights = list(m._weights) if m._weights is not None else [1.0] * len(ids)
        vals = list(m._values) if (values and m._values is not None) else [None] * len(ids)
    elif isinstance(m, HubLeafMatcher):  # the hub's blocks: arrays, values apart
        ids, weights, vals = [], [], []
        while not m._atend:
            block = m.block_ids()
            count = len(block)
            ids.extend(block)
            raw_weights = m.block_weights()
            if raw_weights is None:
                weights.extend(repeat(1.0, count))
            elif isinstance(raw_weights, float):
                weights.extend(repeat(raw_weights, count))
            else:
                weights.extend(raw_weights)
            if values:
                vals.append(_Block(block, m.block_values_later()))
            m._next_block()
        if deleted:
            keep = [i for i, d in enumerate(ids) if d not in deleted]
            ids = [ids[i] for i in keep]
            weights = [weights[i] for i in keep]
        return ids, weights, vals
    elif isinstance(m, W3LeafMatcher):
        ids, weights, vals = [], [], []
        while not m._atend:
            m._read_data()
            raw_ids, raw_weights, raw_values = m._data[0], m._data[1], m._data[2]
            count = len(raw_ids)
            ids.extend(accumulate(raw_ids))
            if raw_weights is None:
                weights.extend(repeat(1.0, count))
            elif isinstance(raw_weights, float):
                weights.extend(repeat(raw_weights, count))
            else:
                weights.extend(raw_weights)
            if values:
                vals.extend(_block_values(m, raw_values, count))
            m._next_block()
    else:  # not a codec this module reads: Whoosh's own matching
        raise Unsupported(type(m).__name__)
    if not values:
        vals = []
    if deleted:
        keep = [i for i, d in enumerate(ids) if d not in deleted]
        ids = [ids[i] for i in keep]
        weights = [weights[i] for i in keep]
        if vals:
            vals = [vals[i] for i in keep]
    return ids, weights, vals


class _Block:
    """A block of the hub's postings whose values (positions) are read only if needed:
    its document numbers within the segment, and a way to read its values."""

    __slots__ = ("ids", "read")

    def __init__(self, ids: list[int], read):
        self.ids = ids
        self.read = read

    def positions(self, offset: int, wanted: set[int]) -> dict:
        """{global document number: positions} for the block's documents in ``wanted``
        (segment numbers): the block's positions decoded as one array, then sliced."""
        raw = self.read()
        count = len(self.ids)
        sizes = array(_INTS)
        sizes.frombytes(raw[:4 * count])
        everything = array(_INTS)
        everything.frombytes(raw[4 * count:])
        ends = list(accumulate((size >> 2 for size in sizes), initial=0))
        ids = self.ids  # ascending: each wanted document's place by bisection
        return {offset + d: everything[ends[j]:ends[j + 1]]
                for d in wanted.intersection(ids) for j in (bisect_left(ids, d),)}


def _global(offset: int, ids: list[int]):
    """A segment's document numbers as the searcher's."""
    return map(offset.__add__, ids) if offset else ids


def _block_values(m: W3LeafMatcher, raw, count: int):
    fixed = m._fixedsize
    if fixed is None or fixed < 0:
        return raw
    if fixed == 0:
        return repeat(None, count)
    return [raw[i:i + fixed] for i in range(0, count * fixed, fixed)]


def field_lengths(reader, fieldname: str) -> list[int]:
    """Each document's length of ``fieldname`` in one segment, as Whoosh stores it (one
    byte, decoded), indexed by the segment's document number."""
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return [0] * reader.doc_count_all()
    table = _BYTE_LENGTHS
    return [table[b] for b in column.load()]
