"""The base form: Flask-WTF with WTForms' own messages in the user's language.

WTForms ships no Indonesian catalogue, so its built-in messages ("This field is required.")
are translated in ours: the list below puts them there, and the form's translations look
them up through Flask-Babel like every other string.
"""

from datetime import date, datetime

from flask import has_request_context, request
from flask_babel import get_translations, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import Form as _Form
from wtforms.fields.choices import SelectChoice

from coordination.text import has_hidden_characters

# Dates anyone means: year 1 or 9999 would overflow the conversion to UTC.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2099
DATE_OUT_OF_RANGE = _l("Enter a date between the years 2000 and 2099.")
HIDDEN_CHARACTERS = _l(
    "Remove the invisible control characters (such as a right-to-left mark) from this text."
)

# WTForms' messages, exactly as it writes them, so `make messages` extracts them.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Not a valid choice."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid integer value."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF token expired."),
    _l("File does not have an approved extension."),
    _l("CSRF failed."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("Field must be equal to %(other_name)s."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid IP address."),
    _l("Invalid Mac address."),
    _l("Invalid URL."),
    _l("Invalid UUID."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid week value."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("File does not have an approved extension: {extensions}"),
)


def _plural_messages():  # never called: here so that `make messages` extracts them
    ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    )
    ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    )
    ngettext(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
        1,
    )
    ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    )


class _BabelTranslations:
    """WTForms formats its messages itself, so these only look them up."""

    def gettext(self, string):
        return get_translations().ugettext(string) if has_request_context() else string

    def ngettext(self, singular, plural, n):
        if not has_request_context():
            return singular if n == 1 else plural
        return get_translations().ungettext(singular, plural, n)


class FlaskForm(_FlaskForm):
    class Meta(_FlaskForm.Meta):
        def get_translations(self, form):
            return _BabelTranslations()

        def wrap_formdata(self, form, formdata):
            """Pages post forms; Flask-WTF would also read a JSON body as the form, and
            crash on one that is not an object ([1]). A JSON body here fills no field."""
            json_only = request.is_json and not (request.form or request.files)
            if formdata is _Auto and _is_submitted() and json_only:
                return ImmutableMultiDict()
            return super().wrap_formdata(form, formdata)

    def validate(self, extra_validators=None) -> bool:
        """WTForms' checks, and no control or bidi-override character in any text typed."""
        valid = super().validate(extra_validators)
        for field in _fields(self):
            if isinstance(field.data, str):
                problem = has_hidden_characters(field.data, field.type == "TextAreaField")
                message = HIDDEN_CHARACTERS
            elif isinstance(field.data, date | datetime):
                problem = not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR
                message = DATE_OUT_OF_RANGE
            else:
                continue
            if problem:
                if message not in field.errors:
                    field.errors = [*field.errors, message]
                valid = False
        return valid


def _fields(form):
    """Every field of the form, inside lists and sub-forms too."""
    for field in form:
        if field.type == "FieldList":
            for entry in field.entries:
                yield from _fields([entry])
        elif field.type == "FormField":
            yield from _fields(field.form)
        else:
            yield field


def enum_choices(labelled) -> list[SelectChoice]:
    """A select field's choices from a LabelledEnum: every member with its label, in order."""
    return [SelectChoice(member.value, member.label) for member in labelled]


class Form(_Form):
    """A form inside a form (rows of a FieldList): WTForms' messages in the user's language too."""

    class Meta(_Form.Meta):
        def get_translations(self, form):
            return _BabelTranslations()
