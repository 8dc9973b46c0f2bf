"""No module imports another package's private modules or names (STYLE B1).

A module of ``igfaxis.<pkg>`` may import ``igfaxis.<pkg>._mod`` (its own implementation);
from outside ``<pkg>`` only what ``igfaxis.<pkg>`` re-exports in its ``__init__`` is public.
``igfaxis._typing`` and ``igfaxis._version`` are shared by every package. The import-linter
contract "private modules stay inside their package" (pyproject.toml) checks modules; this
test also catches a private *name* imported from a public module.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path
from typing import NamedTuple

PACKAGE = Path(__file__).resolve().parents[1] / "igfaxis"



def _pending() -> frozenset[tuple[str, str]]:
    """``(importer, imported)`` pairs that the import-linter contract "private modules stay
    inside their package" ignores for now (its ``ignore_imports`` in pyproject.toml)."""
    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text("utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (private,) = [c for c in contracts if c["type"] == "private_modules"]
    pairs = (line.split("->") for line in private.get("ignore_imports", ()))
    return frozenset((a.strip(), b.strip()) for a, b in pairs)


class PrivateImport(NamedTuple):
    module: str
    line: int
    name: str
    owner: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.name} (private to {self.owner})"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(tree: ast.AST) -> list[tuple[int, list[str]]]:
    """``(line, dotted names)`` of every absolute import; ``from a.b import c`` gives
    ``a.b`` and ``a.b.c`` (a private name imported from a public module counts too)."""
    found: list[tuple[int, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, [alias.name]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found.append((node.lineno, [node.module, *names]))
    return found


def _private_owner(name: str) -> str | None:
    """The package whose private part ``name`` reaches into (``None``: all public)."""
    parts = name.split(".")
    for k, part in enumerate(parts[1:], start=1):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:k])
    return None


def private_imports(module: str, tree: ast.AST) -> list[PrivateImport]:
    """Imports in ``module`` of a private module (or name) of another package."""
    bad = []
    for line, names in _imported(tree):
        for name in names:
            owner = _private_owner(name) if name.startswith("igfaxis.") else None
            if owner is None or owner == "igfaxis":  # igfaxis._typing, ._version: shared
                continue
            if not (module == owner or module.startswith(owner + ".")):
                bad.append(PrivateImport(module, line, name, owner))
                break  # one report per import statement
    return bad


def test_private_imports_finds_a_violation() -> None:
    tree = ast.parse(
        "from igfaxis.model._math import Sym\n"
        "from igfaxis.model import Params\n"
        "from igfaxis.risk import _caveats\n"
        "import igfaxis._typing\n"
    )
    assert [str(b) for b in private_imports("igfaxis.io.sbml", tree)] == [
        "igfaxis.io.sbml:1 imports igfaxis.model._math (private to igfaxis.model)",
        "igfaxis.io.sbml:3 imports igfaxis.risk._caveats (private to igfaxis.risk)",
    ]
    assert [b.line for b in private_imports("igfaxis.model.drugs.somatropin", tree)] == [3]


def test_no_cross_package_private_imports() -> None:
    bad: list[PrivateImport] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        bad += private_imports(_module_name(path), tree)
    pending = _pending()
    bad = [b for b in bad if (b.module, b.name) not in pending]
    assert not bad, "import the package's public name instead:\n" + "\n".join(map(str, bad))
