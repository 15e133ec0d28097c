"""`make lint`'s size check: no module over MODULE_LINES lines and no function over
FUNCTION_LINES lines, outside migrations and tests, unless the function's docstring says why
("Long because …"). A module that grows past the limit is doing two jobs: split it by job (see
README "Where things go") rather than raising the limit.

    python tools/check_layout.py            # the whole project
    python tools/check_layout.py newsletter # one folder
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

MODULE_LINES = 400
FUNCTION_LINES = 60
REASON = "Long because"
ROOT = Path(__file__).resolve().parent.parent
SKIPPED_PARTS = {".venv", "var", "migrations", "tests", "node_modules", "build", "dist"}


def python_files(folders: list[Path]) -> Iterator[Path]:
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(ROOT).parts
            if not SKIPPED_PARTS.intersection(relative) and not relative[0].startswith("."):
                yield path


def problems_in(path: Path) -> Iterator[str]:
    source = path.read_text(encoding="utf-8")
    name = path.relative_to(ROOT)
    lines = len(source.splitlines())
    if lines > MODULE_LINES:
        yield f"{name}: {lines} lines (limit {MODULE_LINES}): split it by job"
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        length = node.end_lineno - node.lineno + 1
        docstring = ast.get_docstring(node) or ""
        if length > FUNCTION_LINES and REASON not in docstring:
            yield (
                f"{name}:{node.lineno} {node.name}() is {length} lines (limit {FUNCTION_LINES}):"
                f' split it, or say "{REASON} …" in its docstring'
            )


def main(argv: list[str]) -> int:
    folders = [ROOT / folder for folder in argv] or [ROOT]
    problems = [problem for path in python_files(folders) for problem in problems_in(path)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} layout problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
