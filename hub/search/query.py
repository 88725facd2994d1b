"""The query path of the archive: ``search(user, q, …) -> SearchResults``, one entry for the
page, the API and the benchmark.

Permissions are inside the Whoosh query: each document carries access terms, the user's
held terms (from every provider, computed once per call) become a terms filter, so hits,
totals and facet counts only ever count what the user may open.  The hits shown are then
checked once more with each kind's own ``can_view`` (the pages' rule); a disagreement is
logged and the hit left out (tests make sure it never happens).

Query syntax is Whoosh's, minus fields, wildcards and ranges: words (AND), "phrases",
OR, NOT/-word, brackets; exclusions alone (``-夜宵``) list everything else.  Text the
parser cannot make sense of is searched as plain words.  A registration number matches its
item exactly, typed in any case, with or without dashes and leading zeros.  A word typed in
pinyin (shitang) or as initials (st) also finds titles with the Chinese word, and a name
(何磊, helei, hl) the items of that writer — for those who may see who wrote them; a single
Chinese character also finds the titles holding it, ranked below whole words.
"""
from __future__ import annotations

import heapq
import os
import re
import threading
import time as clock
import weakref
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from flask import current_app, g
from markupsafe import Markup
from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import TEXT, Schema

from hub.common.pinyin import is_han, word_keys
from hub.common.time import company_tz
from hub.extensions import db
from hub.search import highlight, matching
from hub.search.analysis import query_analyzer, segment_for_index
from hub.search.index import (
    IndexUnavailable,
    index_root,
    load_user_words,
    open_index,
    searcher_cache,
)
from hub.search.registry import PROVIDERS

MAX_QUERY = 200
SORTS = ("relevance", "date")
#: a registration number as people type it: any case, dashes or none, leading zeros or
#: none (gm-2026-37, GM2026000037 and GM-2026-000037 are one number)
NUMBER_RE = re.compile(r"^([A-Za-z]{2})[-\s]?(\d{4})[-\s]?(\d{1,6})$")
#: a word typed in pinyin is also looked up in the titles' pinyin keys
PINYIN_RE = re.compile(r"^[a-z]{2,40}$")
#: a title holding a single character the query asks for ranks below every whole word
CHAR_BOOST = 0.001
FACETS = ("kind", "department", "status")


@dataclass
class Hit:
    kind: str
    id: int
    number: str
    title: Markup
    snippet: Markup
    url: str
    date: datetime | None
    status: str
    department_id: int | None
    score: float | None = None


@dataclass
class SearchResults:
    q: str
    total: int = 0
    page: int = 1
    per_page: int = 20
    hits: list[Hit] = field(default_factory=list)
    #: facet name → [(value, count)], most first; only over what the user may open
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    sort: str = "relevance"
    #: the index is missing or unreadable (a rebuild has been queued)
    unavailable: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# --- who holds which terms -------------------------------------------------------------

