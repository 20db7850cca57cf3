"""Count imports between the project's apps: module-level and function-local, and those that point up
the dependency order (core → patents, smes → matching → negotiations, subsidies → reports).

    .venv/bin/python benchmarks/imports_between_apps.py [--list]

A function-local import is an ``import`` statement inside a function or method body. Migrations,
tests and benchmarks are not counted.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEVEL = {
    "kawasaki": 0,
    "patents": 1,
    "smes": 1,
    "matching": 2,
    "negotiations": 3,
    "subsidies": 3,
    "reports": 4,
}


def _targets(node: ast.AST, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: same package
            return [package]
        return [(node.module or "").split(".")[0]]
    return []


def scan() -> list[tuple[str, int, str, str, bool]]:
    """Rows (file, line, from_app, to_app, local) for every import of another app."""
    rows = []
    for app in LEVEL:
        base = ROOT / app
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            local_nodes = set()
            for func in ast.walk(tree):
                if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    for inner in ast.walk(func):
                        if isinstance(inner, ast.Import | ast.ImportFrom):
                            local_nodes.add(id(inner))
            for node in ast.walk(tree):
                for target in _targets(node, app):
                    if target in LEVEL and target != app:
                        rows.append(
                            (str(path.relative_to(ROOT)), node.lineno, app, target, id(node) in local_nodes)
                        )
    return rows


def main() -> None:
    rows = scan()
    local = [r for r in rows if r[4]]
    upward = [r for r in rows if LEVEL[r[3]] > LEVEL[r[2]]]
    sideways = [r for r in rows if LEVEL[r[3]] == LEVEL[r[2]]]
    print(f"imports of another app: {len(rows)}")
    print(f"  function-local: {len(local)}")
    print(f"  pointing up the dependency order: {len(upward)}")
    print(f"  sideways (patents <-> smes, negotiations <-> subsidies): {len(sideways)}")
    if "--list" in sys.argv:
        for file, line, src, dst, is_local in sorted(rows):
            flag = "local" if is_local else "module"
            bad = " UP" if LEVEL[dst] > LEVEL[src] else (" SIDEWAYS" if LEVEL[dst] == LEVEL[src] else "")
            print(f"{file}:{line} {src} -> {dst} ({flag}){bad}")


if __name__ == "__main__":
    main()
