from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from coordination.forms import FlaskForm, enum_choices
from coordination.i18n import format_phone

from .messages import ERROR_MESSAGES
from .models import BadgeRole, Gender, Origin, QuestionKind, RegistrationStatus
from .questions import NO, YES, QuestionData
from .services import ParticipantData, participant_problems


class ParticipantForm(FlaskForm):
    contact_required = True  # a mobile or an e-mail; organisers may add someone without
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
        for name in ("full_name", "organisation", "position", "email"):
            getattr(self, name).data = getattr(registration, name)
        # As people write it (0812-3456-7890), not as it is stored (+6281234567890).
        self.phone.data = format_phone(registration.phone) if registration.phone else ""

    def show_error(self, code: str) -> None:
        field_name, message = ERROR_MESSAGES[code]
        getattr(self, field_name).errors.append(message)

    def validate(self, extra_validators=None) -> bool:
        """WTForms' checks and the details' own rules, marked together: nobody should
        correct a required answer only to be told about their mobile number next."""
        valid = super().validate(extra_validators)
        for code in participant_problems(self.to_data(), self.contact_required):
            if code == "invalid_characters":
                valid = False  # already marked on each field that holds them
                continue
            if not getattr(self, ERROR_MESSAGES[code][0]).errors:
                self.show_error(code)
            valid = False
        return valid


class OrganiserParticipantForm(ParticipantForm):
    contact_required = False
    role = SelectField(
        _l("Badge ribbon"),
        choices=enum_choices(BadgeRole),
        default="participant",
    )
    # For a government meeting's daftar hadir (its optional columns).
    nip = StringField(_l("NIP"), validators=[Optional(), Length(max=32)])
    gender = SelectField(
        _l("M/F"), choices=[SelectChoice("", "—"), *enum_choices(Gender)], default=""
    )
    origin = SelectField(
        _l("From"), choices=[SelectChoice("", "—"), *enum_choices(Origin)], default=""
    )


class PublicRegistrationForm(ParticipantForm):
    # Left empty by people; bots that fill every field give themselves away.
    website = StringField(
        _l("Leave this field empty"),
        validators=[Optional()],
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )


STATUS_FILTERS = [
    SelectChoice("", _l("All statuses")),
    *enum_choices(RegistrationStatus),
]


class ParticipantSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: search terms in the URL

    q = StringField(_l("Search name, organisation or mobile"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=STATUS_FILTERS, validators=[Optional()])
    invited = SelectField(
        _l("Invited"),
        choices=[
            SelectChoice("", _l("Invited or not")),
            SelectChoice("yes", _l("Came through an invitation")),
            SelectChoice("no", _l("Registered without invitation")),
        ],
        validators=[Optional()],
    )
    present = SelectField(
        _l("Present"),
        choices=[
            SelectChoice("", _l("Present or not")),
            SelectChoice("yes", _l("Checked in")),
            SelectChoice("no", _l("Not checked in")),
        ],
        validators=[Optional()],
    )
    sort = SelectField(
        _l("Sort by"),
        choices=[
            SelectChoice("name", _l("Name")),
            SelectChoice("organisation", _l("Organisation")),
            SelectChoice("newest", _l("Newest registration first")),
            SelectChoice("oldest", _l("Oldest registration first")),
        ],
        validators=[Optional()],
    )

    def filters(self) -> dict[str, str]:
        """The current filters, to keep them in the paging links."""
        names = ("q", "status", "invited", "present", "sort")
        return {name: getattr(self, name).data or "" for name in names}


QUESTION_KINDS = enum_choices(QuestionKind)


class QuestionForm(FlaskForm):
    label = StringField(_l("Question"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of answer"), choices=QUESTION_KINDS)
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(
        _l("Choices, one per line"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Only for one choice or several choices."),
    )

    def to_data(self) -> QuestionData:
        return QuestionData(
            label=self.label.data,
            kind=self.kind.data,
            required=self.required.data,
            options=(self.options.data or "").splitlines(),
        )

    def fill_from(self, question) -> None:
        self.label.data, self.kind.data = question.label, question.kind
        self.required.data, self.options.data = question.required, question.options_text


def question_field_name(question) -> str:
    return f"question_{question.id}"


def _question_field(question):
    validators = [InputRequired(message=_l("Please answer this question."))]
    validators = validators if question.required else [Optional()]
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        return StringField(question.label, validators=[*validators, Length(max=500)])
    if kind == QuestionKind.LONG_TEXT:
        return TextAreaField(question.label, validators=[*validators, Length(max=5000)])
    if kind == QuestionKind.YES_NO:
        choices = [SelectChoice(YES, _l("Yes")), SelectChoice(NO, _l("No"))]
    else:
        choices = [SelectChoice(option, option) for option in question.options]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return SelectMultipleField(
            question.label,
            choices=choices,
            validators=validators,
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
            validate_choice=False,
        )
    return RadioField(question.label, choices=choices, validators=validators, validate_choice=False)


_form_classes: dict = {}


def form_with_questions(base, questions):
    """The registration form of one event: the base fields plus the organiser's questions.

    Made once per base form and version of the questions, not on every request: a class
    costs more to build than the form does to fill in.
    """
    key = (base, tuple((q.id, q.kind, q.label, q.required, q.options_text) for q in questions))
    form_class = _form_classes.get(key)
    if form_class is None:
        if len(_form_classes) >= 1000:
            _form_classes.clear()  # questions edited many times over: start afresh
        form_class = _form_classes[key] = _form_class(base, questions)
    return form_class


def _form_class(base, questions):
    question_ids = [q.id for q in questions]

    class EventRegistrationForm(base):
        def answers(self) -> dict[int, object]:
            return {id_: getattr(self, f"question_{id_}").data for id_ in question_ids}

        def show_answer_error(self, question_id: int, message) -> None:
            getattr(self, f"question_{question_id}").errors.append(message)

    for question in questions:
        setattr(EventRegistrationForm, question_field_name(question), _question_field(question))
    EventRegistrationForm.question_fields = [question_field_name(q) for q in questions]
    return EventRegistrationForm


class InvitationUploadForm(FlaskForm):
    file = FileField(
        _l("Invitee list (CSV or XLSX)"),
        validators=[
            FileRequired(),
            FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file.")),
        ],
    )


class InviteeRegistrationForm(PublicRegistrationForm):
    representative = BooleanField(_l("I am registering in the invitee's place (representative)"))