def held_terms(user) -> frozenset[str]:
    """Every access term ``user`` holds, once per request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return frozenset()
    cache = g.setdefault("_search_held_terms", {}) if _has_g() else {}
    if user.id not in cache:
        terms: set[str] = set()
        for provider in PROVIDERS.values():
            terms |= provider.held_terms(user)
        cache[user.id] = frozenset(terms)
    return cache[user.id]


def _has_g() -> bool:
    from flask import has_app_context

    return has_app_context()


# --- parsing ---------------------------------------------------------------------------

_parser_cache: list[qparser.QueryParser] = []


def _parser() -> qparser.QueryParser:
    """A parser over title + body with the query-time analyzer (precise cut); no field,
    wildcard, range, fuzzy or regex syntax (nobody may address the access field)."""
    if not _parser_cache:
        analyzer = query_analyzer()
        schema = Schema(content=TEXT(analyzer=analyzer, phrase=True))
        parser = qparser.QueryParser("content", schema, group=qparser.AndGroup)
        for plugin in (qparser.FieldsPlugin, qparser.WildcardPlugin, qparser.RangePlugin,
                       qparser.BoostPlugin, qparser.FuzzyTermPlugin, qparser.RegexPlugin):
            parser.remove_plugin_class(plugin)
        # "-word" excludes, but only at a word's start: GM-2026-000001 stays one text
        parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+",
                                                  minusexpr=r"(?<![^\s(])-"))
        _parser_cache.append(parser)
    return _parser_cache[0]


_SYNTAX = re.compile(r'["()\[\]{}^~*?:+\-]|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b')


def plain_query(text: str) -> wq.Query | None:
    """The words of ``text`` with every bit of syntax taken out, all required."""
    cleaned = _SYNTAX.sub(" ", text)
    try:
        return _parser().parse(cleaned) if cleaned.strip() else None
    except Exception:  # noqa: BLE001 - nothing left to try
        return None


def _usable(q: wq.Query | None) -> bool:
    """False for nothing, or for what the parser marked as an error anywhere inside."""
    if q is None or q is wq.NullQuery:
        return False
    stack = [q]
    while stack:
        node = stack.pop()
        if getattr(node, "error", None) or node is wq.NullQuery:
            return False
        stack.extend(node.children())
    return True


_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
# "title:" — field syntax is not offered; the word after it is searched (as highlighted)
_FIELD = re.compile(r"(?<![\w])[A-Za-z_]\w*:(?!//)")


def _tidy(text: str) -> str:
    """Drop field names ("title:") and operators with nothing to join ("食堂 AND",
    "OR OR 红烧肉"): the parser would search for the words "title" or "and" instead."""
    words = _FIELD.sub(" ", text).split()
    kept: list[str] = []
    for i, word in enumerate(words):
        if word in _OPERATORS:
            nxt = words[i + 1] if i + 1 < len(words) else None
            if not kept or kept[-1] in _OPERATORS or nxt is None or nxt in _OPERATORS - {"NOT"}:
                continue
        kept.append(word)
    while kept and kept[-1] in _OPERATORS:
        kept.pop()
    return " ".join(kept)


def registration_number(text: str) -> str | None:
    """``text`` as a registration number in its stored form, or None."""
    found = NUMBER_RE.match(text.strip())
    if found is None:
        return None
    prefix, year, serial = found.groups()
    return f"{prefix.upper()}-{year}-{int(serial):06d}"


def _only_exclusions(text: str) -> wq.Query | None:
    """``-夜宵`` or ``NOT 夜宵 -加班``: everything the user may open without those words
    (Whoosh's parser drops a lone exclusion, which made ``-食堂`` search for 食堂)."""
    words = text.split()
    excluded: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "NOT" and i + 1 < len(words):
            excluded.append(words[i + 1])
            i += 2
        elif word.startswith("-") and len(word) > 1:
            excluded.append(word[1:])
            i += 1
        else:
            return None
    if not excluded:
        return None
    parts = [q for q in map(plain_query, excluded) if _usable(q)]
    if not parts:
        return None
    negative = parts[0] if len(parts) == 1 else wq.Or(parts)
    return wq.AndNot(wq.Every(), negative)


def _only_excludes(q: wq.Query) -> bool:
    return isinstance(q, wq.AndNot) and isinstance(q.a, wq.Every)


class AuthorTerm(wq.Term):
    """A writer's name (or its pinyin): matches only the items whose writer the user may
    see — ``allowed``, the documents of the user's ``author_access`` terms, set for each
    search by ``_run``; nothing before that, and never evaluated by Whoosh itself."""

    allowed: frozenset[int] | set[int] = frozenset()


def _authors(q: wq.Query) -> list[AuthorTerm]:
    return [node for node in q.leaves() if isinstance(node, AuthorTerm)]


def _without_authors(q: wq.Query) -> wq.Query:
    """``q`` for Whoosh's own matching, which knows nothing of ``AuthorTerm.allowed``."""
    if isinstance(q, AuthorTerm):
        return wq.NullQuery
    if isinstance(q, (wq.And, wq.Or)) and type(q) in (wq.And, wq.Or):
        return type(q)([_without_authors(sub) for sub in q.subqueries], boost=q.boost)
    if isinstance(q, wq.AndNot):
        return wq.AndNot(_without_authors(q.a), _without_authors(q.b))
    if isinstance(q, wq.Not):
        return wq.Not(_without_authors(q.query))
    return q


_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,4}$")


