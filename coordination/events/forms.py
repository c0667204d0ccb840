"""Event forms: times are typed in the event's own zone and stored in UTC."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from coordination.config import TIME_ZONES
from coordination.errors import DomainError
from coordination.forms import FlaskForm, Form, enum_choices
from coordination.i18n import local_time

from . import online
from .messages import ERROR_MESSAGES
from .models import EventRole, MeetingMode
from .services import SLUG_MAX, AgendaItemData, EventData, SpeakerData

TIME_FORMAT = "%Y-%m-%dT%H:%M"

TIME_ZONE_CHOICES = [
    SelectChoice("Asia/Jakarta", _l("WIB (Western Indonesia, Asia/Jakarta)")),
    SelectChoice("Asia/Makassar", _l("WITA (Central Indonesia, Asia/Makassar)")),
    SelectChoice("Asia/Jayapura", _l("WIT (Eastern Indonesia, Asia/Jayapura)")),
]
assert [c.value for c in TIME_ZONE_CHOICES] == list(TIME_ZONES)


def aware_in_zone(value: datetime | None, tz_name: str) -> datetime | None:
    return None if value is None else value.replace(tzinfo=ZoneInfo(tz_name))


def local_in_zone(value: datetime | None, tz_name: str) -> datetime | None:
    return None if value is None else local_time(value, tz_name).replace(tzinfo=None)


def time_field(label, required: bool = True, description: str = ""):
    validators = [InputRequired()] if required else [Optional()]
    return DateTimeLocalField(
        label, format=TIME_FORMAT, validators=validators, description=description
    )


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Web address (slug)"),
        validators=[Optional(), Length(max=SLUG_MAX)],
        description=_l("Leave empty to make one from the title."),
    )
    organising_body = StringField(
        _l("Organising body"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example: Dekopinda Kabupaten Probolinggo"),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    contact = StringField(
        _l("Contact for participants"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "Shown on the event's public pages, e.g. a secretariat's name and office telephone."
        ),
    )
    venue_name = StringField(_l("Venue"), validators=[DataRequired(), Length(max=200)])
    venue_address = StringField(_l("Venue address"), validators=[Optional(), Length(max=500)])
    timezone = SelectField(_l("Time zone"), choices=TIME_ZONE_CHOICES, default="Asia/Jakarta")
    starts_at = time_field(_l("Starts"))
    ends_at = time_field(_l("Ends"))
    capacity = IntegerField(
        _l("Capacity (seats)"), validators=[InputRequired(), NumberRange(min=1, max=100000)]
    )
    registration_opens_at = time_field(_l("Registration opens"), required=False)
    registration_closes_at = time_field(
        _l("Registration closes"),
        required=False,
        description=_l("Leave empty to keep registration open until the event ends."),
    )
    waitlist_enabled = BooleanField(
        _l("When all seats are taken, let people join a waiting list"), default=True
    )
    reserved_seats = IntegerField(
        _l("Seats kept for invitees (kursi undangan)"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=100000)],
        description=_l(
            "Invitees take these before the public; the public sees only the seats left."
        ),
    )
    reservations_release_at = time_field(_l("Unclaimed invitee seats are released"), False)
    meeting_mode = SelectField(
        _l("How participants attend"), choices=enum_choices(MeetingMode), default="offline"
    )
    online_url = StringField(
        _l("Online meeting link"),
        validators=[Optional(), Length(max=online.URL_MAX)],
        description=_l("Zoom, Google Meet, YouTube…: an https:// address."),
        render_kw={"inputmode": "url"},
    )
    online_opens_minutes = IntegerField(
        _l("Participants see the link and materials this many minutes before the start"),
        default=30,
        validators=[Optional(), NumberRange(min=0, max=online.OPENS_MINUTES_MAX)],
    )
    materials = TextAreaField(
        _l("Materials (paparan)"),
        validators=[Optional(), Length(max=online.MATERIALS_TEXT_MAX)],
        description=_l(
            "One a line: Title | https://… (at most 10). Confirmed participants see them "
            "with the meeting link."
        ),
        render_kw={"rows": 3},
    )

    _times = (
        "starts_at",
        "ends_at",
        "registration_opens_at",
        "registration_closes_at",
        "reservations_release_at",
    )

    def validate_ends_at(self, field) -> None:
        """Caught here too, so it shows beside the other mistakes of the same submission."""
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(ERROR_MESSAGES["ends_before_start"][1])

    def validate_materials(self, field) -> None:
        """Caught here too, so it shows beside the other mistakes of the same submission."""
        try:
            online.parse_materials(field.data)
        except DomainError as error:
            raise ValidationError(ERROR_MESSAGES[error.code][1]) from None

    def validate_online_url(self, field) -> None:
        try:
            online.clean_url(field.data)
        except DomainError as error:
            raise ValidationError(ERROR_MESSAGES[error.code][1]) from None

    def to_data(self) -> EventData:
        tz = self.timezone.data
        values = {name: getattr(self, name).data for name in EventData.__dataclass_fields__}
        for name in self._times:
            values[name] = aware_in_zone(values[name], tz)
        values["slug"] = (values["slug"] or "").strip().lower()
        values["description"] = values["description"] or ""
        values["venue_address"] = values["venue_address"] or ""
        values["reserved_seats"] = values["reserved_seats"] or 0
        values["contact"] = values["contact"] or ""
        values["online_url"] = values["online_url"] or ""
        if values["online_opens_minutes"] is None:
            values["online_opens_minutes"] = 30
        values["materials"] = online.parse_materials(values["materials"])
        return EventData(**values)

    def fill_from(self, event) -> None:
        for name in EventData.__dataclass_fields__:
            getattr(self, name).data = getattr(event, name)
        self.materials.data = online.materials_text(event.materials)
        for name in self._times:
            getattr(self, name).data = local_in_zone(getattr(event, name), event.timezone)

    def show_error(self, code: str) -> None:
        field_name, message = ERROR_MESSAGES[code]
        getattr(self, field_name).errors.append(message)


class SpeakerForm(Form):
    name = StringField(_l("Speaker name"), validators=[Optional(), Length(max=120)])
    office = StringField(_l("Office / position"), validators=[Optional(), Length(max=200)])


class AgendaItemForm(FlaskForm):
    title = StringField(_l("Agenda item"), validators=[DataRequired(), Length(max=200)])
    starts_at = time_field(_l("Starts"))
    ends_at = time_field(_l("Ends"), required=False)
    description = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    speakers = FieldList(FormField(SpeakerForm), min_entries=3, max_entries=10)

    def to_data(self, tz_name: str) -> AgendaItemData:
        return AgendaItemData(
            title=self.title.data,
            starts_at=aware_in_zone(self.starts_at.data, tz_name),
            ends_at=aware_in_zone(self.ends_at.data, tz_name),
            description=self.description.data or "",
            speakers=[
                SpeakerData(name=s.form.name.data or "", office=s.form.office.data or "")
                for s in self.speakers
            ],
        )

    def prefill_start(self, value: datetime, tz_name: str) -> None:
        self.starts_at.data = local_in_zone(value, tz_name)

    def fill_from(self, item, tz_name: str) -> None:
        self.title.data = item.title
        self.starts_at.data = local_in_zone(item.starts_at, tz_name)
        self.ends_at.data = local_in_zone(item.ends_at, tz_name)
        self.description.data = item.description
        while len(self.speakers) < min(len(item.speakers) + 1, self.speakers.max_entries):
            self.speakers.append_entry()
        for entry, speaker in zip(self.speakers, item.speakers, strict=False):
            entry.form.name.data = speaker.name
            entry.form.office.data = speaker.office


class MemberForm(FlaskForm):
    email = EmailField(_l("Account e-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(
        _l("Role at this event"),
        choices=enum_choices(EventRole),
    )


class ConfirmForm(FlaskForm):
    """An empty form: a POST button with its CSRF token."""


class ConfirmStepForm(ConfirmForm):
    """A POST that asks first: it acts only with confirm=yes, which the question's button sends.

    The first button posts without it and gets the question (templates/confirm.html) back, so
    the step works without JavaScript and a stray tap changes nothing.
    """

    confirm = HiddenField()

    def confirmed(self) -> bool:
        return self.validate_on_submit() and self.confirm.data == "yes"
