"""Highlighted snippets for search results: substring search in the stored text.

Whoosh's own highlighter re-analyses every hit's text with jieba and costs ~40 ms a page
(SEARCH-FACTS); finding the query's words as substrings of the stored plain text costs
≈ 0.1 ms a hit and highlights 红烧 inside 红烧肉 and ``vpn`` inside "VPN" just as the
index found them.  ``snippet`` picks the window of the text with the most distinct query
words, HTML-escapes it and wraps the words in ``<mark>``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from markupsafe import Markup, escape

from hub.search.analysis import STOP_WORDS, segment

__all__ = ["query_terms", "snippet"]

# Folds full-width ASCII to half-width and ASCII to lower case, one character for one, so
# offsets in the folded text are offsets in the original (as the analyzer folds).
_FOLD_LOWER = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD_LOWER.update({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})
_FOLD_LOWER.update({code: code - 0xFEE0 + 32 for code in range(0xFF21, 0xFF3B)})
_FOLD_LOWER[0x3000] = 0x20

_ELLIPSIS = "…"
_SPACES = re.compile(r"\s+")
# Whoosh query syntax that is not text: fields (title:), operators, grouping, boosts, slop,
# ranges and wildcards.
_FIELD = re.compile(r"(?<![\w])[A-Za-z_]\w*:(?!//)")
_CHUNK = re.compile(r'"[^"]*"?|[^\s"()]+')
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
_JUNK = re.compile(r"[\^~][\d.]*|[*?\[\]{}()+]")


def _fold(text: str) -> str:
    return text.translate(_FOLD_LOWER)


def query_terms(q: str | None) -> list[str]:
    """The words of a user's query to highlight, in order, without duplicates.

    Query syntax (fields, AND/OR/NOT, quotes, brackets, wildcards, boosts) is stripped;
    negated words (``-word``, ``NOT word``) are left out.  Each chunk of the query counts
    with its words as jieba cuts them: "张伟 食堂的饭菜" gives 张伟, 食堂的饭菜, 食堂, 饭菜 (a
    one-character word only when it is the whole chunk, so an unknown name cut into single
    characters does not light up every 张 in the text).
    """
    terms: list[str] = []
    seen: set[str] = set()

    def add(term: str) -> None:
        term = term.strip()
        if term and term not in seen and term not in STOP_WORDS:
            seen.add(term)
            terms.append(term)

    negate = False
    for chunk in _CHUNK.findall(_FIELD.sub(" ", q or "")):
        if chunk in _OPERATORS:
            negate = chunk in ("NOT", "ANDNOT")
            continue
        if chunk.startswith("-") and len(chunk) > 1 or negate:
            negate = False
            continue
        text = _fold(_JUNK.sub(" ", chunk.strip('"'))).strip()
        if not text:
            continue
        words = segment(text)
        if not words:
            continue
        if len(words) > 1 or words[0] != text:
            # the chunk as typed (a phrase, an unknown name), without its outer punctuation
            add(text.strip(".,;:!?，。；：！？、 '"))
        for word in words:
            if len(word) > 1 or len(words) == 1:
                add(word)
    return terms


@lru_cache(maxsize=256)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    # longest first: at each place the longest word wins (红烧肉 before 红烧)
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in ordered))


def _best_window(matches: list[tuple[int, int, str]], length: int) -> tuple[int, int]:
    """Indexes [i, j) of the run of matches fitting in ``length`` characters with the most
    distinct words, then the most matches, then the earliest."""
    best = (0, 0, 0, 1)  # (distinct, count, i, j) — ties keep the earliest window
    counts: dict[str, int] = {}
    j = 0
    for i in range(len(matches)):
        if j < i + 1:
            j = i + 1
            counts = {matches[i][2]: 1}
        while j < len(matches) and matches[j][1] - matches[i][0] <= length:
            counts[matches[j][2]] = counts.get(matches[j][2], 0) + 1
            j += 1
        score = (len(counts), j - i)
        if score > best[:2]:
            best = (score[0], score[1], i, j)
        # slide: drop match i before the next start
        term = matches[i][2]
        counts[term] -= 1
        if not counts[term]:
            del counts[term]
    return best[2], best[3]


def snippet(text: str | None, terms: Iterable[str], length: int = 160) -> Markup:
    """About ``length`` characters of ``text`` around its densest cluster of ``terms``,
    HTML-escaped, with each occurrence in ``<mark>`` and "…" where the text goes on.

    Matching folds case and full-width letters like the index does.  Without a match the
    text's beginning is shown.
    """
    text = text or ""
    length = max(int(length), 20)
    folded = {_fold(term) for term in terms if term and term.strip()}
    pattern = _pattern(tuple(sorted(folded)))
    hay = _fold(text)
    matches: list[tuple[int, int, str]] = []
    if pattern is not None:
        for found in pattern.finditer(hay):
            matches.append((found.start(), found.end(), found.group()))
            if len(matches) >= 500:
                break
    if matches:
        i, j = _best_window(matches, length)
        chosen = matches[i:j]
        first, last = chosen[0][0], chosen[-1][1]
        # centre the matches in the window, but keep it inside the text
        start = max(0, first - max(0, length - (last - first)) // 2)
        start = min(start, max(0, len(text) - length))
        start = min(start, first)
        end = min(len(text), max(start + length, last))
    else:
        chosen = []
        start, end = 0, min(len(text), length)
    parts: list[str] = []
    if start > 0:
        parts.append(_ELLIPSIS)
    pos = start
    for m_start, m_end, _term in chosen:
        if m_start < pos:  # cannot happen with finditer, kept as a guard
            continue
        parts.append(_clean(text[pos:m_start]))
        parts.append(f"<mark>{_clean(text[m_start:m_end])}</mark>")
        pos = m_end
    parts.append(_clean(text[pos:end]))
    if end < len(text):
        parts.append(_ELLIPSIS)
    return Markup("".join(parts))


def _clean(piece: str) -> str:
    return str(escape(_SPACES.sub(" ", piece)))
