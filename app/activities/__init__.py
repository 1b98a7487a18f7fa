"""Activity kinds: each kind is a module (or package) here that registers itself.

A kind says which templates show it on the phone, the projector and the
facilitator's panel, which live events refresh it, and how to build their
context. The core (stage control, phone and projector shells) knows nothing
else about a kind, so later kinds plug in without touching it.
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
    # Called once when an activity of this kind is added to a workshop (after a
    # flush, so it has an id), e.g. to create the journey's phases and lanes.
    on_create: Callable | None = None  # (activity) -> None

    @property
    def phone_template(self) -> str:
        return f"{self.key}/_phone.html"

    @property
    def projector_template(self) -> str:
        return f"{self.key}/_projector.html"

    @property
    def facilitator_template(self) -> str:
        return f"{self.key}/_facilitator.html"


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
