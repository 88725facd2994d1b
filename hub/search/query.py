"""The query path of the archive: ``search(user, q, …) -> SearchResults``, one entry for the
page, the API and the benchmark.

Permissions are inside the Whoosh query: each document carries access terms, the user's
held terms (from every provider, computed once per call) become a terms filter, so hits,
totals and facet counts only ever count what the user may open.  The hits shown are then
checked once more with each kind's own ``can_view`` (the pages' rule); a disagreement is
logged and the hit left out (tests make sure it never happens).

Query syntax is Whoosh's, minus fields, wildcards and ranges: words (AND), "phrases",
OR, NOT/-word, brackets.  Text the parser cannot make sense of is searched as plain words.
A registration number (GM-2026-000123) matches its item exactly.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from flask import current_app, g
from markupsafe import Markup
from whoosh import qparser, query as wq, sorting
from whoosh.fields import TEXT, Schema

from hub.common.time import company_tz
from hub.extensions import db
from hub.search import highlight
from hub.search.analysis import query_analyzer
from hub.search.index import IndexUnavailable, load_user_words, searcher_cache
from hub.search.registry import PROVIDERS

MAX_QUERY = 200
SORTS = ("relevance", "date")
NUMBER_RE = re.compile(r"^[A-Za-z]{2}-\d{4}-\d{1,6}$")
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


def access_filter(terms: Iterable[str]) -> wq.Query:
    terms = sorted(terms)
    if not terms:
        return wq.NullQuery
    return wq.Or([wq.Term("access", t) for t in terms])


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


def parse(text: str) -> wq.Query | None:
    """The Whoosh query for a user's text; None when nothing is left to search for."""
    text = (text or "").strip()[:MAX_QUERY]
    if not text:
        return None
    if NUMBER_RE.match(text):
        return wq.Term("number", text.upper())
    try:
        parsed = _parser().parse(_tidy(text))
    except Exception:  # noqa: BLE001 - a syntax error becomes a plain search
        parsed = None
    if not _usable(parsed):
        parsed = plain_query(text)
        if not _usable(parsed):
            return None
    return parsed


# --- filters ---------------------------------------------------------------------------

def _utc(day: date, end: bool) -> datetime:
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min,
                              tzinfo=company_tz())
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _facet_filters(kinds, department_id, status) -> dict[str, wq.Query]:
    filters: dict[str, wq.Query] = {}
    kinds = [k for k in (kinds or ()) if k]
    if kinds:
        filters["kind"] = wq.Or([wq.Term("kind", k) for k in kinds])
    if department_id:
        filters["department"] = wq.Term("department", str(department_id))
    if status:
        filters["status"] = wq.Term("status", status)
    return filters


def _base_filters(user, date_from, date_to) -> list[wq.Query]:
    filters = [access_filter(held_terms(user))]
    if date_from or date_to:
        filters.append(wq.DateRange("date", _utc(date_from, False) if date_from else None,
                                    _utc(date_to, True) if date_to else None,
                                    endexcl=True))
    return filters


def _and(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.And(queries)


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
        _run(searcher, results, user, parsed, kinds=kinds, department_id=department_id,
             status=status, date_from=date_from, date_to=date_to, facets=facets,
             recheck=recheck)
    except IndexUnavailable:
        _unavailable(results)
    except Exception:  # noqa: BLE001 - a broken index must never break the page
        current_app.logger.exception("search failed; the index is rebuilt")
        searcher_cache().forget()
        _unavailable(results)
    return results


def _unavailable(results: SearchResults) -> None:
    from hub.search.indexer import request_rebuild

    results.unavailable = True
    results.hits, results.total, results.facets = [], 0, {}
    try:
        request_rebuild()
    except Exception:  # noqa: BLE001
        db.session.rollback()
        current_app.logger.exception("could not queue a search index rebuild")


def _run(searcher, results: SearchResults, user, parsed, *, kinds, department_id, status,
         date_from, date_to, facets: bool, recheck: bool) -> None:
    base = _base_filters(user, date_from, date_to)
    chosen = _facet_filters(kinds, department_id, status)
    kwargs: dict[str, Any] = {"filter": _and(base + list(chosen.values()))}
    if results.sort == "date":
        kwargs["sortedby"] = sorting.FieldFacet("date", reverse=True)
    if facets:
        # counts of each facet over everything else chosen (not the facet's own choice)
        unfiltered = [f for f in FACETS if f not in chosen]
        if unfiltered:
            kwargs["groupedby"] = {f: sorting.FieldFacet(f, maptype=sorting.Count)
                                   for f in unfiltered}
    hits = searcher.search_page(parsed, results.page, pagelen=results.per_page, **kwargs)
    results.total = hits.total
    if hits.total:
        results.page = hits.pagenum  # Whoosh shows the last page for one past the end
    if facets:
        for name in FACETS:
            if name in chosen:
                others = [v for k, v in chosen.items() if k != name]
                counted = searcher.search(
                    parsed, filter=_and(base + others), limit=1, scored=False,
                    groupedby={name: sorting.FieldFacet(name, maptype=sorting.Count)})
                groups = counted.groups(name)
            else:
                groups = hits.results.groups(name)
            results.facets[name] = sorted(
                ((value, count) for value, count in groups.items() if value),
                key=lambda item: (-item[1], item[0]))
    terms = highlight.query_terms(results.q)
    shown = []
    for hit in hits:
        stored = hit.fields()
        shown.append(Hit(
            kind=stored["kind"], id=int(stored["obj_id"]), number=stored.get("number", ""),
            title=highlight.snippet(stored.get("title", ""), terms, length=200),
            snippet=highlight.snippet(stored.get("body", ""), terms),
            url=stored.get("url", ""), date=stored.get("date"),
            status=stored.get("status", ""),
            department_id=int(stored["department"]) if stored.get("department") else None,
            score=hit.score))
    if recheck:
        shown = _recheck(user, shown, results)
    results.hits = shown


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
