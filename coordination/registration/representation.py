"""Representation, read one way everywhere.

Two facts are stored, each with one meaning:
- Registration.represents_name: this person registered on behalf of an invitee ("mewakili").
- Checkin.representative_name: someone else came in this registrant's place ("diwakili oleh").

The record of who came shows the person who came, with whom they came for (attendee); the
registrant's own row, where one is shown, says who represented them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Attendee:
    name: str  # who came (or, on a sign sheet, who is expected)
    on_behalf_of: str = ""  # whom they came for ("mewakili"), if anyone


def attendee(
    registrant: str, represents_name: str | None, representative_name: str | None = None
) -> Attendee:
    """Who came for this registration, and on whose behalf."""
    if representative_name:  # the door let someone in the registrant's place
        return Attendee(representative_name, registrant)
    return Attendee(registrant, represents_name or "")