def _widen(q: wq.Query) -> wq.Query:
    """Each word also as people type it: a pinyin word (shitang) finds titles in Chinese
    and the items of a writer of that name (helei, hl), a single Chinese character finds
    the titles that hold it (below whole words)."""
    if isinstance(q, wq.Term) and q.fieldname == "content":
        if len(q.text) == 1 and is_han(q.text):
            return wq.Or([q, wq.Term("chars", q.text, boost=CHAR_BOOST)])
        if PINYIN_RE.match(q.text):
            return wq.Or([q, wq.Term("pinyin", q.text), AuthorTerm("author", q.text)])
        return q
    if isinstance(q, wq.AndNot):
        return wq.AndNot(_widen(q.a), _widen(q.b))
    if isinstance(q, wq.Not):
        return wq.Not(_widen(q.query))
    if isinstance(q, (wq.And, wq.Or)) and type(q) in (wq.And, wq.Or):
        return type(q)([_widen(sub) for sub in q.subqueries], boost=q.boost)
    return q


def parse(text: str) -> wq.Query | None:
    """The Whoosh query for a user's text; None when nothing is left to search for."""
    text = (text or "").strip()[:MAX_QUERY]
    if not text:
        return None
    number = registration_number(text)
    if number:
        return wq.Term("number", number)
    exclusions = _only_exclusions(text)
    if exclusions is not None:
        return exclusions
    try:
        parsed = _parser().parse(_tidy(text))
    except Exception:  # noqa: BLE001 - a syntax error becomes a plain search
        parsed = None
    if not _usable(parsed):
        parsed = plain_query(text)
        if not _usable(parsed):
            return None
    parsed = _widen(parsed)
    if _NAME.match(text):  # it may be a person's name (何磊): their items too
        parsed = wq.Or([parsed, AuthorTerm("author", text)])
    return parsed


# --- filters ---------------------------------------------------------------------------

def _bounded(day: date | None) -> bool:
    """Whether ``day`` bounds a search: days near the ends of the calendar (which the
    pages and the API refuse anyway) do not, rather than overflow in ``_utc``."""
    return day is not None and date.min + timedelta(days=2) <= day <= date.max - timedelta(days=2)


def _utc(day: date, end: bool) -> datetime:
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min,
                              tzinfo=company_tz())
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


# --- document sets, cached per index segment ----------------------------------------------
#
# Whoosh builds a filter's document set in Python for every search (~0.5 s at 100 000
# documents for a user's access terms), and counts facets and sorts by date through
# column readers it re-opens per search.  Segments never change once written (a deletion
# only hides documents, and the query's own matches never include deleted ones), so the
# documents of a term in a segment, and each document's facet value or date, are computed
# once per segment and reused by every searcher that still has the segment — a commit adds
# a small segment, the big ones stay.  Permissions stay exactly the terms filter: only
# documents carrying one of the user's terms are counted or shown.

_SEGMENT_CACHE: OrderedDict = OrderedDict()
_SEGMENT_CACHE_SIZE = 2048
_SEARCHER_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SETS_LOCK = threading.Lock()


def _segment_cached(reader, offset: int, key: tuple, build):
    full = (reader.segment().segment_id(), reader.doc_count_all(), offset) + key
    with _SETS_LOCK:
        if full in _SEGMENT_CACHE:
            _SEGMENT_CACHE.move_to_end(full)
            return _SEGMENT_CACHE[full]
    value = build()
    with _SETS_LOCK:
        _SEGMENT_CACHE[full] = value
        while len(_SEGMENT_CACHE) > _SEGMENT_CACHE_SIZE:
            _SEGMENT_CACHE.popitem(last=False)
    return value


