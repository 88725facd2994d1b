"""Pinyin keys, so people find 食堂 by typing ``shitang`` and 何磊 by ``helei`` or ``hl``
without switching their input method.

pypinyin reads a word with its phrase dictionary, so a polyphonic character takes the
reading it has in that word (银行 → yinhang, 行长 → hangzhang).  A person's name has no
such context (曾 is zeng as a surname, ceng elsewhere): every common reading of each of its
characters is kept, a few combinations at most.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice, product

from pypinyin import Style, lazy_pinyin, pinyin

__all__ = ["has_han", "is_han", "name_keys", "word_keys", "KEY_RE"]

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

#: What a typed pinyin key looks like: Latin letters only, no tones, no spaces.
KEY_RE = re.compile(r"^[a-z]{2,40}$")

#: Readings combined per name at most (a three-character name of polyphonic characters
#: would otherwise give dozens).
MAX_NAME_READINGS = 8


def is_han(char: str) -> bool:
    return len(char) == 1 and _HAN.match(char) is not None


def has_han(text: str) -> bool:
    return _HAN.search(text or "") is not None


@lru_cache(maxsize=20_000)
def word_keys(word: str) -> tuple[str, ...]:
    """The full pinyin and the initials of a Chinese word in its common reading
    (食堂 → shitang, st); nothing for a word without Chinese characters."""
    if not has_han(word):
        return ()
    syllables = [s for s in lazy_pinyin(word, errors="ignore") if s.isascii() and s.isalpha()]
    if not syllables:
        return ()
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables).lower()
    return (full, initials) if len(syllables) > 1 else (full,)


def name_keys(name: str) -> list[str]:
    """Every key a person's name is found by: the full pinyin and the initials of each
    common reading (何磊 → helei, hl; 曾伟 → zengwei, zw, cengwei, cw)."""
    chars = [c for c in (name or "") if is_han(c)]
    if not chars:
        return []
    # each character's readings, the common one first (pypinyin lists it first)
    ordered = [list(dict.fromkeys(r.lower() for r in options if r.isascii() and r.isalpha()))
               or [""]
               for options in pinyin("".join(chars), style=Style.NORMAL, heteronym=True,
                                     errors="ignore")]
    keys: list[str] = []
    for combo in islice(product(*ordered), MAX_NAME_READINGS):
        full = "".join(combo)
        initials = "".join(s[0] for s in combo if s)
        for key in (full, initials):
            if key and key not in keys:
                keys.append(key)
    return keys
