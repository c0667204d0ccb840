"""What the minutes' rules say: code -> message, and what finalising needs filled in."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "minutes_final": _l("These minutes are final. Reopen them to make changes."),
    "minutes_not_final": _l("These minutes are not final."),
    "minutes_stale": _l(
        "Someone else saved these minutes after you opened them. Your text is kept below: "
        "saving again replaces their changes with yours."
    ),
    "minutes_conflict": _l(
        "A colleague changed the same parts while you were writing. Everything else is saved. "
        "Below, those parts show your text; their saved text is listed here. Save again to "
        "keep yours."
    ),
    "reason_required": _l("Say why the minutes are reopened."),
    "not_finalised": _l("The minutes are not final yet: check them below, then finalise again."),
}

REQUIRED_FOR_FINAL = {
    "chair_name": _l("the chair"),
    "taker_name": _l("the minute-taker"),
    "signed_place": _l("the place of signing"),
    "signed_on": _l("the date of signing"),
}
