"""Letterhead, signer and invitation-letter forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from coordination.forms import FlaskForm

IMAGE_HELP = _l("PNG or JPEG, at most 512 KB; stored at most 480 pixels across.")


class ChooseForm(FlaskForm):
    letterhead_id = IntegerField(_l("Letterhead"), validators=[Optional()])
    signer_id = IntegerField(_l("Signer"), validators=[Optional()])


class LetterheadForm(FlaskForm):
    letterhead_id = IntegerField(validators=[Optional()])  # none: a new letterhead
    line1 = StringField(
        _l("Line 1"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example PEMERINTAH KABUPATEN PROBOLINGGO."),
    )
    line2 = StringField(
        _l("Line 2"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example DINAS KOPERASI DAN USAHA MIKRO."),
    )
    line3 = StringField(_l("Line 3"), validators=[Optional(), Length(max=200)])
    line4 = StringField(_l("Line 4"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    telephone = StringField(_l("Telephone"), validators=[Optional(), Length(max=80)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=120)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    city = StringField(
        _l("City where letters are signed"),
        validators=[Optional(), Length(max=80)],
        description=_l("For example Kraksaan."),
    )
    logo = FileField(
        _l("Logo (PNG, JPEG or SVG, at most 512 KB)"),
        validators=[
            FileAllowed(["png", "jpg", "jpeg", "svg"], _l("Upload a PNG, JPEG or SVG image."))
        ],
    )
    remove_logo = BooleanField(_l("Remove the current logo"))


class SignerForm(FlaskForm):
    signer_id = IntegerField(validators=[Optional()])  # none: a new signer
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("For example Drs. H. Sutrisno, M.Si."),
    )
    title = StringField(
        _l("Position (jabatan)"),
        validators=[Optional(), Length(max=160)],
        description=_l("For example Ketua Dekopinda Kabupaten Probolinggo."),
    )
    nip = StringField(_l("NIP"), validators=[Optional(), Length(max=32)])
    signature = FileField(
        _l("Scanned signature"),
        validators=[FileAllowed(["png", "jpg", "jpeg"], _l("Upload a PNG or JPEG image."))],
        description=IMAGE_HELP,
    )
    stamp = FileField(
        _l("Scanned stamp (cap)"),
        validators=[FileAllowed(["png", "jpg", "jpeg"], _l("Upload a PNG or JPEG image."))],
        description=IMAGE_HELP,
    )
    remove_signature = BooleanField(_l("Remove the scanned signature"))
    remove_stamp = BooleanField(_l("Remove the scanned stamp"))


class LetterForm(FlaskForm):
    number = StringField(
        _l("Number (Nomor)"),
        validators=[Optional(), Length(max=120)],
        description=_l("For example 005/123/DEKOPINDA/XI/2018."),
    )
    nature = StringField(
        _l("Nature (Sifat)"),
        validators=[Optional(), Length(max=60)],
        description=_l("For example Penting."),
    )
    attachment = StringField(
        _l("Attachment (Lampiran)"),
        validators=[Optional(), Length(max=60)],
        description=_l("For example 1 (satu) berkas, or -."),
    )
    subject = StringField(
        _l("Subject (Perihal)"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example Undangan Rapat Koordinasi."),
    )
    opening = TextAreaField(
        _l("Opening paragraph"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Before the day, time, place and agenda."),
    )
    closing = TextAreaField(
        _l("Closing paragraph"),
        validators=[Optional(), Length(max=2000)],
    )
    letter_date = DateField(_l("Date of the letter"), validators=[Optional()])