def _searcher_cache(searcher) -> dict:
    """Sets and lists already put together for this searcher (a few users' worth)."""
    with _SETS_LOCK:
        cache = _SEARCHER_CACHE.get(searcher)
        if cache is None or len(cache) > 16:
            cache = _SEARCHER_CACHE[searcher] = {}
        return cache


def _leaves(searcher):
    return [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]


def term_docs(searcher, fieldname: str, texts: Iterable[str]) -> set[int]:
    """The (global) numbers of the documents holding any of ``texts`` in ``fieldname``."""
    texts = sorted(set(texts))
    cache = _searcher_cache(searcher)
    key = ("docs", fieldname, tuple(texts))
    if key in cache:
        return cache[key]
    out: set[int] = set()
    for reader, offset in _leaves(searcher):
        for text in texts:
            def build(reader=reader, offset=offset, text=text):
                ids = matching.postings(reader, fieldname, text, values=False)[0]
                return frozenset(ids) if not offset else frozenset(d + offset for d in ids)
            out |= _segment_cached(reader, offset, ("docs", fieldname, text), build)
    cache[key] = out
    return out


def per_document(searcher, key: tuple, build) -> list:
    """A list indexed by (global) document number, put together from ``build(reader)``
    of each segment, each segment's part read once (``key`` names what is built)."""
    cache = _searcher_cache(searcher)
    if key in cache:
        return cache[key]
    out: list = []
    for reader, _offset in _leaves(searcher):
        out += _segment_cached(reader, 0, key, lambda r=reader: build(r))
    cache[key] = out
    return out


def field_values(searcher, fieldname: str) -> list:
    """Each document's term in ``fieldname`` ("" for none), indexed by document number."""
    def build(reader):
        values = [""] * reader.doc_count_all()
        for text in reader.field_terms(fieldname):
            for docnum in matching.postings(reader, fieldname, text, values=False)[0]:
                values[docnum] = text
        return values

    return per_document(searcher, ("values", fieldname), build)


def field_lengths(searcher, fieldname: str) -> list[int]:
    """Each document's length of ``fieldname`` (for scoring), by document number."""
    return per_document(searcher, ("lengths", fieldname),
                        lambda reader: matching.field_lengths(reader, fieldname))


def sort_values(searcher, fieldname: str) -> list:
    """Each document's sortable value of ``fieldname`` (a column), by document number."""
    return per_document(searcher, ("sort", fieldname),
                        lambda reader: list(reader.column_reader(fieldname, translate=False)))


# --- the search ------------------------------------------------------------------------

def search(user, q: str, *, kinds: Iterable[str] | None = None,
           department_id: int | None = None, status: str | None = None,
           date_from: date | None = None, date_to: date | None = None,
           sort: str = "relevance", page: int = 1, per_page: int = 20,
           facets: bool = True, recheck: bool | None = None) -> SearchResults:
    """What ``user`` may open that matches ``q``, one page of it, with facet counts.

    Raises nothing for bad input: an unusable query gives no results; a missing or
    unreadable index gives ``unavailable=True`` (and queues a rebuild)."""
    sort = sort if sort in SORTS else "relevance"
    page = max(1, int(page or 1))
    results = SearchResults(q=(q or "").strip()[:MAX_QUERY], page=page, per_page=per_page,
                            sort=sort)
    if recheck is None:
        recheck = current_app.config["SEARCH_RECHECK"]
    parsed = parse(q)
    if parsed is None or not held_terms(user):
        return results
    try:
        load_user_words()
        searcher = searcher_cache().searcher()
        if not searcher.doc_count_all():
            return results  # nothing indexed yet (a new hub): nothing to find
        _run(searcher, results, user, parsed, kinds=kinds, department_id=department_id,
             status=status, date_from=date_from, date_to=date_to, facets=facets,
             recheck=recheck)
    except IndexUnavailable:
        _unavailable(results, rebuild=True)
    except Exception as exc:
        searcher_cache().forget()
        if _index_readable():
            # The query failed, not the index: never a reason to rebuild it.  A file
            # gone under a search (a swap) is shown as "unavailable", anything else is
            # a fault in this module.
            if not isinstance(exc, OSError):
                raise
            current_app.logger.exception("search failed; the index itself is readable")
            _unavailable(results, rebuild=False)
        else:
            current_app.logger.exception("search failed: the index cannot be read")
            _unavailable(results, rebuild=True)
    return results


