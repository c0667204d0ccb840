from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .services import ParticipantData

ERROR_MESSAGES = {
    "invalid_phone": ("phone", _l("Enter an Indonesian mobile number, e.g. 0812-3456-7890.")),
    "invalid_email": ("email", _l("Enter a valid e-mail address.")),
    "contact_required": ("phone", _l("Enter a mobile number or an e-mail address.")),
    "contact_taken": ("phone", _l("This mobile number or e-mail is already registered.")),
    "name_required": ("full_name", _l("Enter your full name.")),
}


class ParticipantForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    organisation = StringField(
        _l("Organisation (cooperative / agency)"), validators=[Optional(), Length(max=200)]
    )
    position = StringField(_l("Position"), validators=[Optional(), Length(max=120)])
    phone = TelField(
        _l("Mobile number"),
        validators=[Optional(), Length(max=30)],
        description=_l("For example 0812-3456-7890."),
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])

    def to_data(self) -> ParticipantData:
        return ParticipantData(
            full_name=self.full_name.data or "",
            organisation=self.organisation.data or "",
            position=self.position.data or "",
            phone=self.phone.data or "",
            email=self.email.data or "",
        )

    def fill_from(self, registration) -> None:
        for name in ("full_name", "organisation", "position", "phone", "email"):
            getattr(self, name).data = getattr(registration, name)

    def show_error(self, code: str) -> None:
        field_name, message = ERROR_MESSAGES[code]
        getattr(self, field_name).errors.append(message)


class PublicRegistrationForm(ParticipantForm):
    # Left empty by people; bots that fill every field give themselves away.
    website = StringField(
        _l("Leave this field empty"),
        validators=[Optional()],
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )


STATUS_FILTERS = [
    SelectChoice("", _l("All statuses")),
    SelectChoice("confirmed", _l("Confirmed")),
    SelectChoice("waiting", _l("Waiting list")),
    SelectChoice("cancelled", _l("Cancelled")),
]


class ParticipantSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: search terms in the URL

    q = StringField(_l("Search name, organisation or mobile"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=STATUS_FILTERS, validators=[Optional()])
