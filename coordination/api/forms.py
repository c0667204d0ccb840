"""The organiser's form for a new API token."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from coordination.forms import FlaskForm, enum_choices

from .models import TokenRole


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("What uses it, e.g. Registration desk tablet."),
    )
    role = SelectField(
        _l("Role"),
        choices=enum_choices(TokenRole),
        default="door",
    )
