"""Recipes load, validate, and point at the line of a problem."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.recipes import RecipeError, load_recipes, parse_recipe

WORKSHOPS = Path(__file__).resolve().parents[2] / "workshops"

GOOD = """
name = "Test"
summary = "A test recipe"
[[groups]]
key = "resident"
label = "Resident"
[[agenda]]
kind = "welcome"
title = "Hello"
"""


def test_shipped_recipes_are_valid_and_real():
    recipes = load_recipes(WORKSHOPS)
    assert len(recipes) >= 3
    for recipe in recipes.values():
        assert recipe.agenda[0]["kind"] == "welcome"
        assert len(recipe.groups) >= 2
        assert all(len(item["instructions"]) > 60 for item in recipe.agenda), recipe.key
        assert recipe.defaults["journey"]["phases"]


def test_a_minimal_recipe_parses():
    recipe = parse_recipe(GOOD, "test.toml")
    assert recipe.key == "test" and recipe.groups == [{"key": "resident", "label": "Resident"}]


def test_toml_syntax_error_names_file_and_line():
    with pytest.raises(RecipeError) as caught:
        parse_recipe(GOOD + "\nthis is = = broken\n", "bad.toml")
    assert caught.value.path == "bad.toml" and caught.value.line == 11


@pytest.mark.parametrize(
    "change, problem, line",
    [
        (lambda t: t.replace('kind = "welcome"', 'kind = "karaoke"'), "kind 'karaoke' is not one of", 8),
        (lambda t: t.replace('key = "resident"', 'key = "Resident!"'), "must be lower-case", 4),
        (lambda t: t.replace('name = "Test"', 'name = ""'), "'name' must be a non-empty text", 2),
        (lambda t: t + 'minutes = -5\n', "'minutes' must be a whole number", 7),
        (lambda t: t.replace('kind = "welcome"', 'kind = "vote"\nconfig = { method = "lottery" }'), "vote method 'lottery'", 7),
        (lambda t: t + '[journey]\nphases = "Only one"\n', "[journey] phases must be a list", 11),
    ],
)
def test_problems_are_named_with_their_line(change, problem, line):
    with pytest.raises(RecipeError) as caught:
        parse_recipe(change(GOOD), "r.toml")
    assert problem in caught.value.problem
    assert caught.value.line == line
    assert str(caught.value).startswith(f"r.toml:{line}: ")


def test_recipes_check_command(runner):
    result = runner.invoke(args=["recipes", "check"])
    assert result.exit_code == 0 and result.output.count("ok ") >= 3


def test_recipes_check_fails_on_a_bad_file(runner, tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text(GOOD.replace('kind = "welcome"', 'kind = "nope"'))
    result = runner.invoke(args=["recipes", "check", str(bad)])
    assert result.exit_code != 0 and "broken.toml:8" in result.output