#: the least time between two rebuilds that searches ask for (an unreadable index)
REBUILD_INTERVAL = 600.0
_REBUILD_MARK = "rebuild-requested"
_last_rebuild_request: dict[str, float] = {}
_rebuild_request_lock = threading.Lock()


def _index_readable() -> bool:
    try:
        open_index(index_root(), check=True)
    except IndexUnavailable:
        return False
    return True


def rebuild_due(root: Path, now: float | None = None) -> bool:
    """Whether a search may queue a rebuild now: not when one was asked for (by any process
    on this machine: the mark's time in the index folder) within ``REBUILD_INTERVAL``.
    Marks the request when it says yes."""
    now = clock.time() if now is None else now
    mark = root / _REBUILD_MARK
    with _rebuild_request_lock:
        last = _last_rebuild_request.get(str(root), 0.0)
        try:
            last = max(last, mark.stat().st_mtime)
        except OSError:
            pass
        if now - last < REBUILD_INTERVAL:
            return False
        _last_rebuild_request[str(root)] = now
    try:
        root.mkdir(parents=True, exist_ok=True)
        mark.touch()
        os.utime(mark, (now, now))
    except OSError:  # a full or read-only disk: this process remembers it all the same
        pass
    return True


def _unavailable(results: SearchResults, rebuild: bool) -> None:
    from hub.search.indexer import request_rebuild

    results.unavailable = True
    results.hits, results.total, results.facets = [], 0, {}
    if not rebuild or not rebuild_due(index_root()):
        return
    try:
        request_rebuild()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("could not queue a search index rebuild")


