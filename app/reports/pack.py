"""The outcome pack: gather what a workshop produced, render it as HTML, then as a cached PDF.

Where later features plug in (nothing here needs to change for them):

- An activity kind contributes its own section through `ActivityKind.report_context`
  and `templates/<kind>/_report.html`; its ``summary`` lines go to the one-page
  summary, its ``method`` and ``turnout`` to the appendix (see app/activities).
  Sections come in agenda order.
- Parts that belong to no single activity (the action plan for the top ideas,
  pledged people-power across votes, perception gaps between groups) register a
  `PackPart` with `register_part`: a template under templates/reports/ and a
  ``build(workshop, context) -> dict | None`` that may read the activity
  sections already gathered in ``context["sections"]``. ``where`` is
  "summary" (inside the one-page summary, after the activities' lines),
  "before" or "after" (a part of its own before or after the activity
  sections). Data a part prints must be in the JSON export (a kind's
  ``export_data``) so the cache notices when it changes.

The PDF is cached on disk (instance/pack-cache/) under a hash of the JSON
export, the page size and PACK_VERSION: the same workshop and options give
the same file; any change to the workshop gives a new one. Bump PACK_VERSION
when the templates change in a way that matters.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.activities import ActivityKind, get_kind
from app.extensions import db
from app.models import Activity, Workshop
from app.models.base import utcnow
from app.moderation import counts as moderation_counts
from app.reports import pdf
from app.workshops.people import joined_by_group

PACK_VERSION = "6"
_render_lock = threading.Lock()


@dataclass
class Section:
    activity: Activity
    kind: ActivityKind
    context: dict

    @property
    def template(self) -> str:
        return self.kind.report_template


@dataclass(frozen=True)
class PackPart:
    key: str
    template: str
    build: Callable  # (workshop, context) -> dict | None
    where: str = "after"  # "summary", "before" or "after" the activity sections


_parts: dict[str, PackPart] = {}


def register_part(part: PackPart) -> PackPart:
    if part.where not in ("summary", "before", "after"):
        raise ValueError(f"unknown place for a pack part: {part.where}")
    _parts[part.key] = part
    return part


def sections(workshop: Workshop) -> list[Section]:
    """The activities that have something to report, in agenda order."""
    found = []
    for activity in workshop.activities:
        kind = get_kind(activity.kind)
        if kind.report_context is None:
            continue
        context = kind.report_context(activity)
        if context is not None:
            found.append(Section(activity, kind, context))
    return found


MODERATION_WORDS = {
    "hide": lambda: _("hidden"),
    "unhide": lambda: _("shown again"),
    "edit": lambda: _("edited"),
    "move": lambda: _("moved"),
    "merge": lambda: _("merged"),
    "delete": lambda: _("deleted"),
    "add": lambda: _("added by a facilitator"),
}
TARGET_WORDS = {
    "card": lambda: _("journey cards"),
    "idea": lambda: _("ideas"),
    "phase": lambda: _("journey phases"),
    "lane": lambda: _("journey lanes"),
}


def _moderation_rows(workshop: Workshop) -> list[tuple[str, str, int]]:
    rows = []
    for (target, action), n in sorted(moderation_counts(workshop.id).items()):
        target_word = TARGET_WORDS.get(target, lambda t=target: t)()
        action_word = MODERATION_WORDS.get(action, lambda a=action: a)()
        rows.append((target_word, action_word, n))
    return rows


def pack_context(workshop: Workshop) -> dict:
    """Everything the pack and the read-only results page show. Never a participant's name."""
    joined = joined_by_group(workshop)
    found = sections(workshop)
    context = {
        "workshop": workshop,
        "joined": joined,
        "people": sum(n for _key, _label, n in joined),
        "held_on": workshop.started_at or workshop.created_at,
        "now": utcnow(),
        "sections": found,
        "summary": [(s.activity, s.context["summary"]) for s in found if s.context.get("summary")],
        "methods": _methods(found),
        "turnout": [(s.activity, s.context["turnout"]) for s in found if s.context.get("turnout") is not None],
        "moderation": _moderation_rows(workshop),
        "parts": {"summary": [], "before": [], "after": []},
    }
    for part in _parts.values():
        built = part.build(workshop, context)
        if built is not None:
            context["parts"][part.where].append((part, built))
    return context


def _methods(found: list[Section]) -> list[tuple[str, str]]:
    """One plain-words explanation per distinct method, in the order they were used."""
    seen, methods = set(), []
    for section in found:
        method = section.context.get("method")
        if method and method not in seen:
            seen.add(method)
            methods.append((section.activity.title, method))
    return methods


def pack_html(workshop: Workshop, page_size: str = "A4") -> str:
    """The pack as one HTML document, in the workshop's language."""
    if page_size not in pdf.PAGE_SIZES:
        raise ValueError(f"page size must be one of {pdf.PAGE_SIZES}")
    with force_locale(workshop.language or "en"):
        return render_template("reports/pack.html", page_size=page_size, **pack_context(workshop))


def cache_key(workshop: Workshop, page_size: str) -> str:
    from app.reports.exports import export_workshop

    data = export_workshop(workshop)
    data.pop("exported_at", None)
    blob = json.dumps([PACK_VERSION, page_size, data], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _cache_dir() -> Path:
    path = Path(current_app.instance_path) / "pack-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cached_pdf(workshop: Workshop, page_size: str = "A4") -> Path | None:
    path = _cache_dir() / f"w{workshop.id}-{page_size}-{cache_key(workshop, page_size)}.pdf"
    return path if path.exists() else None


def pack_pdf(workshop: Workshop, page_size: str = "A4", *, use_cache: bool = True) -> bytes:
    """The PDF, from the cache when the workshop has not changed since it was built.

    Closes the database session before rendering: a render takes seconds and
    must not hold a connection (or SQLite's read snapshot) meanwhile.
    Benchmarks: ``use_cache=False`` times the whole build (gather, HTML, child
    process); ``pdf.write_pdf(pack_html(...))`` times WeasyPrint alone.
    """
    workshop_id = workshop.id
    key = cache_key(workshop, page_size)
    path = _cache_dir() / f"w{workshop_id}-{page_size}-{key}.pdf"
    if use_cache and path.exists():
        return path.read_bytes()
    html = pack_html(workshop, page_size)
    db.session.close()
    # One render at a time per process (threading is gevent's under gunicorn): a crowd
    # opening a share link right after a change waits for one build instead of starting many.
    with _render_lock:
        if use_cache and path.exists():
            return path.read_bytes()
        rendered = pdf.render_pdf(
            html,
            timeout=current_app.config.get("TANDEM_PDF_TIMEOUT", 120),
            memory_mb=current_app.config.get("TANDEM_PDF_MEMORY_MB", 2048),
        )
        _store(path, workshop_id, page_size, rendered.pdf)
    return rendered.pdf


def _store(path: Path, workshop_id: int, page_size: str, data: bytes) -> None:
    for old in _cache_dir().glob(f"w{workshop_id}-{page_size}-*.pdf"):
        old.unlink(missing_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)  # atomic: another worker never reads half a file


def forget(workshop_id: int) -> None:
    """Drop a workshop's cached packs (it was deleted)."""
    for old in _cache_dir().glob(f"w{workshop_id}-*.pdf"):
        old.unlink(missing_ok=True)
