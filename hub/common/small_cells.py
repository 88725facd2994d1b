"""The small-cell rule for figures about people who must not be singled out (reports,
which may be anonymous or name somebody): no count under 5 is ever shown, and no total is
shown that would let somebody work such a count out.

A table is a set of *cells* (key → count) and *lines*: groups of cells whose sum is shown
as a total (a month's reports of every kind, a kind's reports of every month, all of them).
``protect`` hides every cell under ``SMALL_CELL`` — zero too: "none this month" is a count
under 5 like the others — and then, for each line whose total is shown, checks whether a
reader who knows that total, the cells shown and the bounds of the hidden ones (0–4 for a
small cell, ≥ 5 for one hidden to protect it) could pin a hidden small cell to one value,
or whether a cell is hidden alone in the line (it would be known, and tell its other
lines).  While one could, the smallest cell still shown in that line is hidden as well
(``≥5``), or, when none is left, the line's total is.  Lines are checked again until
nothing changes, so a cell hidden for a month's sake is also checked against its kind's
total.

This is the usual line-by-line (complementary suppression) check, not a full audit of
every combination of lines; tables here are small, with few hidden cells each.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

SMALL_CELL = 5
SMALL = f"<{SMALL_CELL}"    # how a hidden small count reads
LARGE = f"≥{SMALL_CELL}"    # how a count hidden to protect a small one reads


@dataclass
class Protected:
    """What may be shown: each cell's count or None, each line's total or None, and which
    hidden cells were hidden though not small (shown as ``≥5``)."""

    cells: dict[Hashable, int | None]
    totals: list[int | None]
    large: set[Hashable]

    def label(self, key: Hashable) -> int | str:
        """A cell as a page shows it: the count, ``<5`` or ``≥5``."""
        value = self.cells[key]
        if value is not None:
            return value
        return LARGE if key in self.large else SMALL

    def total_label(self, index: int, counts: dict[Hashable, int],
                    line: Sequence[Hashable]) -> int | str:
        total = self.totals[index]
        if total is not None:
            return total
        return SMALL if sum(counts[k] for k in line) < SMALL_CELL else LARGE


def _pinned(counts: dict, hidden: set, line: Sequence, total: int) -> bool:
    """Whether a hidden small cell of ``line`` can be worked out from ``total``, or a cell
    hidden alone in it (which would be known, and so help work one out elsewhere)."""
    rest = total - sum(counts[k] for k in line if k not in hidden)
    secret = [k for k in line if k in hidden]
    if len(secret) == 1:
        # alone, even a cell hidden to protect another is known, and so gives that one away
        # in its other line
        return True
    for key in secret:
        if counts[key] >= SMALL_CELL:
            continue
        others = [k for k in secret if k != key]
        large = sum(1 for k in others if counts[k] >= SMALL_CELL)
        lowest = 0 if large else max(0, rest - (SMALL_CELL - 1) * len(others))
        highest = min(SMALL_CELL - 1, rest - SMALL_CELL * large)
        if lowest >= highest:
            return True
    return False


def protect(counts: dict[Hashable, int], lines: Sequence[Sequence[Hashable]] = ()) -> Protected:
    """``counts`` with the small-cell rule applied; ``lines``: the groups of cells whose
    totals are to be shown (see the module docstring)."""
    hidden = {key for key, n in counts.items() if n < SMALL_CELL}
    large: set[Hashable] = set()
    totals: list[int | None] = []
    for line in lines:
        total = sum(counts[k] for k in line)
        totals.append(total if total >= SMALL_CELL else None)
    changed = True
    while changed:
        changed = False
        for index, line in enumerate(lines):
            total = totals[index]
            if total is None or not _pinned(counts, hidden, line, total):
                continue
            shown = sorted((k for k in line if k not in hidden), key=lambda k: counts[k])
            if shown:
                hidden.add(shown[0])
                large.add(shown[0])
            else:
                totals[index] = None
            changed = True
    cells = {key: None if key in hidden else n for key, n in counts.items()}
    return Protected(cells, totals, large)
