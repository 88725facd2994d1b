"""Matching and ranking a query straight from Whoosh's posting lists.

Whoosh matches in pure Python, one posting at a time, through matcher objects: two common
words at 100 000 documents walk posting lists of ~20 000 entries each at ≈ 1–2 µs a step,
and a phrase also decodes and compares positions per candidate through its span objects
(≈ 80 % of a phrase query's time, ``whoosh/query/spans.py``).  The search page needs every
match anyway (the total and the facet counts), so this module reads each posting list of
the query whole — block by block, one unpickle per block of up to 128 postings, the ids
delta-decoded by ``itertools.accumulate`` — and does the rest with set and dict operations,
which run in C:

* a word: its documents, each scored;
* words (AND): the intersection, scores summed;
* a phrase: the intersection of its words, then their positions compared for those
  documents only (consecutive positions, in order: Whoosh's ``Phrase`` with slop 1);
* OR: the union, scores summed; NOT and AND NOT: a difference.

Scores are Whoosh's BM25F (B = 0.75, K1 = 1.2, Whoosh's idf and its byte-encoded field
lengths), so words rank as Whoosh ranks them; a phrase scores as the sum of its words.
A query of any other shape (a lone NOT, Whoosh's rarer nodes) gives ``None`` and the
caller falls back to Whoosh's own matching.

This reads Whoosh 2.7.4's codec from the inside (``W3LeafMatcher`` blocks, the lengths
column); the version is pinned and ``tests/search/test_matching.py`` compares every result
with Whoosh's own on the same index.
"""
from __future__ import annotations

from itertools import accumulate, repeat
from math import log
from pickle import loads

from whoosh import query as wq
from whoosh.formats import Positions
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.mcore import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length

B = 0.75
K1 = 1.2
_BYTE_LENGTHS = [byte_to_length(i) for i in range(256)]


class Unsupported(Exception):
    """The query has a shape this module does not evaluate; use Whoosh's matching."""


def match(searcher, q, lengths_for) -> dict[int, float] | None:
    """{global document number: score} of every document matching ``q`` (deleted ones
    left out), or None when ``q`` is not a shape this module evaluates.

    ``lengths_for(reader, fieldname)`` gives a segment's per-document field lengths (the
    caller caches them per segment)."""
    try:
        return _Evaluator(searcher, lengths_for).run(q)
    except Unsupported:
        return None


