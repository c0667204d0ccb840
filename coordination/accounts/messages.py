"""What the account rules say when they refuse: code -> (field, message)."""

from flask_babel import lazy_gettext as _l

ERROR_MESSAGES = {
    "invalid_email": ("email", _l("Enter a valid e-mail address.")),
    "email_taken": ("email", _l("An account with this e-mail already exists.")),
    "password_too_short": ("password", _l("The password needs at least 8 characters.")),
    "invalid_role": ("role", _l("Choose one of the listed roles.")),
    "last_admin": ("role", _l("At least one active administrator must remain.")),
}
