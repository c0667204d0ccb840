"""The laporan page's forms: uploads (checked by the rules, not by their names) and removal."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from coordination.forms import FlaskForm


class PhotosForm(FlaskForm):
    photos = MultipleFileField(
        _l("Photos (JPEG or PNG)"),
        description=_l("Several at once; up to 8 MB per upload."),
        render_kw={"accept": "image/jpeg,image/png"},
    )


class ScanForm(FlaskForm):
    scan = MultipleFileField(
        _l("Signed attendance list, scanned (one PDF, or a picture per page)"),
        description=_l("Replaces the scan uploaded before. At most 8 MB and 30 pages."),
        render_kw={"accept": "application/pdf,image/jpeg,image/png"},
    )


class RemoveForm(FlaskForm):
    file_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])
