from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from app.i18n import LANGUAGE_CHOICES


class CodeForm(FlaskForm):
    code = StringField(
        _l("Workshop code"),
        description=_l("8 digits, shown on the screen at the front of the room."),
        validators=[DataRequired(message=_l("Type the 8-digit code."))],
    )


class JoinForm(FlaskForm):
    group = RadioField(_l("I am taking part as"), validators=[InputRequired(message=_l("Choose one."))])
    nickname = StringField(
        _l("Nickname (optional)"),
        description=_l("Leave empty to stay anonymous."),
        validators=[Length(max=40, message=_l("At most 40 characters."))],
    )
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
