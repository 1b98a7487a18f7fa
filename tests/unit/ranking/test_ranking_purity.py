"""app.ranking stays pure: no web framework, no database, no test-only libraries."""

from __future__ import annotations

import ast
from pathlib import Path

import app.ranking

PACKAGE = Path(app.ranking.__file__).parent
FORBIDDEN = {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "choix", "votelib",
             "pref_voting", "scipy", "hypothesis", "pytest"}
PUBLIC = [
    "pairwise_counts", "schulze", "ranked_pairs", "borda", "kemeny", "bradley_terry",
    "win_chance", "wilson_lower_bound", "bayesian_average", "group_consensus", "maxdiff_counts",
    "score_dots", "score_approval", "score_rating", "score_pairwise", "score_ranked",
    "score_agree", "next_pair", "Scored", "Ranking",
]


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_imports_only_the_standard_library_and_numpy():
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) >= 8
    for path in files:
        bad = set(imported_modules(path)) & FORBIDDEN
        assert not bad, f"{path.name} imports {bad}"


def test_public_api_is_exported():
    for name in PUBLIC:
        assert callable(getattr(app.ranking, name)), name
        assert name in app.ranking.__all__
