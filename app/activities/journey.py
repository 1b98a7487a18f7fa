"""Journey map: registered here so the agenda, recipes and stage control know it.

Its phone, projector and facilitator screens show the activity's title and
instructions; the interactive parts are built in their own issues.
"""
from flask_babel import lazy_gettext as _l

from app.activities import ActivityKind, register

kind = register(ActivityKind(key="journey", label=lambda: _l("Journey map")))
