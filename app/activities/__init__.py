"""Activity kinds: each kind is a module (or package) here that registers itself.

A kind says which templates show it on the phone, the projector and the
facilitator's panel, which live events refresh it, and how to build their
context. The core (stage control, phone and projector shells) knows nothing
else about a kind, so later kinds plug in without touching it.

Outcome pack and exports (app/reports): four optional hooks, all None by default.

``report_context(activity) -> dict | None``
    The activity's section of the PDF pack and of the read-only results page,
    rendered with ``templates/<kind>/_report.html`` (variables: ``activity``,
    ``workshop``, ``section`` = this dict). None leaves the activity out. Keys
    the pack itself reads, all optional:
    ``summary``: list of short plain strings for the one-page summary;
    ``method``: a plain-words explanation of how the activity works (appendix);
    ``turnout``: {group key: people who took part} (appendix).
    Headings inside ``_report.html`` start at ``h3`` (the pack uses h1 and h2),
    charts are inline SVG (``reports/_charts.html``; its ``<title>`` becomes the
    PDF's alt text), and every piece of user text goes through autoescaping.
    Hidden (moderated) items stay out of the section, the summary and the CSV;
    the JSON export keeps them, marked hidden, so a restore is faithful.
``export_data(activity, ids) -> dict``
    JSON-safe data of the activity for the workshop export. Participants are
    referred to by the export's anonymous numbers: ``ids["participant"][db id]``
    (``ids["activity"]`` likewise; a kind may add its own tables). Whatever it returns is also
    part of the pack's cache key, so a kind must export everything its section shows.
``import_data(activity, data, ids) -> None``
    Restore ``data`` into the new ``activity`` (already flushed).
    ``ids`` maps export numbers to new database ids per table:
    ``ids["participant"][n]``, ``ids["activity"][n]``; a kind adds its own
    tables (e.g. ``ids["idea"]``) so later activities in the agenda (a vote
    after the ideas) can find them. Activities import in agenda order.
``csv_tables(activity) -> dict[str, tuple[list[str], list[list]]]``
    Tables for the CSV export, name -> (header, rows). Values are str, int or
    float (floats are written with the workshop language's decimal mark).

Live phones (app/participants/shared.py): two optional hooks, both or neither.

``blank_phone_context(activity) -> dict``
    The kind's phone context for someone who has nothing of their own in the
    activity yet (no card, no answer): the same screen for a whole group, so
    when the room moves here it is rendered once and pushed down every such
    phone's stream instead of a thousand phones each fetching it. It must not
    read the participant (there is none) or the session.
``phone_holders(activity) -> set[int]``
    The ids of the participants who do have something of their own here: their
    phones get the name-only ``stage`` event and fetch their own screen.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

from flask import Blueprint

from app.activities.kinds import KINDS


def _no_context(*_args) -> dict:
    return {}


@dataclass(frozen=True)
class ActivityKind:
    key: str
    label: Callable[[], str]  # lazy: translated when shown
    projector_events: frozenset[str] = frozenset()
    phone_events: frozenset[str] = frozenset()
    blueprint: Blueprint | None = None
    phone_context: Callable = _no_context  # (activity, participant) -> dict
    projector_context: Callable = _no_context  # (activity) -> dict
    facilitator_context: Callable = _no_context  # (activity) -> dict
    default_config: dict = field(default_factory=dict)
    # Outcome pack and exports (see the module docstring); None = nothing to add.
    report_context: Callable | None = None  # (activity) -> dict | None
    export_data: Callable | None = None  # (activity, ids) -> dict
    import_data: Callable | None = None  # (activity, data, ids) -> None
    csv_tables: Callable | None = None  # (activity) -> {name: (header, rows)}
    # Called once when an activity of this kind is added to a workshop (after a
    # flush, so it has an id), e.g. to create the journey's phases and lanes.
    on_create: Callable | None = None  # (activity) -> None
    # Live phones: the screen of someone with nothing of their own here yet, and who has something.
    blank_phone_context: Callable | None = None  # (activity) -> dict
    phone_holders: Callable | None = None  # (activity) -> set[int]

    @property
    def phone_template(self) -> str:
        return f"{self.key}/_phone.html"

    @property
    def projector_template(self) -> str:
        return f"{self.key}/_projector.html"

    @property
    def facilitator_template(self) -> str:
        return f"{self.key}/_facilitator.html"

    @property
    def report_template(self) -> str:
        return f"{self.key}/_report.html"


_registry: dict[str, ActivityKind] = {}


def register(kind: ActivityKind) -> ActivityKind:
    _registry[kind.key] = kind
    return kind


def get_kind(key: str) -> ActivityKind:
    return _registry[key]


def created(activity) -> None:
    """Let the activity's kind set up what it needs for a new activity."""
    hook = get_kind(activity.kind).on_create
    if hook is not None:
        hook(activity)


def all_kinds() -> list[ActivityKind]:
    return [_registry[key] for key in KINDS]


def init_app(app) -> None:
    for key in KINDS:
        importlib.import_module(f"app.activities.{key}")
    missing = set(KINDS) - set(_registry)
    if missing:
        raise RuntimeError(f"activity kinds without a module: {sorted(missing)}")
    for kind in all_kinds():
        if kind.blueprint is not None and kind.blueprint.name not in app.blueprints:
            app.register_blueprint(kind.blueprint)
