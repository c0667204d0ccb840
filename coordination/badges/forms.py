from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Regexp

from coordination.forms import FlaskForm

from .messages import ERROR_MESSAGES

LAYOUT_CHOICES = [
    SelectChoice("a6", _l("4 per A4 sheet (A6)")),
    SelectChoice("a7", _l("8 per A4 sheet (A7)")),
    SelectChoice("single", _l("One per page (badge printer)")),
]


class BadgeStyleForm(FlaskForm):
    colour = StringField(
        _l("Badge colour"),
        validators=[
            DataRequired(),
            Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Choose a colour such as #0f5e4f.")),
        ],
        render_kw={"type": "color"},
    )
    logo = FileField(
        _l("Logo (PNG, JPEG or SVG, at most 512 KB)"),
        validators=[
            FileAllowed(["png", "jpg", "jpeg", "svg"], _l("Upload a PNG, JPEG or SVG image."))
        ],
    )
    remove_logo = BooleanField(_l("Remove the current logo"))

    def show_error(self, code: str) -> None:
        field_name, message = ERROR_MESSAGES[code]
        getattr(self, field_name).errors.append(message)


class BadgeDownloadForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form

    layout = SelectField(_l("Layout"), choices=LAYOUT_CHOICES, default="a6")
