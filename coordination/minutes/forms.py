"""The minutes editor: one form, sections per agenda item, rows for decisions and actions.

Rows are added by a submit button that saves the form and shows it again with an empty row,
so the editor works without JavaScript and no typed word is lost on the way. The finalise
button belongs to the same form for the same reason: it saves, then finalises.
"""

import json
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from coordination.events.forms import TIME_FORMAT, aware_in_zone, local_in_zone
from coordination.forms import FlaskForm, Form

from .models import Minutes
from .services import (
    PLAIN_FIELDS,
    ActionText,
    DecisionText,
    MinutesText,
    SectionText,
    fingerprints,
    section_key,
)

LONG_TEXT = 20_000
DECISION_TEXT = 3_000  # a decision is a paragraph; the discussion holds the long story
LOCAL_TIMES = ("opened_at", "closed_at")
EXTRA_ROWS = 5


def _item_of(section_id: str) -> int | None:
    """The agenda item of a section shown before it was saved ("item-12"), else None."""
    number = section_id.removeprefix("item-")
    return int(number) if section_id.startswith("item-") and number.isdigit() else None


def _votes(label):
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=1_000_000)])


class SectionForm(Form):
    section_id = HiddenField()
    discussion = TextAreaField(_l("Discussion"), validators=[Length(max=LONG_TEXT)])
    conclusions = TextAreaField(_l("Conclusions"), validators=[Length(max=LONG_TEXT)])


class DecisionForm(Form):
    text = TextAreaField(_l("Decision"), validators=[Length(max=DECISION_TEXT)])
    votes_for = _votes(_l("In favour"))
    votes_against = _votes(_l("Against"))
    abstentions = _votes(_l("Abstained"))
    remove = BooleanField(_l("Remove"))

    def validate_text(self, field):
        counts = (self.votes_for.data, self.votes_against.data, self.abstentions.data)
        if (
            not self.remove.data
            and not (field.data or "").strip()
            and any(n is not None for n in counts)
        ):
            raise ValidationError(_l("Write the decision, or tick Remove."))


class ActionForm(Form):
    what = StringField(_l("Task"), validators=[Length(max=500)])
    who = StringField(_l("Responsible"), validators=[Length(max=200)])
    due_on = DateField(_l("By when"), validators=[Optional()])
    remove = BooleanField(_l("Remove"))

    def validate_what(self, field):
        started = (self.who.data or "").strip() or self.due_on.data
        if started and not self.remove.data and not (field.data or "").strip():
            raise ValidationError(_l("Write the task, or tick Remove."))


# A civil servant's number (18 digits, often typed in groups); optional.
NIP = [
    Length(max=30),
    Regexp(r"^[0-9 .]*$", message=_l("Digits only, e.g. 19650817 199003 1 002.")),
]
NIP_HELP = _l("Optional: printed as “NIP …” under the name.")

# The version the page was loaded at: a number the page itself wrote.
VERSION = [InputRequired(), Regexp(r"^\d{1,9}$")]


