"""Every message the app shows has a Hungarian translation."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _source_messages() -> set[str]:
    found = set()
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, options_map=options, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_message_has_a_hungarian_translation():
    with open(ROOT / "app/translations/hu/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    missing = []
    for text in sorted(_source_messages()):
        entry = catalog.get(text)
        translated = entry is not None and entry.string and all(entry.string) if isinstance(
            getattr(entry, "string", None), tuple) else entry is not None and bool(entry.string)
        if not translated or (entry is not None and entry.fuzzy):
            missing.append(text)
    assert not missing, f"{len(missing)} messages lack Hungarian (run `make messages`, then translate): {missing[:10]}"


def test_placeholders_survive_translation():
    with open(ROOT / "app/translations/hu/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    import re

    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[0]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", string)) == wanted, entry.id
