"""Self check-in forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from coordination.forms import FlaskForm
from coordination.registration.forms import ParticipantForm

from .models import MAX_BODY_CHARS


class PhoneCheckinForm(FlaskForm):
    """A participant without their personal link on this phone says who they are."""

    phone = StringField(
        _l("Mobile number"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    confirmation = StringField(
        _l("The last 4 characters of your check-in code"),
        description=_l("Shown on your personal page, under your QR code."),
        validators=[DataRequired(), Length(max=16)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class SignatureForm(FlaskForm):
    # The pad's strokes as JSON; capped here and again, before parsing, by the service.
    strokes = HiddenField(validators=[DataRequired(), Length(max=MAX_BODY_CHARS)])


class SelfCheckinSettingsForm(FlaskForm):
    self_checkin = BooleanField(_l("Self check-in (check-in mandiri) from the hall QR"))
    self_walk_in = BooleanField(_l("Allow registration on the spot"))


class SignatureSettingForm(FlaskForm):
    signature_required = BooleanField(_l("Ask for a digital signature at check-in"))


class SpotRegistrationForm(ParticipantForm):
    """Someone not registered, on a list that allows registration on the spot."""
