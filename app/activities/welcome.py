"""Welcome: people join; the projector shows the code, the QR and who is here."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.activities import ActivityKind, register
from app.workshops.people import joined_by_group


def report_context(activity) -> dict:
    """Who took part, per group: counts only, never names."""
    joined = joined_by_group(activity.workshop)
    total = sum(n for _key, _label, n in joined)
    parts = ", ".join(f"{label}: {n}" for _key, label, n in joined)
    return {
        "joined": joined,
        "total": total,
        "summary": [ngettext("%(num)d person took part (%(groups)s).", "%(num)d people took part (%(groups)s).",
                             total, groups=parts)],
        "method": _("People joined on their own phones with a code or a QR code, chose the group that describes "
                    "them best and could add a nickname. Nobody gave a name, an e-mail or a phone number."),
        "turnout": {key: n for key, _label, n in joined},
    }


def csv_tables(activity) -> dict:
    return {"people": (["group", "label", "people"], [list(row) for row in joined_by_group(activity.workshop)])}


kind = register(ActivityKind(
    key="welcome",
    label=lambda: _l("Welcome"),
    projector_events=frozenset({"people"}),
    report_context=report_context,
    csv_tables=csv_tables,
))
