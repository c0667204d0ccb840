"""Paperwork forms."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional

from coordination.forms import FlaskForm


class SignerForm(FlaskForm):
    name = StringField(
        _l("Signed by (name)"),
        validators=[Optional(), Length(max=120)],
        description=_l("For example Drs. H. Sutrisno, M.Si."),
    )
    title = StringField(
        _l("Position of the signer"),
        validators=[Optional(), Length(max=120)],
        description=_l("For example Ketua Dekopinda Kabupaten Probolinggo."),
    )