def _run(searcher, results: SearchResults, user, parsed, *, kinds, department_id, status,
         date_from, date_to, facets: bool, recheck: bool) -> None:
    # Sets of document numbers (see "document sets" above): the user's access terms, the
    # query's matches, the chosen facets; total and facet counts are their intersections.
    allowed = term_docs(searcher, "access", held_terms(user))
    authors = _authors(parsed)
    if authors:
        writers_shown = term_docs(searcher, "author_access", held_terms(user))
        for node in authors:
            node.allowed = writers_shown
    found = matching.match(searcher, parsed, field_lengths, within=allowed)
    if found is not None:
        everything, base = None, found.docs
    else:  # a query shape hub.search.matching does not evaluate: Whoosh scores every match
        everything = searcher.search(_without_authors(parsed).normalize(), limit=None).top_n
        base = {docnum for _score, docnum in everything} & allowed
    if date_from or date_to:
        base = _in_dates(searcher, base, date_from, date_to)
    chosen: dict[str, set[int]] = {}
    kinds = [k for k in (kinds or ()) if k]
    if kinds:
        chosen["kind"] = term_docs(searcher, "kind", kinds)
    if department_id:
        chosen["department"] = term_docs(searcher, "department", [str(department_id)])
    if status:
        chosen["status"] = term_docs(searcher, "status", [status])
    final = base
    for docs in chosen.values():
        final = final & docs
    results.total = len(final)
    if facets:
        for name in FACETS:
            # counts of each facet over everything else chosen (not the facet's own choice)
            pool = base
            for other, docs in chosen.items():
                if other != name:
                    pool = pool & docs
            values = field_values(searcher, name)
            counts = Counter(map(values.__getitem__, pool))
            results.facets[name] = sorted(
                ((value, count) for value, count in counts.items() if value),
                key=lambda item: (-item[1], item[0]))
    # the page (past the last page: the last page, as Whoosh's search_page does)
    if final:
        results.page = min(results.page, -(-len(final) // results.per_page))
    start = (results.page - 1) * results.per_page
    stop = start + results.per_page
    if not final:
        ranked: list[tuple[int, float | None]] = []
    elif results.sort == "date" or _only_excludes(parsed):
        # (a query of exclusions only has no word to rank by: newest first)
        dates = sort_values(searcher, "date")
        ranked = [(docnum, None) for docnum in heapq.nlargest(
            stop, final, key=lambda docnum: (dates[docnum], -docnum))[start:]]
    elif found is not None:
        scores = found.scores(final)
        ranked = [(docnum, scores[docnum]) for docnum in heapq.nlargest(
            stop, final, key=lambda docnum: (scores[docnum], -docnum))[start:]]
    else:
        ranked = [(docnum, score) for score, docnum in everything
                  if docnum in final][start:stop]
    terms = highlight.query_terms(results.q)
    typed = {term.lower() for term in terms if PINYIN_RE.match(term.lower())}
    shown = []
    for docnum, score in ranked:
        stored = searcher.stored_fields(docnum)
        marked = terms + _pinyin_matches(stored.get("title", ""), typed) if typed else terms
        shown.append(Hit(
            kind=stored["kind"], id=int(stored["obj_id"]), number=stored.get("number", ""),
            title=highlight.snippet(stored.get("title", ""), marked, length=200),
            snippet=highlight.snippet(stored.get("body", ""), marked),
            url=stored.get("url", ""), date=stored.get("date"),
            status=stored.get("status", ""),
            department_id=int(stored["department"]) if stored.get("department") else None,
            score=score))
    if recheck:
        shown = _recheck(user, shown, results)
    results.hits = shown


def _pinyin_matches(title: str, typed: set[str]) -> list[str]:
    """The words of ``title`` a query typed in pinyin found (shitang → 食堂), to mark."""
    return [word for word in segment_for_index(title) if typed.intersection(word_keys(word))]


def _in_dates(searcher, docs: set[int], date_from: date | None,
              date_to: date | None) -> set[int]:
    """The documents of ``docs`` dated from ``date_from`` to ``date_to`` (company days,
    both included), from the date column read once per segment — Whoosh's ``DateRange``
    walks the date field's terms in Python on every search (2–5 s at 100 000 documents).
    A document without a date has the column's default, the largest value: never inside."""
    field = searcher.schema["date"]
    dates = sort_values(searcher, "date")
    lo = field.to_column_value(_utc(date_from, False)) if _bounded(date_from) else 0
    hi = field.to_column_value(_utc(date_to, True)) if _bounded(date_to) else \
        field.column_type.default_value()
    return {docnum for docnum in docs if lo <= dates[docnum] < hi}


def _recheck(user, hits: list[Hit], results: SearchResults) -> list[Hit]:
    """Belt and braces: each kind's page rule on the hits about to be shown."""
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.id)
    allowed: set[tuple[str, int]] = set()
    for kind, ids in by_kind.items():
        provider = PROVIDERS.get(kind)
        if provider is None:
            continue
        model = provider.model
        stmt = db.select(model).where(model.id.in_(ids)).options(*provider.load_options)
        for obj in db.session.scalars(stmt):
            if provider.can_view(user, obj):
                allowed.add((kind, obj.id))
    kept = [hit for hit in hits if (hit.kind, hit.id) in allowed]
    if len(kept) != len(hits):
        dropped = [f"{h.kind}:{h.id}" for h in hits if (h.kind, h.id) not in allowed]
        current_app.logger.warning("search index disagreed with the page rules for user %s "
                                   "on %s; queued for re-indexing", user.id, dropped)
        results.total = max(0, results.total - len(dropped))
        _queue(dropped)
    return kept


def _queue(keys: list[str]) -> None:
    from hub.search.indexer import wake
    from hub.search.models import SearchOutbox

    try:
        for key in keys:
            kind, obj_id = key.split(":", 1)
            db.session.add(SearchOutbox(kind=kind, obj_id=int(obj_id)))
        db.session.commit()
        wake()
    except Exception:  # noqa: BLE001
        db.session.rollback()
