"""Door forms and the words every verdict is shown in."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from coordination.events.forms import time_field
from coordination.forms import FlaskForm
from coordination.registration.forms import ParticipantForm

from .models import OfflineUnknownRule, QuorumRule

QUORUM_RULES = [
    SelectChoice(QuorumRule.NONE.value, _l("No quorum")),
    SelectChoice(
        QuorumRule.INVITED_ORGANISATIONS.value, _l("Half plus one of invited organisations")
    ),
    SelectChoice(QuorumRule.INVITED_PEOPLE.value, _l("Half plus one of invited people")),
    SelectChoice(QuorumRule.REGISTERED.value, _l("Half plus one of registered participants")),
]


class PinForm(FlaskForm):
    pin = StringField(
        _l("PIN"),
        validators=[DataRequired(), Length(max=12)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )


class CodeForm(FlaskForm):
    """What a hardware scanner types, or a person types from a badge."""

    code = StringField(_l("Badge code"), validators=[DataRequired(), Length(max=64)])


class DoorSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name, organisation or mobile"), validators=[Optional(), Length(max=100)])


class RepresentativeForm(FlaskForm):
    representative = StringField(
        _l("Represented by (name)"), validators=[Optional(), Length(max=120)]
    )


class WalkInForm(ParticipantForm):
    representative = StringField(
        _l("Represented by (name)"), validators=[Optional(), Length(max=120)]
    )


class DoorLinkForm(FlaskForm):
    name = StringField(
        _l("Door name"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("For example Pintu Utara."),
    )


class CheckinListForm(FlaskForm):
    name = StringField(_l("List name"), validators=[DataRequired(), Length(max=80)])
    opens_at = time_field(_l("Opens"), required=False)
    closes_at = time_field(_l("Closes"), required=False)


class PaperSheetForm(FlaskForm):
    signed_at = time_field(_l("Time the sheet stands for"), required=False)


class WhatsappForm(FlaskForm):
    """A volunteer's mobile number, to send them their door link by WhatsApp."""

    phone = StringField(
        _l("Volunteer's mobile number"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )


class QuorumForm(FlaskForm):
    rule = SelectField(_l("Quorum rule"), choices=QUORUM_RULES)
    counts_online = BooleanField(_l("Participants present online count towards the quorum"))


class OfflineRuleForm(FlaskForm):
    rule = SelectField(
        _l("A code this phone's copy of the list does not know, while offline"),
        choices=[SelectChoice(rule.value, rule.label) for rule in OfflineUnknownRule],
    )
