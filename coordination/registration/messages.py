"""What registration's rules say when they refuse: code -> message (and the field it is about).

Read by the forms, the pages and the API alike, so each speaks the same words.
"""

from flask_babel import lazy_gettext as _l

ERROR_MESSAGES = {
    "invalid_phone": ("phone", _l("Enter an Indonesian mobile number, e.g. 0812-3456-7890.")),
    "invalid_email": ("email", _l("Enter a valid e-mail address.")),
    "contact_required": ("phone", _l("Enter a mobile number or an e-mail address.")),
    "contact_taken": ("phone", _l("This mobile number or e-mail is already registered.")),
    "name_required": ("full_name", _l("Enter your full name.")),
}

ANSWER_MESSAGES = {
    "answer_required": _l("Please answer this question."),
    "answer_invalid": _l("Choose one of the given answers."),
}

QUESTION_ERRORS = {
    "choices_needed": ("options", _l("Give at least two choices, one per line.")),
    "invalid_kind": ("kind", _l("Choose one of the listed kinds.")),
}

UPLOAD_ERRORS = {
    "unknown_format": _l("Upload a .csv or .xlsx file."),
    "unreadable_file": _l("The file could not be read. Save it again as .xlsx or .csv."),
    "empty_file": _l("The file has no invitees."),
    "missing_columns": _l(
        "The first row must name the columns: name, organisation, position, mobile, email."
    ),
    "too_many_rows": _l("At most 10,000 invitees per file."),
}

ROW_ERRORS = {
    "name_required": _l("name is empty"),
    "invalid_phone": _l("mobile number is not valid"),
    "invalid_email": _l("e-mail is not valid"),
    "contact_required": _l("needs a mobile number or an e-mail"),
    "duplicate_contact": _l("mobile or e-mail already in the list"),
}
