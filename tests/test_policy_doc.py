"""docs/policy.md, the table of the written policies' rules: every test it names exists, and
every rule says how it stands (done, partly, left out with the reason, in progress)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "docs" / "policy.md"
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
STATUSES = ("done", "partly", "left out", "in progress")


def rule_rows() -> list[list[str]]:
    """The rows of the rule tables (five columns: §, clause, feature, test, status)."""
    rows = []
    for line in POLICY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 5 and cells[0] not in ("§", "---"):
            rows.append(cells)
    return rows


def test_every_test_the_table_names_exists():
    """Done-when of issue 15: "A table in docs/policy.md: every concrete rule of the seed,
    the feature and the test that carries it — or why it is left out"."""
    refs = TEST_REF.findall(POLICY.read_text(encoding="utf-8"))
    assert len(refs) > 40
    missing = []
    for path, name in set(refs):
        source = ROOT / path
        defined = source.exists() and any(
            isinstance(node, ast.FunctionDef) and node.name == name
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))))
        if not defined:
            missing.append(f"{path}::{name}")
    assert not missing, sorted(missing)


def test_every_rule_says_how_it_stands():
    """Done-when of issue 15: "…the feature and the test that carries it — or why it is left
    out"."""
    rows = rule_rows()
    assert len(rows) > 50
    for section, clause, feature, test, status in rows:
        assert status.startswith(STATUSES), (section, clause, status)
        if status.startswith("done"):
            assert TEST_REF.search(test), (section, clause)
        if status.startswith("left out"):
            assert len(status) > len("left out: ") + 5, (section, clause)