class MinutesForm(FlaskForm):
    version = HiddenField(validators=VERSION)
    base = HiddenField()
    letterhead_address = StringField(
        _l("Address of the organising body (letterhead)"),
        validators=[Length(max=300)],
        description=_l("For example Jl. Panglima Sudirman No. 1, Kraksaan, Probolinggo."),
    )
    opened_by = StringField(
        _l("Opened by"),
        validators=[Length(max=120)],
        description=_l("Who opened the meeting, e.g. the chair."),
    )
    opened_at = DateTimeLocalField(_l("Opened at"), format=TIME_FORMAT, validators=[Optional()])
    opening = TextAreaField(
        _l("Account of the opening"),
        validators=[Length(max=LONG_TEXT)],
        description=_l(
            "The PDF begins with “The meeting was opened at … by …”; write what followed."
        ),
    )
    sections = FieldList(FormField(SectionForm), _l("Agenda item"), max_entries=200)
    decisions = FieldList(FormField(DecisionForm), _l("Decision"), max_entries=200)
    actions = FieldList(FormField(ActionForm), _l("Action item"), max_entries=200)
    closing = TextAreaField(
        _l("Account of the closing"),
        validators=[Length(max=LONG_TEXT)],
        description=_l("The PDF ends this part with “The meeting was closed at …”."),
    )
    closed_at = DateTimeLocalField(_l("Closed at"), format=TIME_FORMAT, validators=[Optional()])
    next_meeting = StringField(
        _l("Next meeting"),
        validators=[Length(max=300)],
        description=_l("When and where, if agreed."),
    )
    chair_name = StringField(_l("Chair of the meeting (pimpinan rapat)"), [Length(max=120)])
    chair_position = StringField(_l("Position of the chair"), [Length(max=120)])
    chair_nip = StringField(_l("NIP of the chair"), NIP, description=NIP_HELP)
    taker_name = StringField(_l("Minute-taker (notulis)"), [Length(max=120)])
    taker_position = StringField(_l("Position of the minute-taker"), [Length(max=120)])
    taker_nip = StringField(_l("NIP of the minute-taker"), NIP, description=NIP_HELP)
    signed_place = StringField(
        _l("Signed at (place)"),
        validators=[Length(max=80)],
        description=_l("The town written above the signatures, e.g. Probolinggo."),
    )
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    save = SubmitField(_l("Save draft"))
    add_decision = SubmitField(_l("Add a decision"))
    add_action = SubmitField(_l("Add an action item"))
    # Saves what is on the page first, then finalises it: nothing typed is left out.
    finalise = SubmitField(_l("Finalise the minutes"))

    def fill_from(self, minutes: Minutes, tz_name: str) -> None:
        """Show saved minutes, with a few empty rows ready to type into."""
        self.version.data = str(minutes.version)
        self.base.data = json.dumps(fingerprints(minutes), separators=(",", ":"))
        for name in PLAIN_FIELDS:
            if name not in LOCAL_TIMES:
                self[name].data = getattr(minutes, name)
        for name in LOCAL_TIMES:  # typed in the event's zone, stored in UTC
            self[name].data = local_in_zone(getattr(minutes, name), tz_name)
        for section in minutes.sections:
            self.sections.append_entry(
                SimpleNamespace(
                    section_id=section_key(section),
                    discussion=section.discussion,
                    conclusions=section.conclusions,
                )
            )
        for decision in minutes.decisions:
            self.decisions.append_entry(decision)
        for action in minutes.actions:
            self.actions.append_entry(action)
        if not minutes.decisions:
            self.decisions.append_entry()
        if not minutes.actions:
            self.actions.append_entry()

    def error_links(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) of every field with an error, for the summary on top."""
        found = []

        def walk(field, prefix=""):
            if field.type == "FieldList":
                for n, entry in enumerate(field.entries, start=1):
                    walk(entry, f"{field.label.text} {n}: ")
            elif field.type == "FormField":
                for sub in field.form:
                    walk(sub, prefix)
            elif field.errors:
                found.append(
                    (field.id, f"{prefix}{field.label.text}", " ".join(map(str, field.errors)))
                )

        for field in self:
            walk(field)
        return found

    def base_fingerprints(self) -> dict[str, str] | None:
        try:
            base = json.loads(self.base.data or "null")
        except ValueError:
            return None
        return base if isinstance(base, dict) else None

    def show_mine(self, text: MinutesText, keys: list[str], tz_name: str) -> None:
        """Put this editor's text back into the parts a colleague also changed."""
        sent = {section.id: section for section in text.sections}
        for key in keys:
            if key in LOCAL_TIMES:
                self[key].data = local_in_zone(getattr(text, key), tz_name)
            elif key == "decisions":
                self.decisions.entries = []
                for decision in text.decisions:
                    self.decisions.append_entry(decision)
            elif key == "actions":
                self.actions.entries = []
                for action in text.actions:
                    self.actions.append_entry(action)
            elif key.startswith("sections."):
                _, section_id, name = key.split(".")
                for entry in self.sections:
                    if str(entry.section_id.data) == section_id:
                        entry[name].data = getattr(sent[int(section_id)], name)
            else:
                self[key].data = getattr(text, key)

    def text(self, tz_name: str) -> MinutesText:
        return MinutesText(
            version=int(self.version.data or 0),
            base=self.base_fingerprints(),
            letterhead_address=self.letterhead_address.data or "",
            opened_by=self.opened_by.data or "",
            opened_at=aware_in_zone(self.opened_at.data, tz_name),
            opening=self.opening.data or "",
            closed_at=aware_in_zone(self.closed_at.data, tz_name),
            closing=self.closing.data or "",
            next_meeting=self.next_meeting.data or "",
            chair_name=self.chair_name.data or "",
            chair_position=self.chair_position.data or "",
            chair_nip=" ".join((self.chair_nip.data or "").split()),
            taker_name=self.taker_name.data or "",
            taker_position=self.taker_position.data or "",
            taker_nip=" ".join((self.taker_nip.data or "").split()),
            signed_place=self.signed_place.data or "",
            signed_on=self.signed_on.data,
            sections=[
                SectionText(
                    id=int(entry.section_id.data) if (entry.section_id.data or "").isdigit() else 0,
                    agenda_item_id=_item_of(entry.section_id.data or ""),
                    discussion=entry.discussion.data or "",
                    conclusions=entry.conclusions.data or "",
                )
                for entry in self.sections
            ],
            decisions=[
                DecisionText(
                    text=entry.text.data or "",
                    votes_for=entry.votes_for.data,
                    votes_against=entry.votes_against.data,
                    abstentions=entry.abstentions.data,
                )
                for entry in self.decisions
                if not entry.remove.data
            ],
            actions=[
                ActionText(
                    what=entry.what.data or "",
                    who=entry.who.data or "",
                    due_on=entry.due_on.data,
                )
                for entry in self.actions
                if not entry.remove.data
            ],
        )


class FinaliseForm(FlaskForm):
    version = HiddenField(validators=VERSION)


class ReopenForm(FlaskForm):
    reason = StringField(
        _l("Why reopen the final minutes?"),
        validators=[InputRequired(), Length(max=500)],
        description=_l("Kept in the log with your name and the time."),
    )
