"""Paperwork forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional

from coordination.forms import FlaskForm
from coordination.letterheads.numbers import MAX_FORMAT


class CertificateForm(FlaskForm):
    number_format = StringField(
        _l("Certificate number format"),
        validators=[Optional(), Length(max=MAX_FORMAT)],
        description=_l(
            "For example {seq:03}/SERT/DEKOPINDA/{roman_month}/{year} gives "
            "001/SERT/DEKOPINDA/XI/2018. Fields: {seq}, {seq:03}, {month}, {roman_month}, "
            "{year}. A number once given stays."
        ),
    )
    signature = BooleanField(_l("Print the signer's scanned signature"))
    stamp = BooleanField(_l("Print the stamp"))
