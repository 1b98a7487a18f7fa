from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from app.i18n import LANGUAGE_CHOICES


class NewWorkshopForm(FlaskForm):
    recipe = SelectField(_l("Start from recipe"), validators=[DataRequired()])
    title = StringField(_l("Title (optional: the recipe's name otherwise)"), validators=[Length(max=200)])


class WorkshopForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    challenge = TextAreaField(
        _l("Challenge question"),
        description=_l("Start with “How might we …”. The room sees it on every screen."),
        validators=[Length(max=500)],
    )
    organisation = StringField(_l("Organiser"), validators=[Length(max=200)])
    place = StringField(_l("Place"), validators=[Length(max=200)])
    language = SelectField(_l("Language of the projector"), choices=LANGUAGE_CHOICES)


class ActivityForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    instructions = TextAreaField(_l("Instructions (read aloud, shown on phones)"), validators=[Length(max=4000)])
    minutes = IntegerField(_l("Minutes"), validators=[NumberRange(min=0, max=600)], default=0)


class AddActivityForm(FlaskForm):
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
