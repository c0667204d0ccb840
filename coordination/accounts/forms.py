from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from coordination.auth.models import Role
from coordination.forms import FlaskForm

from .messages import ERROR_MESSAGES

# Organiser first: the usual choice.
ROLE_CHOICES = [SelectChoice(role, role.label) for role in (Role.ORGANISER, Role.DOOR, Role.ADMIN)]


class _AccountForm(FlaskForm):
    def show_error(self, code: str) -> None:
        field_name, message = ERROR_MESSAGES[code]
        getattr(self, field_name).errors.append(message)


class NewUserForm(_AccountForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.ORGANISER)
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class EditUserForm(_AccountForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    active = BooleanField(_l("May log in"))
    password = PasswordField(
        _l("New password"),
        validators=[Optional(), Length(max=200)],
        description=_l("Leave empty to keep the current password."),
    )
