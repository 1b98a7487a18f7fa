"""Journey map: phases and lanes, cards from the phones, how each phase feels, per group.

`map` holds the domain functions (and `journey_map`, the plain data the
projector and the outcome pack read); `routes` the phone and facilitator
endpoints; `chart` the emotion curve's geometry.
"""
from flask_babel import lazy_gettext as _l

from app.activities import ActivityKind, register
from app.activities.journey import map as journey
from app.activities.journey.map import journey_map
from app.activities.journey import report
from app.activities.journey.routes import (
    blank_phone_context, bp, facilitator_context, phone_context, projector_context,
)

kind = register(
    ActivityKind(
        key="journey",
        label=lambda: _l("Journey map"),
        projector_events=frozenset({"cards"}),
        phone_events=frozenset({"stage"}),
        blueprint=bp,
        phone_context=phone_context,
        projector_context=projector_context,
        facilitator_context=facilitator_context,
        on_create=journey.ensure_structure,
        report_context=report.report_context,
        export_data=report.export_data,
        import_data=report.import_data,
        csv_tables=report.csv_tables,
        blank_phone_context=blank_phone_context,
        phone_holders=journey.holders,
    )
)

__all__ = ["journey_map", "kind"]
