"""Recipes: TOML files in workshops/ that a facilitator starts a workshop from.

`load_recipes(folder)` reads and validates every recipe; a problem raises
RecipeError naming the file, the line where it can be found, and what is wrong.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from app.activities.kinds import KINDS, VOTE_METHODS

LANGUAGES = ("en", "hu")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


class RecipeError(ValueError):
    def __init__(self, path: Path | str, problem: str, line: int | None = None):
        self.path = str(path)
        self.problem = problem
        self.line = line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Recipe:
    key: str
    name: str
    summary: str
    language: str
    groups: list[dict]
    agenda: list[dict]
    defaults: dict = field(default_factory=dict)

    def workshop_settings(self) -> dict:
        """What a workshop copies from its recipe when it is created."""
        return {"recipe_name": self.name, "groups": [dict(g) for g in self.groups], **self.defaults}

    def activity_config(self, item: dict) -> dict:
        """The settings an agenda item starts with: the recipe's defaults for its kind, then its own."""
        kind_defaults = self.defaults.get(item["kind"], {})
        return {**kind_defaults, **item.get("config", {})}


def _line_of(text: str, pattern: str, nth: int = 0) -> int | None:
    """The 1-based line of the nth match of a regex, to point a facilitator at the problem."""
    matches = [m for m in re.finditer(pattern, text, re.MULTILINE)]
    if nth < len(matches):
        return text.count("\n", 0, matches[nth].start()) + 1
    return None


def _require_text(table: dict, key: str, where: str, path: Path, line: int | None, limit: int = 2000) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RecipeError(path, f"{where}: '{key}' must be a non-empty text", line)
    if len(value) > limit:
        raise RecipeError(path, f"{where}: '{key}' is longer than {limit} characters", line)
    return value.strip()


def parse_recipe(text: str, path: Path | str) -> Recipe:
    path = Path(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        match = re.search(r"line (\d+)", str(error))
        if line is None and match:
            line = int(match.group(1))
        raise RecipeError(path, f"not valid TOML ({error})", line) from None

    name = _require_text(data, "name", "recipe", path, _line_of(text, r"^[ \t]*name\s*=") or 1, 200)
    summary = _require_text(data, "summary", "recipe", path, _line_of(text, r"^[ \t]*summary\s*=") or 1)
    language = data.get("language", "en")
    if language not in LANGUAGES:
        raise RecipeError(
            path, f"language '{language}' is not one of {', '.join(LANGUAGES)}", _line_of(text, r"^[ \t]*language\s*=")
        )

    groups = data.get("groups")
    if not isinstance(groups, list) or not groups:
        raise RecipeError(path, "at least one [[groups]] entry is needed (e.g. resident, staff)", None)
    seen_groups = set()
    for index, group in enumerate(groups):
        line = _line_of(text, r"^[ \t]*\[\[groups\]\]", index)
        key = group.get("key")
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            raise RecipeError(path, f"group {index + 1}: 'key' must be lower-case letters, digits, - or _", line)
        if key in seen_groups:
            raise RecipeError(path, f"group {index + 1}: key '{key}' is used twice", line)
        seen_groups.add(key)
        _require_text(group, "label", f"group '{key}'", path, line, 60)

    agenda = data.get("agenda")
    if not isinstance(agenda, list) or not agenda:
        raise RecipeError(path, "the recipe needs an agenda: one or more [[agenda]] entries", None)
    for index, item in enumerate(agenda):
        line = _line_of(text, r"^[ \t]*\[\[agenda\]\]", index)
        kind = item.get("kind")
        if kind not in KINDS:
            raise RecipeError(
                path, f"agenda item {index + 1}: kind '{kind}' is not one of {', '.join(KINDS)}",
                _line_of(text, rf"^[ \t]*kind\s*=\s*[\"']{re.escape(str(kind))}[\"']") or line,
            )
        _require_text(item, "title", f"agenda item {index + 1}", path, line, 200)
        instructions = item.get("instructions", "")
        if not isinstance(instructions, str) or len(instructions) > 4000:
            raise RecipeError(path, f"agenda item {index + 1}: 'instructions' must be text under 4000 characters", line)
        minutes = item.get("minutes", 0)
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 <= minutes <= 600:
            raise RecipeError(path, f"agenda item {index + 1}: 'minutes' must be a whole number from 0 to 600", line)
        if not isinstance(item.get("config", {}), dict):
            raise RecipeError(path, f"agenda item {index + 1}: 'config' must be a table", line)
        method = {**data.get("vote", {}), **item.get("config", {})}.get("method")
        if kind == "vote" and method not in VOTE_METHODS:
            raise RecipeError(
                path, f"agenda item {index + 1}: vote method '{method}' is not one of {', '.join(VOTE_METHODS)}", line
            )

    defaults = {}
    for section in ("journey", "ideas", "vote", "results", "pledge", "reflect", "welcome"):
        value = data.get(section, {})
        if not isinstance(value, dict):
            raise RecipeError(path, f"[{section}] must be a table", _line_of(text, rf"^[ \t]*{section}\s*="))
        if value:
            defaults[section] = value
    journey = defaults.get("journey", {})
    for part in ("phases", "lanes"):
        names = journey.get(part, [])
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise RecipeError(path, f"[journey] {part} must be a list of names", _line_of(text, rf"^[ \t]*{part}\s*="))

    return Recipe(
        key=path.stem,
        name=name,
        summary=summary,
        language=language,
        groups=[{"key": g["key"], "label": g["label"].strip()} for g in groups],
        agenda=[
            {
                "kind": item["kind"],
                "title": item["title"].strip(),
                "instructions": item.get("instructions", "").strip(),
                "minutes": item.get("minutes", 0),
                "config": dict(item.get("config", {})),
            }
            for item in agenda
        ],
        defaults=defaults,
    )


def load_recipe(path: Path | str) -> Recipe:
    path = Path(path)
    return parse_recipe(path.read_text(encoding="utf-8"), path)


def load_recipes(folder: Path | str) -> dict[str, Recipe]:
    """Every *.toml recipe in folder, by key (the file name without .toml), validated."""
    recipes = {}
    for path in sorted(Path(folder).glob("*.toml")):
        recipe = load_recipe(path)
        recipes[recipe.key] = recipe
    return recipes
