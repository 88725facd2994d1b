"""Chinese-aware text analysis for the search index (SPEC §5, SEARCH-FACTS "Chinese analysis").

jieba's stock ``ChineseAnalyzer`` gives each token its *character offset* as position, so
Whoosh's phrase queries never match, and it stems.  This module has a tokenizer of its own:

* **Index time** (Whoosh calls the analyzer with ``mode="index"``): jieba's precise cut, and
  for every word longer than two characters also the shorter words of jieba's dictionary
  inside it — what jieba's search mode adds, there limited to 2 and 3 characters — so 销售
  finds 华东销售组, 红烧 finds 红烧肉 and 质量管理 finds 质量管理部.  The extra words share
  the position of the word they come from.
* **Query time** (``mode="query"``): the precise cut only.
* **Positions** are token *indexes* (0, 1, 2 … over the kept words), so a phrase query
  "食堂 红烧肉" matches "食堂的红烧肉" once the stop-word 的 is dropped on both sides.
* Punctuation and whitespace are dropped; a short list of Chinese function words
  (``STOP_WORDS``: 的, 了, 吗 …) is dropped at index and query time alike (they would match
  every document, make phrase and AND queries read huge posting lists, and nobody searches
  for them).  English and digits are kept, lower-cased, no stemming; full-width ASCII
  (ＶＰＮ) is folded to half-width first, so "请连接VPN" is found by ``vpn``.
* The HMM for unknown words is off: an unknown name is then cut into single characters
  the same way at index and query time (a query for an unknown two-character name becomes
  two adjacent single characters), which is both faster (~2×) and more predictable.
* A user dictionary keeps department and product names whole (``add_user_words``,
  ``DEFAULT_USER_WORDS``).  Changing it changes how *new* text is cut; words added later
  are still found in old documents through their parts only, so the app adds the
  department names at start-up, before it indexes or searches anything.

The cut is jieba's — its dictionary and its algorithm — through ``rjieba`` (jieba-rs, the
Rust port): the same words as the Python package (checked on random text and on every
dictionary word), ≈ 15× faster, so analysis is no longer what indexing waits for.  It costs
≈ 0.25 s and ≈ 58 MB to load, once per process, lazily, on first use.  The analyzers are
plain picklable objects (Whoosh pickles the schema into the index and hands it to its
indexing sub-processes); they hold no jieba state.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator

from whoosh.analysis import Token, Tokenizer

__all__ = [
    "ChineseTokenizer", "DEFAULT_USER_WORDS", "STOP_WORDS", "add_user_words",
    "index_analyzer", "query_analyzer", "segment", "segment_for_index", "jieba_instance",
    "title_keys",
]

#: Function words dropped at index and query time (single characters jieba cuts off on
#: their own; a word containing them, e.g. 目的 or 现在, is kept).
STOP_WORDS = frozenset(
    "的 地 得 了 着 过 吗 呢 吧 啊 呀 嘛 哦 哈 么 之 与 及 和 或 而 是 在 也 都 就 又 被 把 将".split()
)

#: Words jieba's dictionary lacks that matter in this company's text: the demo organisation's
#: department names and the workplace products people write about.  The app adds the real
#: department names from the database at start-up (``add_user_words``).
DEFAULT_USER_WORDS = (
    "总经办", "人力资源部", "安全环保部", "客服部", "市场部", "华东销售组", "华南销售组",
    "生产部", "财务部", "研发部", "总经理信箱", "工单", "企业微信", "微信", "钉钉", "报销单", "调休",
    "合理化建议", "谈心谈话", "安全隐患", "内部沟通中心",
)

# Full-width ASCII (！ to ～) and the ideographic space, folded to half-width.  Each maps one
# character to one character, so character offsets stay those of the original text.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20

_lock = threading.Lock()
_jieba = None  # the process's rjieba.Jieba, once loaded
_user_words: list[str] = list(DEFAULT_USER_WORDS)


def _load(words: list[str]):
    import rjieba

    dt = rjieba.Jieba()
    for word in words:
        if not dt.has_word(word):
            dt.add_word(word, None, None)
    return dt


def jieba_instance():
    """The process's segmenter (jieba's dictionary and algorithm, in Rust), loaded once on
    first use with the user words."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                _jieba = _load(_user_words)
    return _jieba