class _Evaluator:
    def __init__(self, searcher, lengths_for):
        self.searcher = searcher
        self.leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
        self.lengths_for = lengths_for
        self.doc_count = searcher.doc_count_all()
        self._lists: dict[tuple, tuple[list, list, list]] = {}
        self._values_wanted: set[tuple[str, str]] = set()

    def postings(self, segment: int, reader, fieldname: str, text: str, values: bool):
        """A term's postings in one segment, read once per query (with the positions when
        the query has the term in a phrase)."""
        key = (segment, fieldname, text)
        found = self._lists.get(key)
        if found is None or (values and found[0] and not found[2]):
            found = postings(reader, fieldname, text,
                             values=values or (fieldname, text) in self._values_wanted)
            self._lists[key] = found
        return found

    def run(self, q) -> dict[int, float]:
        for node in q.leaves():
            if isinstance(node, wq.Phrase):
                self._values_wanted.update((node.fieldname, w) for w in node.words)
        return self.evaluate(q)

    def evaluate(self, q) -> dict[int, float]:
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.Phrase):
            return self.phrase(q)
        if isinstance(q, wq.AndNot):
            positive = self.evaluate(q.a)
            if not positive:
                return positive
            negative = self.evaluate(q.b)
            return {d: s for d, s in positive.items() if d not in negative}
        if isinstance(q, wq.And):
            return self.conjunction(q.subqueries)
        if isinstance(q, wq.Or) and not isinstance(q, wq.DisjunctionMax):
            if getattr(q, "minmatch", 0) or getattr(q, "scale", None):
                raise Unsupported(q)
            out: dict[int, float] = {}
            for sub in q.subqueries:
                for d, s in self.evaluate(sub).items():
                    out[d] = out.get(d, 0.0) + s
            return out
        raise Unsupported(q)

    def conjunction(self, subqueries) -> dict[int, float]:
        positives = [sub for sub in subqueries if not isinstance(sub, wq.Not)]
        negatives = [sub.query for sub in subqueries if isinstance(sub, wq.Not)]
        if not positives:
            raise Unsupported("only negations")
        # rarest first: every later posting list only narrows the candidates
        results = sorted((self.evaluate(sub) for sub in positives), key=len)
        out = results[0]
        for other in results[1:]:
            if not out:
                break
            out = {d: s + other[d] for d, s in out.items() if d in other}
        for sub in negatives:
            if not out:
                break
            excluded = self.evaluate(sub)
            # + 1: Whoosh's InverseMatcher scores each document it lets through as 1
            out = {d: s + 1.0 for d, s in out.items() if d not in excluded}
        return out

    # --- words ---------------------------------------------------------------------

    def _idf(self, fieldname: str, text: str) -> float:
        df = self.searcher.doc_frequency(fieldname, text)
        return log(self.doc_count / (df + 1)) + 1

    def term(self, fieldname: str, text: str, boost: float = 1.0) -> dict[int, float]:
        scored = self.searcher.schema[fieldname].scorable
        idf = self._idf(fieldname, text) * boost if scored else 0.0
        avgfl = (self.searcher.avg_field_length(fieldname) or 1) if scored else 1
        out: dict[int, float] = {}
        for segment, (reader, offset) in enumerate(self.leaves):
            ids, weights, _values = self.postings(segment, reader, fieldname, text, False)
            if not ids:
                continue
            if not scored:
                out.update(zip(ids if not offset else (d + offset for d in ids),
                               repeat(1.0)))
                continue
            lengths = self.lengths_for(reader, fieldname)
            k1b = K1 * (1 - B)
            k1b_avg = K1 * B / avgfl
            k1p = K1 + 1
            out.update((d + offset, idf * ((w * k1p) / (w + k1b + k1b_avg * lengths[d])))
                       for d, w in zip(ids, weights))
        return out

    def phrase(self, q: wq.Phrase) -> dict[int, float]:
        words = list(q.words)
        if getattr(q, "slop", 1) != 1:
            raise Unsupported("slop")
        if len(words) == 1:
            return self.term(q.fieldname, words[0], q.boost)
        fieldname = q.fieldname
        fmt = self.searcher.schema[fieldname].format
        if not fmt.supports("positions"):
            raise Unsupported("no positions")
        scored = [self.term(fieldname, word, q.boost) for word in set(words)]
        scored.sort(key=len)
        candidates = set(scored[0])
        for other in scored[1:]:
            candidates.intersection_update(other)
        if not candidates:
            return {}
        decode = _positions if isinstance(fmt, Positions) else fmt.decode_positions
        out: dict[int, float] = {}
        for segment, (reader, offset) in enumerate(self.leaves):
            local = {d - offset for d in candidates
                     if offset <= d < offset + reader.doc_count_all()}
            if not local:
                continue
            # each word's positions in the candidate documents of this segment
            per_word = {}
            for word in set(words):
                ids, _weights, values = self.postings(segment, reader, fieldname, word, True)
                per_word[word] = {d: v for d, v in zip(ids, values) if d in local}
            first, rest = words[0], words[1:]
            for d in local:
                starts = list(decode(per_word[first][d]))
                for i, word in enumerate(rest, 1):
                    at = set(decode(per_word[word][d]))
                    starts = [p for p in starts if p + i in at]
                    if not starts:
                        break
                if starts:
                    out[d + offset] = sum(s[d + offset] for s in scored)
        return out


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
    else:  # not a codec this module knows: ask the matcher, posting by posting
        ids, weights, vals = [], [], []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            vals.append(m.value() if values else None)
            m.next()
    if not values:
        vals = []
    if deleted:
        keep = [i for i, d in enumerate(ids) if d not in deleted]
        ids = [ids[i] for i in keep]
        weights = [weights[i] for i in keep]
        if vals:
            vals = [vals[i] for i in keep]
    return ids, weights, vals


def _positions(value: bytes):
    """Whoosh's ``Positions.decode_positions`` without its Python loop: a pickled list of
    deltas (its final STOP opcode cut off) after a 4-byte count."""
    return accumulate(loads(value[4:] + b"."))


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
