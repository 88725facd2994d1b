"""The small-cell rule (hub/common/small_cells.py): no count under 5 is shown, and no total
lets a hidden one be worked out."""
from __future__ import annotations

import pytest

from hub.common.small_cells import LARGE, SMALL, protect


@pytest.mark.parametrize("counts, shown", [
    ({"a": 12, "b": 7}, {"a": 12, "b": 7}),
    ({"a": 3, "b": 10}, {"a": None, "b": None}),   # 13 − 10 = 3: 10 hidden too
    ({"a": 0, "b": 9}, {"a": None, "b": None}),    # zero is a count under 5 as well
    ({"a": 2, "b": 3, "c": 9}, {"a": None, "b": None, "c": 9}),
    ({"a": 4, "b": 4, "c": 0}, {"a": None, "b": None, "c": None}),
])
def test_one_line_with_its_total(counts, shown):
    protected = protect(counts, [list(counts)])
    assert protected.cells == shown


def test_a_total_that_gives_hidden_cells_away_is_hidden():
    protected = protect({"a": 4, "b": 4}, [["a", "b"]])   # 8 = 4 + 4
    assert protected.cells == {"a": None, "b": None}
    assert protected.totals == [None]
    assert protected.total_label(0, {"a": 4, "b": 4}, ["a", "b"]) == LARGE
    small = protect({"a": 1, "b": 2}, [["a", "b"]])
    assert small.totals == [None] and small.label("a") == SMALL


def test_a_table_hides_what_its_rows_and_columns_would_give_away():
    counts = {("m1", "x"): 9, ("m1", "y"): 3, ("m2", "x"): 20, ("m2", "y"): 11}
    rows = [[("m1", "x"), ("m1", "y")], [("m2", "x"), ("m2", "y")]]
    columns = [[("m1", "x"), ("m2", "x")], [("m1", "y"), ("m2", "y")]]
    protected = protect(counts, rows + columns + [list(counts)])
    hidden = {key for key, value in protected.cells.items() if value is None}
    # (m1, y) is small; its row, its column and then the other cells' lines each need a
    # second hidden cell, so no total pins it.
    assert hidden == set(counts)
    assert protected.label(("m1", "y")) == SMALL
    assert protected.label(("m2", "x")) == LARGE
    assert all(total is None or total >= 5 for total in protected.totals)
    for line, total in zip(rows + columns, protected.totals):
        if total is not None:
            assert len([k for k in line if protected.cells[k] is None]) != 1
