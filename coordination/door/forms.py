"""Door forms and the words every verdict is shown in."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from coordination.events.forms import time_field
from coordination.forms import FlaskForm
from coordination.registration.forms import ParticipantForm

from .models import OfflineUnknownRule, QuorumRule

ROLE_LABELS = {
    "participant": _l("Participant"),
    "speaker": _l("Speaker"),
    "committee": _l("Committee"),
    "guest": _l("Invited guest"),
}

# code -> (tone, what the door reads). Shared by the JSON answer and the page.
VERDICTS = {
    "checked_in": ("ok", _l("Welcome")),
    "already_checked_in": ("warn", _l("Already checked in")),
    "unknown_code": ("error", _l("Unknown code: not a badge of this system.")),
    "wrong_event": ("error", _l("This badge belongs to another event.")),
    "cancelled": ("error", _l("This registration was cancelled.")),
    "waitlisted": ("error", _l("On the waiting list: no confirmed seat.")),
    "revoked_code": ("error", _l("This badge was replaced by a newer one.")),
    "list_closed": ("error", _l("This check-in list is closed at this time.")),
}

LINK_ERRORS = {
    "wrong_pin": _l("That PIN is not right. Ask the organiser for the PIN of this door."),
    "link_ended": _l("This door link no longer works. Ask the organiser for a new one."),
    "link_locked": _l(
        "This door link is locked after too many wrong PINs. Ask the organiser for a new door link."
    ),
    "name_required": _l("Give the door a name, e.g. Pintu Utara."),
    "event_over": _l("This event is over: a door link for it would not work."),
}

LIST_ERRORS = {
    "name_required": _l("Give the list a name, e.g. Sesi 1."),
    "window_reversed": _l("The list must close after it opens."),
    "default_list": _l("The event's main list cannot be removed."),
    "list_in_use": _l("People are checked in on this list; it cannot be removed."),
}

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


class QuorumForm(FlaskForm):
    rule = SelectField(_l("Quorum rule"), choices=QUORUM_RULES)


class OfflineRuleForm(FlaskForm):
    rule = SelectField(
        _l("A code this phone's copy of the list does not know, while offline"),
        choices=[SelectChoice(rule.value, rule.label) for rule in OfflineUnknownRule],
    )
