"""Welcome: people join; the projector shows the code, the QR and who is here."""
from flask_babel import lazy_gettext as _l

from app.activities import ActivityKind, register

kind = register(ActivityKind(key="welcome", label=lambda: _l("Welcome"), projector_events=frozenset({"people"})))
