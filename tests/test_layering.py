"""The layers the access rules lean on import nothing above them: ``hub.org`` never
imports sign-in (``hub.auth``), ``hub.common`` never imports a feature's notifications.
The features connect to them through hooks registered in ``create_app``."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

HUB = Path(__file__).resolve().parent.parent / "hub"

FORBIDDEN = {
    "org": ("hub.auth",),
    "common": ("hub.notifications",),
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, at any depth (function-level imports included),
    relative imports resolved against the file's package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(HUB.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([module] if module else []))
            found.append((node.lineno, module))
            # ``from hub import auth`` imports hub.auth too
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def violations(layer: str) -> list[str]:
    bad = []
    for path in sorted((HUB / layer).rglob("*.py")):
        for line, module in imported_modules(path):
            for prefix in FORBIDDEN[layer]:
                if module == prefix or module.startswith(prefix + "."):
                    bad.append(f"{path.relative_to(HUB.parent)}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_above_it(layer):
    assert violations(layer) == []


def test_the_walk_sees_every_form_of_import(tmp_path, monkeypatch):
    """The check itself catches plain, from-, relative and function-level imports."""
    fake_hub = tmp_path / "hub"
    (fake_hub / "org").mkdir(parents=True)
    (fake_hub / "common").mkdir()
    (fake_hub / "org" / "a.py").write_text("import hub.auth.services\n")
    (fake_hub / "org" / "b.py").write_text("def f():\n    from hub.auth import services\n")
    (fake_hub / "org" / "c.py").write_text("from ..auth.services import revoke\n")
    (fake_hub / "org" / "d.py").write_text("from hub import auth\n")
    (fake_hub / "org" / "e.py").write_text("from hub.authority import x\nimport hub.org\n")
    (fake_hub / "common" / "f.py").write_text("from hub.notifications.sender import x\n")
    monkeypatch.setattr(sys.modules[__name__], "HUB", fake_hub)
    flagged = {v.split(":")[0].rsplit("/", 1)[-1] for v in violations("org")}
    assert flagged == {"a.py", "b.py", "c.py", "d.py"}
    assert {v.split(":")[0].rsplit("/", 1)[-1] for v in violations("common")} == {"f.py"}
