"""The organiser's form for a new API token."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from coordination.forms import FlaskForm

ROLE_LABELS = {
    "organiser": _l("Organiser: everything, including phone numbers and documents"),
    "door": _l("Door: check people in, and read what the door page shows"),
}


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("What uses it, e.g. Registration desk tablet."),
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()],
        default="door",
    )
