"""The API's request and response bodies as pydantic models: they validate what comes in,
shape what goes out, and are the JSON Schemas of the OpenAPI document."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from coordination.config import TIME_ZONES
from coordination.ids import MAX_ID  # noqa: F401  (the API's ids: what an INTEGER column holds)
from coordination.text import has_hidden_characters

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _plain_text(value: str) -> str:
    """No NUL or other control characters (a database refuses some), no bidi overrides,
    no lone surrogates."""
    if has_hidden_characters(value, multiline=True):
        raise ValueError("control and bidi-override characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("not valid Unicode text") from error
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _in_range(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise ValueError("must be between 2000 and 2100")
    return value.astimezone(UTC)


def text(max_length: int, *, required: bool = False):
    """A string of at most max_length characters; required ones must not be blank."""
    constraints = StringConstraints(min_length=1 if required else 0, max_length=max_length)
    if required:
        return Annotated[str, constraints, AfterValidator(_plain_text), AfterValidator(_not_blank)]
    return Annotated[str, constraints, AfterValidator(_plain_text)]


Moment = Annotated[
    AwareDatetime,
    AfterValidator(_in_range),
    Field(description="RFC 3339 date-time with an offset, e.g. 2030-03-15T09:00:00+07:00."),
]
Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80),
    Field(description="Lowercase letters, digits and single hyphens, e.g. rakor-koperasi-2025."),
]
TimeZone = Literal[tuple(TIME_ZONES)]  # type: ignore[valid-type]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
BadgeRibbon = Literal["participant", "speaker", "committee", "guest"]
Status = Literal["confirmed", "waiting", "cancelled"]


def _drop_null_defaults(schema: dict) -> None:
    """An optional field of a partial update may be left out, but not sent as null."""
    for prop in schema.get("properties", {}).values():
        if prop.get("default", 0) is None and "anyOf" not in prop:
            del prop["default"]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Query(BaseModel):
    """Query parameters: none is null, unknown ones are ignored."""

    model_config = ConfigDict(json_schema_extra=_drop_null_defaults)


# --- Errors ------------------------------------------------------------------------------


class FieldError(BaseModel):
    field: str = Field(description="Where the value is, e.g. body.capacity or query.page.")
    message: str


class Error(BaseModel):
    """Every answer that is not a success."""

    code: str = Field(description="Stable and machine-readable, e.g. already_checked_in.")
    message: str = Field(description="For people, in the language of Accept-Language.")
    errors: list[FieldError] | None = Field(
        default=None, description="With validation_failed: which values are wrong."
    )
    checkin: "Checkin | None" = Field(
        default=None, description="With already_checked_in: the earlier check-in."
    )


# --- Events ------------------------------------------------------------------------------


class EventIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Rakor Sinkronisasi Program Pemberdayaan Koperasi",
                    "organising_body": "Dekopinda Kabupaten Probolinggo",
                    "venue_name": "Aula Bale Hinggil",
                    "starts_at": "2031-11-23T13:00:00+07:00",
                    "ends_at": "2031-11-23T16:00:00+07:00",
                    "capacity": 60,
                    "timezone": "Asia/Jakarta",
                }
            ]
        },
    )

    title: text(200, required=True)
    organising_body: text(200, required=True)
    venue_name: text(200, required=True)
    starts_at: Moment
    ends_at: Moment
    capacity: Annotated[int, Field(ge=1, le=100_000)]
    timezone: TimeZone = "Asia/Jakarta"
    slug: Slug | None = Field(default=None, description="Made from the title when left out.")
    description: text(5000) = ""
    venue_address: text(500) = ""
    registration_opens_at: Moment | None = None
    registration_closes_at: Moment | None = Field(
        default=None, description="Registration closes when the event ends if left out."
    )
    waitlist_enabled: bool = True


class EventPatch(Input):
    """Only the fields sent are changed; registration times may be set to null."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_drop_null_defaults)

    title: text(200, required=True) = None
    organising_body: text(200, required=True) = None
    venue_name: text(200, required=True) = None
    starts_at: Moment = None
    ends_at: Moment = None
    capacity: Annotated[int, Field(ge=1, le=100_000)] = None
    timezone: TimeZone = None
    slug: Slug = None
    description: text(5000) = None
    venue_address: text(500) = None
    registration_opens_at: Moment | None = None
    registration_closes_at: Moment | None = None
    waitlist_enabled: bool = None
    archived: bool = Field(default=None, description="Archive (true) or restore (false).")


class Event(BaseModel):
    slug: str
    title: str
    organising_body: str
    description: str
    venue_name: str
    venue_address: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    waitlist_enabled: bool
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    registration_state: Literal["open", "not_yet_open", "closed"]
    archived: bool
    confirmed: int = Field(description="Confirmed registrations (seats taken).")
    your_role: Literal["organiser", "door"] = Field(description="The caller's role here.")


class EventList(BaseModel):
    items: list[Event]


# --- Registrations -----------------------------------------------------------------------


class RegistrationIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "full_name": "Siti Rahayu",
                    "organisation": "KUD Sumber Rejeki",
                    "position": "Ketua",
                    "phone": "0812-3456-7890",
                    "email": "siti@example.org",
                }
            ]
        },
    )

    full_name: text(120, required=True)
    organisation: text(200) = ""
    position: text(120) = ""
    phone: text(40) = Field(default="", description="An Indonesian mobile number, any form.")
    email: text(254) = ""
    role: BadgeRibbon = Field(default="participant", description="The ribbon on the badge.")
    answers: dict[Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,8}$")], text(2000)] = (
        Field(default_factory=dict, description="The event's own questions: id -> answer.")
    )


