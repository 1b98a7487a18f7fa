"""Phone screens that are the same for a whole group: rendered once, pushed down every phone's stream.

When the facilitator moves the room to a title/instructions screen (welcome,
a kind not built yet, the waiting screen before the start, the end), every
phone of a group and language shows the very same `#stage`. Instead of a
thousand phones fetching it, each process renders it once per (workshop,
stage generation, group, locale) and sends the HTML itself down the live
stream (`event: stage-html`, swapped by the htmx SSE extension's `sse-swap`).
Personal screens (own answers, own cards, forms) keep the name-only `stage`
event and each phone fetches its own.

A shared screen must never carry anything of one person. It is rendered:
- only for kinds whose phone view is built from the template alone
  (`template_only`: no `phone_context`), from a fresh read of the room;
- with a `GroupMember` in place of the participant, which has a group, a
  language and a workshop and nothing else: reading any other attribute
  (nickname, token, id ...) raises, and the screen is not shared;
- inside a neutral request context (no cookie, no session, no user): if the
  render reads the session at all (a CSRF token, the current user, the
  participant), the screen is not shared.
Whatever is not shared is fetched per phone exactly as before, so the worst a
new template can cause is a lost optimisation, never a leak.
"""
from __future__ import annotations

from flask import g
from jinja2_fragments.flask import render_block

from app.i18n import use_locale
from app.participants.stage import room_snapshot, template_only


class PersonalData(Exception):
    """A shared screen tried to read something of one person. Deliberately not an
    AttributeError: Jinja would turn that into an empty value and carry on."""


class GroupMember:
    """What a shared screen may know about a phone: its group and language."""

    __slots__ = ("workshop", "workshop_id", "group_key", "language")

    def __init__(self, workshop, group_key: str, language: str):
        object.__setattr__(self, "workshop", workshop)
        object.__setattr__(self, "workshop_id", workshop.id)
        object.__setattr__(self, "group_key", group_key)
        object.__setattr__(self, "language", language)

    def __getattr__(self, name):
        raise PersonalData(f"a shared phone screen read participant.{name}")

    def __setattr__(self, name, value):
        raise PersonalData(f"a shared phone screen wrote participant.{name}")


def shared_stage(app, workshop_id: int, group_key: str, locale: str) -> str | None:
    """The #stage fragment every phone of this group and locale would fetch now, or None if it is personal."""
    from app.participants.routes import phone_context

    # A neutral request: no cookie, so no session, no user, no participant.
    context = app.test_request_context(f"/p/{workshop_id}", headers={"HX-Request": "true", "HX-Target": "stage"})
    with context:
        # Nobody is logged in here: say so up front, so Flask-Login's context processor
        # need not look into the session for a user.
        g._login_user = app.login_manager.anonymous_user()
        empty_session = context.session
        empty_session.accessed = False  # from here on, any use of `session` (CSRF, user, participant) marks it
        room = room_snapshot(workshop_id)
        if room is None:
            return None
        workshop, activity = room
        if not template_only(activity if workshop.status == "live" else None):
            return None
        use_locale(locale)
        try:
            html = render_block("participants/phone.html", "stage", **phone_context(workshop, GroupMember(workshop, group_key, locale)))
        except PersonalData:
            return None
        if empty_session.accessed:  # a CSRF token, the user, the participant: not the same for everyone
            return None
    return html
