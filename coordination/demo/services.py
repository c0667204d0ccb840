"""Load the model case: Dekopinda Kabupaten Probolinggo's rakor at Bale Hinggil.

Participants are generated and plainly fake: phone numbers +62 812 0000 0xxx and
e-mail addresses at example.org, a domain reserved for examples.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from coordination.auth.models import Role, User
from coordination.auth.services import create_user, user_by_email
from coordination.events.models import Event, EventRole
from coordination.events.services import (
    AgendaItemData,
    EventData,
    SpeakerData,
    add_agenda_item,
    add_member,
    create_event,
)
from coordination.extensions import db
from coordination.letterheads import services as letterheads
from coordination.registration.models import Registration

WIB = ZoneInfo("Asia/Jakarta")
DEMO_SLUG = "rakor-bale-hinggil"
FOLLOW_UP_SLUG = "rakor-lanjutan-koperasi-probolinggo"
ORGANISING_BODY = "Dekopinda Kabupaten Probolinggo"
DEMO_CONTACT = "Sekretariat Dekopinda Kabupaten Probolinggo, telp. (0335) 841 234"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: str
    name: str


ORGANISER = DemoAccount(
    "panitia@dekopinda.example", "rakor-demo", Role.ORGANISER, "Panitia Dekopinda"
)
ADMIN = DemoAccount("admin@rakor.example", "rakor-admin", Role.ADMIN, "Admin Rakor")
DOOR = DemoAccount("pintu@dekopinda.example", "rakor-pintu", Role.DOOR, "Petugas Pintu Utara")
ACCOUNTS = (ORGANISER, ADMIN, DOOR)

SPEAKER_DINAS = SpeakerData(
    "Setiadi Agus Prakoso",
    "Kepala Bidang Kelembagaan Koperasi, Dinas Koperasi dan Usaha Mikro Kabupaten Probolinggo",
)
SPEAKER_DEKOPINDA = SpeakerData("Joko Rohani Sanjaya", "Ketua Dekopinda Kabupaten Probolinggo")

FIRST_NAMES = [
    "Ahmad",
    "Siti",
    "Budi",
    "Sri",
    "Agus",
    "Dewi",
    "Hadi",
    "Nur",
    "Slamet",
    "Rina",
    "Bambang",
    "Endang",
    "Moch.",
    "Yuli",
    "Sugeng",
    "Lilik",
    "Imam",
    "Umi",
    "Rudi",
    "Tutik",
    "Hasan",
    "Wahyuni",
    "Eko",
    "Fitri",
    "Abdul",
    "Kusnul",
    "Joko",
    "Anik",
    "Suprapto",
    "Ninik",
]
LAST_NAMES = [
    "Hidayat",
    "Rahayu",
    "Santoso",
    "Wulandari",
    "Setiawan",
    "Lestari",
    "Susanto",
    "Hasanah",
    "Prasetyo",
    "Kurniawati",
    "Wibowo",
    "Fauziah",
    "Mashuri",
    "Sholeh",
    "Arifin",
    "Maulidah",
    "Syaifudin",
    "Hariyanto",
    "Zainuddin",
    "Ningsih",
    "Suharto",
    "Mahmudah",
    "Efendi",
    "Rosyidah",
]
VILLAGES = [
    "Kraksaan",
    "Paiton",
    "Leces",
    "Dringu",
    "Tongas",
    "Sumberasih",
    "Wonomerto",
    "Bantaran",
    "Kuripan",
    "Sukapura",
    "Lumbang",
    "Pakuniran",
    "Kotaanyar",
    "Gending",
    "Pajarakan",
    "Maron",
    "Gading",
    "Krejengan",
    "Besuk",
    "Banyuanyar",
    "Tegalsiwalan",
    "Tiris",
    "Krucil",
]
KINDS = [
    "KSU {v} Makmur",
    "KSP {v} Sejahtera",
    "KUD {v}",
    "Koperasi Wanita {v} Mandiri",
    "Koperasi Pondok Pesantren {v}",
    "KPRI {v}",
    "Koperasi Tani {v} Jaya",
    "Koperasi Syariah BMT {v}",
    "Koperasi Nelayan {v} Bahari",
    "Koperasi Peternak Sapi {v}",
]
POSITIONS = ["Ketua", "Sekretaris", "Bendahara", "Ketua Pengawas", "Manajer"]


def demo_participants(count: int = 50, seed: int = 2018) -> list[dict]:
    """Plausible board members, each from a different cooperative."""
    rng = random.Random(seed)
    organisations = [kind.format(v=village) for village in VILLAGES for kind in KINDS]
    rng.shuffle(organisations)
    people = []
    for n in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        people.append(
            {
                "full_name": f"{first} {last}",
                "organisation": organisations[n],
                "position": rng.choice(POSITIONS),
                "phone": f"+628120000{n + 1:04d}",
                "email": f"peserta{n + 1:02d}@example.org",
            }
        )
    return people


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def _agenda(event: Event, day: date, items: list[tuple]) -> None:
    for hour, minute, end_hour, end_minute, title, speakers in items:
        add_agenda_item(
            event,
            AgendaItemData(
                title=title,
                starts_at=_at(day, hour, minute),
                ends_at=_at(day, end_hour, end_minute),
                speakers=speakers,
            ),
        )


def _account(spec: DemoAccount) -> User:
    return user_by_email(spec.email) or create_user(spec.email, spec.role, spec.password, spec.name)


def load_demo(today: date | None = None) -> Event:
    """Create the demo accounts, the 2018 meeting with 50 people, and an upcoming follow-up."""
    if db.session.scalar(sa.select(Event.id).where(Event.slug == DEMO_SLUG)):
        raise ValueError(f"the demo event {DEMO_SLUG} already exists")
    today = today or datetime.now(UTC).astimezone(WIB).date()
    organiser, _admin, door = (_account(spec) for spec in ACCOUNTS)

    day = date(2018, 11, 23)
    meeting = create_event(
        EventData(
            title="Rakor Bersama Sinkronisasi Program Pemberdayaan Koperasi",
            slug=DEMO_SLUG,
            organising_body=ORGANISING_BODY,
            description=(
                "Rapat koordinasi gerakan koperasi se-Kabupaten Probolinggo untuk "
                "menyinkronkan program pemberdayaan koperasi: kelembagaan, permodalan dan "
                "pemberdayaan usaha di era revolusi industri 4.0."
            ),
            venue_name="Aula Bale Hinggil",
            venue_address="Jl. Panglima Sudirman, Kraksaan, Kabupaten Probolinggo, Jawa Timur",
            contact=DEMO_CONTACT,
            timezone="Asia/Jakarta",
            starts_at=_at(day, 13),
            ends_at=_at(day, 16),
            capacity=60,
            registration_opens_at=_at(day - timedelta(days=14), 8),
            registration_closes_at=_at(day, 12),
        ),
        organiser,
    )
    _agenda(
        meeting,
        day,
        [
            (13, 0, 13, 15, "Pembukaan dan sambutan Ketua Dekopinda", [SPEAKER_DEKOPINDA]),
            (
                13,
                15,
                14,
                15,
                "Arah kebijakan kelembagaan koperasi Kabupaten Probolinggo",
                [SPEAKER_DINAS],
            ),
            (
                14,
                15,
                15,
                0,
                "Koperasi di era revolusi industri 4.0: SDM, komitmen dan kepatuhan",
                [SPEAKER_DEKOPINDA],
            ),
            (
                15,
                0,
                15,
                45,
                "Diskusi dan sinkronisasi program pemberdayaan koperasi",
                [SPEAKER_DINAS, SPEAKER_DEKOPINDA],
            ),
            (15, 45, 16, 0, "Kesimpulan dan penutup", []),
        ],
    )
    for person in demo_participants():
        db.session.add(Registration(event_id=meeting.id, **person))
    add_member(meeting, door, EventRole.DOOR)

    follow_day = today + timedelta(days=30)
    follow_up = create_event(
        EventData(
            title="Rakor Lanjutan Pemberdayaan Koperasi Kabupaten Probolinggo",
            slug=FOLLOW_UP_SLUG,
            organising_body=ORGANISING_BODY,
            description="Tindak lanjut rakor bersama: laporan kemajuan program per koperasi.",
            venue_name="Aula Bale Hinggil",
            venue_address="Jl. Panglima Sudirman, Kraksaan, Kabupaten Probolinggo, Jawa Timur",
            contact=DEMO_CONTACT,
            timezone="Asia/Jakarta",
            starts_at=_at(follow_day, 9),
            ends_at=_at(follow_day, 12),
            capacity=80,
            registration_opens_at=_at(today, 0),
            registration_closes_at=_at(follow_day - timedelta(days=1), 17),
            # Hybrid: the kecamatan offices join online (an example address, no real meeting).
            meeting_mode="hybrid",
            online_url="https://meet.example.org/rakor-lanjutan-koperasi",
            materials=[
                {
                    "title": "Paparan kemajuan program koperasi",
                    "url": "https://berkas.example.org/paparan-kemajuan.pdf",
                }
            ],
        ),
        organiser,
    )
    _agenda(
        follow_up,
        follow_day,
        [
            (9, 0, 9, 15, "Pembukaan", [SPEAKER_DEKOPINDA]),
            (9, 15, 10, 30, "Laporan kemajuan program pemberdayaan", [SPEAKER_DINAS]),
            (
                10,
                30,
                12,
                0,
                "Diskusi dan rencana tindak lanjut",
                [SPEAKER_DINAS, SPEAKER_DEKOPINDA],
            ),
        ],
    )
    add_member(follow_up, door, EventRole.DOOR)
    _letterhead(organiser, meeting, follow_up)
    db.session.flush()
    return meeting


def _letterhead(organiser: User, *events: Event) -> None:
    """Dekopinda's kop and its chairman as signer, chosen by both meetings."""
    kop = letterheads.save_letterhead(
        None,
        letterheads.LetterheadData(
            lines=["Dewan Koperasi Indonesia Daerah", "Kabupaten Probolinggo"],
            address="Jl. Panglima Sudirman, Kraksaan, Kabupaten Probolinggo, Jawa Timur 67282",
            telephone="(0335) 841 234",
            email="sekretariat@dekopinda.example",
            city="Kraksaan",
        ),
        organiser,
    )
    signer = letterheads.save_signer(
        kop,
        None,
        letterheads.SignerData(name=SPEAKER_DEKOPINDA.name, title=SPEAKER_DEKOPINDA.office),
    )
    for event in events:
        letterheads.choose(event, kop, signer)
        event.certificate_format = "{seq:03}/SERT/DEKOPINDA/{roman_month}/{year}"


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def only_demo_accounts() -> bool:
    """True while the accounts are the demo's and nobody else's: the login page may show them."""
    emails = set(db.session.scalars(sa.select(User.email)))
    return bool(emails) and emails <= {account.email for account in ACCOUNTS}