class Registration(BaseModel):
    """Phone, e-mail and the badge code are only sent to the event's organisers."""

    id: int
    full_name: str
    organisation: str
    position: str
    role: BadgeRibbon
    status: Status
    checked_in: bool = Field(description="Checked in on the event's main list.")
    created_at: datetime
    phone: str | None = Field(default=None, description="Organisers only: E.164, +62....")
    email: str | None = Field(default=None, description="Organisers only.")
    checkin_code: str | None = Field(default=None, description="Organisers only: the QR code.")
    represents_name: str | None = Field(default=None, description="Organisers only.")
    waiting_position: int | None = Field(
        default=None, description="Organisers only: 1 for the first on the waiting list."
    )


class RegistrationPage(BaseModel):
    items: list[Registration]
    page: int
    per_page: int
    total: int
    pages: int


class RegistrationQuery(Query):
    q: text(100) = Field(default="", description="Name, organisation or mobile number.")
    status: Literal["", "confirmed", "waiting", "cancelled"] = ""
    invited: Literal["", "yes", "no"] = ""
    present: Literal["", "yes", "no"] = Field(
        default="", description="Checked in on the event's main list."
    )
    sort: Literal["name", "organisation", "newest", "oldest"] = "name"
    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    per_page: Annotated[int, Field(ge=1, le=100)] = 50


class CancelResult(BaseModel):
    registration: Registration
    promoted: list[int] = Field(description="Ids of the people who got the freed seat.")


# --- Check-ins ---------------------------------------------------------------------------


class CheckinList(BaseModel):
    id: int
    name: str = Field(description="Empty for the event's main list.")
    is_default: bool
    opens_at: datetime | None
    closes_at: datetime | None


class CheckinListList(BaseModel):
    items: list[CheckinList]


class CheckinIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"code": "7KQ2M9XW4R8TZC3HJ6NVB5PDFGA", "nonce": "d1-0042"}]
        },
    )

    code: text(64, required=True) = Field(description="The badge code, as scanned or typed.")
    nonce: text(64) | None = Field(
        default=None, description="Chosen per scan: the same scan sent again counts once."
    )
    scanned_at: Moment | None = Field(
        default=None,
        description="When the badge was scanned (offline doors); at most a day back.",
    )
    list_id: Id | None = Field(default=None, description="The event's main list if left out.")


class Checkin(BaseModel):
    id: int
    list_id: int
    registration_id: int
    full_name: str
    organisation: str
    checked_in_at: datetime
    door: str = Field(description="The door or person that let them in.")
    source: Literal["scan", "manual", "walk_in", "paper", "online", "self"]
    offline: bool
    representative_name: str | None


class CheckinResult(BaseModel):
    code: Literal["checked_in"]
    message: str = Field(description="What the door shows, e.g. Selamat datang, Siti.")
    checkin: Checkin


class CheckinQuery(Query):
    list_id: Id = Field(default=None, description="The event's main list if left out.")
    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    per_page: Annotated[int, Field(ge=1, le=100)] = 50


class CheckinPage(BaseModel):
    items: list[Checkin]
    page: int
    per_page: int
    total: int
    pages: int


# --- Documents ---------------------------------------------------------------------------


class DocumentJob(BaseModel):
    """A document too big to wait for, rendering in the background."""

    id: str = Field(description="The job's id, 128 random bits.")
    state: Literal["queued", "running", "done", "failed"]
    done: int = Field(description="Parts rendered so far.")
    total: int = Field(description="Parts in all; 0 until the rendering starts.")
    url: str = Field(description="Where to ask for the job's progress again.")
    download_url: str | None = Field(
        default=None, description="Where to fetch the PDF, once the state is done."
    )


class AttendanceQuery(Query):
    kind: Literal["sheet", "record"] = Field(
        default="sheet", description="sheet: to sign at the door; record: who came, when."
    )
    sort: Literal["name", "organisation", "arrival"] = "name"
    phone: Literal["masked", "full"] = Field(
        default="masked", description="Mobile numbers masked to their last four digits."
    )


class BadgesQuery(Query):
    layout: Literal["a6", "a7", "single"] = Field(
        default="a6", description="4 or 8 badges per A4 sheet, or one per page."
    )
    q: text(100) = ""
    invited: Literal["", "yes", "no"] = ""
    present: Literal["", "yes", "no"] = ""
    sort: Literal["name", "organisation", "newest", "oldest"] = "name"


ExportColumn = Literal[
    "name",
    "organisation",
    "position",
    "phone",
    "email",
    "status",
    "role",
    "registered_at",
    "checked_in_at",
    "door",
    "representative",
    "on_behalf_of",
]


class ExportQuery(Query):
    columns: list[ExportColumn] = Field(
        default_factory=list, description="Repeat for each column; a default set if none."
    )
    separator: Literal["semicolon", "comma"] | None = Field(
        default=None,
        description="CSV list separator; by default that of the language: `;` for `id`, "
        "`,` for `en`.",
    )


Error.model_rebuild()
