from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.models.journey import CARD_MAX


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CardForm(FlaskForm):
    """A participant's new card: where it goes on the map and what it says (checked in map.add_card)."""

    phase = SelectField(_l("Step of the journey"), coerce=_int_or_none, validate_choice=False)
    lane = SelectField(_l("Lane"), coerce=_int_or_none, validate_choice=False)
    text = TextAreaField(_l("Your card"), description=_l("Up to %(n)s characters.", n=CARD_MAX))

    def set_choices(self, phases, lanes) -> "CardForm":
        self.phase.choices = [SelectChoice(p.id, p.name) for p in phases]
        self.lane.choices = [SelectChoice(lane.id, lane.name) for lane in lanes]
        return self
