"""The apps depend one way: comments on articles, never articles on comments."""

from __future__ import annotations

import ast
from pathlib import Path

ARTICLES = Path(__file__).resolve().parents[2] / "articles"


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_articles_app_never_imports_the_comments_app():
    offending = {
        str(path.relative_to(ARTICLES.parent)): sorted(
            name
            for name in _imported(path)
            if name == "comments" or name.startswith("comments.")
        )
        for path in ARTICLES.rglob("*.py")
    }
    assert {path: names for path, names in offending.items() if names} == {}
