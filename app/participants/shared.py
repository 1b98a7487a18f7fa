"""Phone screens that are the same for a whole group: rendered once, pushed down every phone's stream.

When the facilitator moves the room to a title/instructions screen (welcome,
a kind not built yet, the waiting screen before the start, the end), every
phone of a group and language shows the very same `#stage`. Instead of a
thousand phones fetching it, each process renders it once per (workshop,
stage generation, group, locale) and sends the HTML itself down the live
stream (`event: stage-html`, swapped by the htmx SSE extension's `sse-swap`).

A personal screen (own cards, own answers) is shared too while it is still
blank: a kind with `blank_phone_context` and `phone_holders` (e.g. the
journey map) has its screen for someone with nothing of their own in the
activity rendered the same way, once; the phones of people who do have
something there (`stage_holders`, read once per process and move, before
any render) get the name-only `stage` event at once and fetch their own
screen. So the room's first arrival at a journey map is one render per
group, and a return to it costs a fetch only for those who wrote something.

A shared screen must never carry anything of one person. It is rendered:
- only for kinds whose phone view is built from the template alone
  (`template_only`: no `phone_context`) or from `blank_phone_context`, from a
  fresh read of the room;
- with a `GroupMember` in place of the participant, which has a group, a
  language and a workshop and nothing else: reading any other attribute
  (nickname, token, id ...) raises, and the screen is not shared;
- inside a neutral request context (no cookie, no session, no user): if the
  render reads the session at all (a CSRF token, the current user, the
  participant), the screen is not shared. Forms write their hidden CSRF
  input with `csrf_field()`, which leaves it out here: the screen arrives
  only through htmx, which sends each phone's own token as a header.
Whatever is not shared is fetched per phone exactly as before, so the worst a
new template can cause is a lost optimisation, never a leak.
"""
from __future__ import annotations

from flask import g
from jinja2_fragments.flask import render_block

from app.activities import get_kind
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


def _shareable_stage(workshop_id: int):
    """(workshop, current activity or None, blank) when the room's stage can be shared, else None.

    `blank`: the kind has personal context and is shared through its blank screen
    (`blank_phone_context`, with `phone_holders` saying who fetches their own instead).
    """
    room = room_snapshot(workshop_id)
    if room is None:
        return None
    workshop, activity = room
    current = activity if workshop.status == "live" else None
    if template_only(current):
        return workshop, current, False
    kind = get_kind(current.kind)
    if kind.blank_phone_context is None or kind.phone_holders is None:
        return None
    return workshop, current, True


def stage_holders(app, workshop_id: int) -> frozenset[int] | None:
    """Whose phone screen of the room's current stage is their own (they fetch it), or None when
    nobody's is shared (a kind with personal context and no blank screen)."""
    with app.app_context():
        stage = _shareable_stage(workshop_id)
        if stage is None:
            return None
        _workshop, current, blank = stage
        return frozenset(get_kind(current.kind).phone_holders(current)) if blank else frozenset()


def shared_stage(app, workshop_id: int, group_key: str, locale: str) -> str | None:
    """The #stage fragment every phone of this group and locale with nothing of its own here would fetch now, or None."""
    from app.participants.routes import phone_context

    # A neutral request: no cookie, so no session, no user, no participant.
    context = app.test_request_context(f"/p/{workshop_id}", headers={"HX-Request": "true", "HX-Target": "stage"})
    with context:
        # Nobody is logged in here: say so up front, so Flask-Login's context processor
        # need not look into the session for a user.
        g._login_user = app.login_manager.anonymous_user()
        g.shared_screen = True
        empty_session = context.session
        empty_session.accessed = False  # from here on, any use of `session` (CSRF, user, participant) marks it
        try:
            stage = _shareable_stage(workshop_id)
            if stage is None:
                return None
            workshop, _current, blank = stage
            use_locale(locale)
            try:
                html = render_block("participants/phone.html", "stage",
                                    **phone_context(workshop, GroupMember(workshop, group_key, locale), blank=blank))
            except PersonalData:
                return None
            if empty_session.accessed:  # a CSRF token, the user, the participant: not the same for everyone
                return None
        finally:
            g.pop("shared_screen", None)  # g may outlive this request (an app context around it)
    return html