def add_user_words(words: Iterable[str]) -> None:
    """Keep these words (department and product names) whole when cutting.

    Blank and one-character words are ignored; words with spaces are added piece by piece
    (jieba cuts at spaces anyway).  Once the segmenter is loaded, new words make a new one
    that replaces it whole (threads cutting meanwhile finish with the old one: a segmenter
    is never changed while another thread may be using it).
    """
    global _jieba
    cleaned = []
    for word in words:
        for part in (word or "").translate(_FOLD).split():
            if len(part) > 1:
                cleaned.append(part)
    with _lock:
        fresh = [word for word in cleaned if word not in _user_words]
        if not fresh:
            return
        _user_words.extend(fresh)
        if _jieba is not None and not all(_jieba.has_word(word) for word in fresh):
            _jieba = _load(_user_words)


_WORD_CHAR = re.compile(r"[^\W_]")


def _cut(text: str, search: bool) -> Iterator[tuple[str, int, int, int]]:
    """(token text, position, start char, end char) for the kept tokens of ``text``."""
    dt = jieba_instance()
    has_word = dt.has_word
    stop = STOP_WORDS
    word_char = _WORD_CHAR.search
    text = text.translate(_FOLD)
    pos = -1
    start = 0
    for word in dt.cut(text, False):
        end = start + len(word)
        if word.isalnum():
            if word in stop:
                start = end
                continue
        elif word_char(word) is None:
            start = end
            continue
        pos += 1
        n = end - start
        if search and n > 2:
            # jieba's search mode (its 2- and 3-character words), extended to every
            # shorter dictionary word inside, so 质量管理 finds 质量管理部.
            for size in range(2, n):
                for i in range(n - size + 1):
                    part = word[i:i + size]
                    if part not in stop and has_word(part):
                        yield part.lower(), pos, start + i, start + i + size
        yield word.lower(), pos, start, end
        start = end


def segment(text: str) -> list[str]:
    """The words a query or a text is cut into (precise mode, as searched for)."""
    return [word for word, _pos, _s, _e in _cut(text or "", search=False)]


def title_keys(title: str) -> list[str]:
    """The pinyin keys of a title's Chinese words, and of the shorter words inside long
    ones, as indexed (食堂的饭菜 → shitang, st, fancai, fc; 安全检查 → anquanjiancha, aqjc,
    anquan, aq, jiancha, jc), for the index's ``pinyin`` field: a query typed in pinyin
    finds the title."""
    from hub.common.pinyin import word_keys

    keys: dict[str, None] = {}
    for word in segment_for_index(title):
        for key in word_keys(word):
            keys[key] = None
    return list(keys)


def segment_for_index(text: str) -> list[str]:
    """The words indexed for ``text`` (precise cut plus the words inside long words)."""
    return [word for word, _pos, _s, _e in _cut(text or "", search=True)]


class ChineseTokenizer(Tokenizer):
    """Whoosh tokenizer: jieba, token indexes as positions, lower-cased ASCII, no stop-words.

    ``search`` says how text is cut: ``"auto"`` (the schema's analyzer) uses search mode
    when Whoosh indexes and precise mode when it parses a query; ``"index"`` and
    ``"query"`` force one of them.
    """

    def __init__(self, search: str = "auto"):
        if search not in ("auto", "index", "query"):
            raise ValueError(f"search must be auto, index or query, not {search!r}")
        self.search = search

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        if self.search == "auto":
            search_mode = mode != "query"
        else:
            search_mode = self.search == "index"
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for word, pos, start, end in _cut(value or "", search=search_mode):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def index_analyzer() -> ChineseTokenizer:
    """The analyzer to put in the schema's text fields (search mode when indexing,
    precise mode when Whoosh's query parser analyses the query)."""
    return ChineseTokenizer("auto")


def query_analyzer() -> ChineseTokenizer:
    """Precise mode only: how a query string is cut (for code that analyses queries
    itself; the schema's analyzer already does this when parsing)."""
    return ChineseTokenizer("query")
