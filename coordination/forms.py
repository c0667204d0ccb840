"""The base form: Flask-WTF with WTForms' own messages in the user's language.

WTForms ships no Indonesian catalogue, so its built-in messages ("This field is required.")
are translated in ours: the list below puts them there, and the form's translations look
them up through Flask-Babel like every other string.
"""

from flask import has_request_context
from flask_babel import get_translations, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from wtforms.fields.choices import SelectChoice

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


def enum_choices(labelled) -> list[SelectChoice]:
    """A select field's choices from a LabelledEnum: every member with its label, in order."""
    return [SelectChoice(member.value, member.label) for member in labelled]
