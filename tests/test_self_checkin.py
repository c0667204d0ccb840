"""Self check-in from the hall QR, and digital signatures in the record of arrivals."""

import json
from datetime import timedelta

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import sqlalchemy as sa

from coordination.door import access
from coordination.door import services as door
from coordination.door.models import Checkin, CheckinSource
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.paperwork.documents import attendance_pdf
from coordination.registration.models import Registration
from coordination.selfcheckin import services
from coordination.selfcheckin.models import MAX_BODY_CHARS, Signature

from . import factories

SLUG = "rakor-mandiri"


@pytest.fixture
def event_slug(make, organiser):
    return make(factories.make_event_under_way, organiser["id"], slug=SLUG)


@pytest.fixture
def hall(app, event_slug):
    """The event's main list with self check-in on: its id."""
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        main = door.default_list(event)
        services.set_self_checkin(main, True, walk_in=True)
        db.session.commit()
        return main.id


def hall_url(app, list_id: int, now=None) -> str:
    token = services.hall_token(app.secret_key, list_id, services.window_at(now or utcnow()))
    return f"/hadir/{list_id}/{token}"


def event_by_slug() -> Event:
    return db.session.scalar(sa.select(Event).where(Event.slug == SLUG))


def registration(person: dict) -> Registration:
    return db.session.get(Registration, person["id"])


def check_in_by_phone(client, list_id: int, person: dict, confirmation: str | None = None):
    return client.post(
        f"/hadir/{list_id}",
        data={
            "phone": "0" + person["phone"].removeprefix("+62"),
            "confirmation": (confirmation or person["code"][-4:]).lower(),
        },
    )


@pytest.fixture
def people(app, make, event_slug):
    made = make(factories.make_participants, event_slug, 3)
    with app.app_context():
        for person in made:
            person["phone"] = registration(person).phone
    return made


def test_a_hall_token_older_than_its_window_is_refused_with_a_clear_message(app, client, hall):
    long_ago = utcnow() - timedelta(seconds=3 * services.WINDOW_SECONDS)
    answer = client.get(hall_url(app, hall, long_ago))
    assert answer.status_code == 410
    page = answer.get_data(as_text=True)
    assert "Kode QR ini sudah kedaluwarsa" in page and "30 detik" in page
    # Nor does the phone get anywhere without a fresh scan.
    assert client.get(f"/hadir/{hall}").status_code == 403
    client.set_cookie("rakor_lang", "en")
    client.post("/language", data={"language": "en"})
    english = client.get(hall_url(app, hall, long_ago)).get_data(as_text=True)
    assert "This QR code has expired" in english


def test_the_previous_window_still_works_and_a_forged_or_future_token_does_not(app, hall):
    now = utcnow()
    secret = app.secret_key
    services.check_hall_token(secret, hall, hall_url(app, hall, now).rsplit("/", 1)[1], now)
    previous = services.hall_token(secret, hall, services.window_at(now) - 1)
    services.check_hall_token(secret, hall, previous, now)
    for token in (
        services.hall_token(secret, hall, services.window_at(now) + 1),  # not yet
        services.hall_token("another secret", hall, services.window_at(now)),
        services.hall_token(secret, hall + 1, services.window_at(now)),  # another list's
        "1" * 70,
    ):
        with pytest.raises(DomainError) as refused:
            services.check_hall_token(secret, hall, token, now)
        assert refused.value.code == "hall_invalid"


def test_a_participant_checks_in_by_self_checkin_and_appears_once_in_the_record_as_mandiri(
    app, client, hall, people
):
    scanned = client.get(hall_url(app, hall))
    assert scanned.status_code == 302 and scanned.location.endswith(f"/hadir/{hall}")
    page = client.get(f"/hadir/{hall}").get_data(as_text=True)
    assert "Nomor HP" in page
    answer = check_in_by_phone(client, hall, people[0])
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "verdict-ok" in page and f"Selamat datang, {people[0]['name']}" in page
    with app.app_context():
        checkin = db.session.scalar(
            sa.select(Checkin).where(Checkin.registration_id == people[0]["id"])
        )
        assert checkin.source == CheckinSource.SELF
    with app.test_request_context():
        text = pdf_text(attendance_pdf(event_by_slug(), kind="record"))
    assert text.count(people[0]["name"]) == 1
    assert "Mandiri" in text
    assert people[1]["name"] not in text
    # Nobody signed digitally: the record says the paper sheet holds the signatures.
    assert "lembar tanda tangan kertas" in text.replace("\r\n", " ")


def test_a_second_self_checkin_is_amber_with_the_first_time(app, client, hall, people):
    client.get(hall_url(app, hall))
    check_in_by_phone(client, hall, people[0])
    again = check_in_by_phone(client, hall, people[0]).get_data(as_text=True)
    assert "verdict-warn" in again and "Sudah check-in pukul" in again
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 1


def test_a_door_check_in_first_makes_the_self_checkin_amber_too(app, client, hall, people):
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        north = door.DoorActor("Pintu Utara")
        door.check_in_code(event, door.default_list(event), people[1]["code"], north)
        db.session.commit()
    client.get(hall_url(app, hall))
    page = check_in_by_phone(client, hall, people[1]).get_data(as_text=True)
    assert "verdict-warn" in page and "Pintu Utara" in page


def test_the_phone_that_opened_its_personal_link_checks_in_with_one_tap(app, client, hall, people):
    with app.app_context():
        token = registration(people[2]).link_token
    client.get(f"/r/{token}")
    client.get(hall_url(app, hall))
    page = client.get(f"/hadir/{hall}").get_data(as_text=True)
    assert f"Check-in sebagai {people[2]['name']}" in page
    answer = client.post(f"/hadir/{hall}", data={"person": str(people[2]["id"])})
    assert f"Selamat datang, {people[2]['name']}" in answer.get_data(as_text=True)
    # Another phone cannot name someone whose link it never opened.
    other = app.test_client()
    other.get(hall_url(app, hall))
    assert other.post(f"/hadir/{hall}", data={"person": str(people[0]["id"])}).status_code == 400


def test_a_wrong_confirmation_is_refused_without_saying_who_is_registered_and_is_limited(
    app, client, hall, people
):
    client.get(hall_url(app, hall))
    wrong = check_in_by_phone(client, hall, people[0], confirmation="ZZZZ")
    unknown = client.post(
        f"/hadir/{hall}", data={"phone": "0812 9999 0000", "confirmation": "ZZZZ"}
    )
    for answer in (wrong, unknown):
        assert answer.status_code == 400
        assert "Registrasi tidak ditemukan" in answer.get_data(as_text=True)
    statuses = [
        check_in_by_phone(client, hall, people[0], confirmation="ZZZZ").status_code
        for _ in range(12)
    ]
    assert statuses[-1] == 429  # ten tries per person in ten minutes
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 0


def test_a_list_without_self_checkin_refuses_the_hall_qr(app, client, event_slug, people):
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        list_id = door.default_list(event).id
        db.session.commit()
    answer = client.get(hall_url(app, list_id))
    assert answer.status_code == 404
    assert "Check-in mandiri tidak dibuka" in answer.get_data(as_text=True)


def test_someone_not_registered_registers_on_the_spot_and_is_checked_in(app, client, hall):
    client.get(hall_url(app, hall))
    answer = client.post(
        f"/hadir/{hall}/register",
        data={
            "full_name": "Ibu Sri Wahyuni",
            "organisation": "KUD Tani Makmur",
            "phone": "0813 1111 2222",
        },
    )
    assert "Selamat datang, Ibu Sri Wahyuni" in answer.get_data(as_text=True)
    with app.app_context():
        checkin = db.session.scalar(sa.select(Checkin))
        assert checkin.source == CheckinSource.SELF
        assert checkin.registration.full_name == "Ibu Sri Wahyuni"


def test_the_projector_page_shows_the_hall_qr_and_hands_out_the_next_codes(
    app, as_user, organiser, hall
):
    client = as_user(organiser)
    page = client.get(f"/events/{SLUG}/hall-qr?list={hall}").get_data(as_text=True)
    assert "Pindai untuk hadir" in page and "<svg" in page
    codes = client.get(f"/events/{SLUG}/hall-qr.json?list={hall}").get_json()
    assert len(codes["codes"]) == services.WINDOWS_AHEAD
    assert codes["codes"][0]["window"] == services.window_at()
    assert client.get(f"/events/{SLUG}/hall-qr?list={hall}&print=1").status_code == 200


def strokes(count: int = 3, points: int = 40) -> str:
    return json.dumps(
        [
            [v for n in range(points) for v in (20 + n * 8 + s * 3, 60 + (n % 7) * 9 + s * 10)]
            for s in range(count)
        ]
    )


def test_a_signature_is_stored_small_and_bounded_before_parsing(app, hall, people):
    with app.app_context():
        person = registration(people[0])
        signature = services.save_signature(person, strokes(), CheckinSource.SELF)
        assert signature.path.startswith("M") and len(signature.path) < 1500
        assert signature.points <= 120
        for raw, code in (
            ("", "signature_empty"),
            ("[]", "signature_empty"),
            ("[[1,2]]", "signature_empty"),
            ("x" * (MAX_BODY_CHARS + 1), "signature_too_big"),
            ("[" + "[1,2,3,4]," * 100 + "[1,2]]", "signature_too_big"),
            (json.dumps([[0, 0] * 2500]), "signature_too_big"),
            ('[["a", 1, 2, 3]]', "signature_empty"),
        ):
            with pytest.raises(DomainError) as refused:
                services.save_signature(person, raw, CheckinSource.SELF)
            assert refused.value.code == code, raw[:40]
        # Points outside the pad are kept on its edge, never beyond.
        services.save_signature(person, json.dumps([[-50, -50, 9999, 9999, 10, 10]]), "self")
        assert db.session.scalar(sa.select(Signature.path)) == "M0 0l400 160-390-150"


def images_in_row(content: bytes, name: str) -> int:
    """Images on the PDF's pages at the height of the row that names `name`."""
    document = pypdfium2.PdfDocument(content)
    found = 0
    for page in document:
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        if name not in text:
            continue
        start = text.index(name)
        _left, bottom, _right, top = textpage.get_charbox(start)
        middle = (bottom + top) / 2
        for item in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            _l, image_bottom, _r, image_top = item.get_bounds()
            if image_bottom <= middle <= image_top and image_top - image_bottom < 40:
                found += 1
    return found


def pdf_text(content: bytes) -> str:
    return "\n".join(
        page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(content)
    )


def test_a_signature_given_after_self_checkin_prints_in_its_row_of_the_record(
    app, client, hall, people
):
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        services.set_signature_required(event, True)
        db.session.commit()
    client.get(hall_url(app, hall))
    page = check_in_by_phone(client, hall, people[0]).get_data(as_text=True)
    assert 'id="signature-pad"' in page
    saved = client.post(f"/hadir/{hall}/signature", data={"strokes": strokes()})
    assert "tanda tangan Anda tersimpan" in saved.get_data(as_text=True)
    with app.app_context():
        door.check_in_code(
            event := db.session.scalar(sa.select(Event).where(Event.slug == SLUG)),
            door.default_list(event),
            people[1]["code"],
            door.DoorActor("Pintu Utara"),
        )
        db.session.commit()
    with app.test_request_context():
        content = attendance_pdf(event_by_slug(), kind="record")
    assert images_in_row(content, people[0]["name"]) == 1
    assert images_in_row(content, people[1]["name"]) == 0  # came, did not sign
    assert "Tanda tangan: digital" in pdf_text(content)


def test_signing_needs_ones_own_fresh_check_in(app, client, hall, people):
    client.get(hall_url(app, hall))
    answer = client.post(f"/hadir/{hall}/signature", data={"strokes": strokes()})
    assert answer.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Signature.id))) == 0


def test_the_door_phone_hands_over_to_sign_after_a_green_verdict_and_the_organiser_sees_it(
    app, as_user, organiser, hall, people
):
    with app.app_context():
        services.set_signature_required(event_by_slug(), True)
        db.session.commit()
    client = as_user(organiser)
    client.post(f"/events/{SLUG}/door", data={"code": people[0]["code"]})
    page = client.get(f"/events/{SLUG}/door").get_data(as_text=True)
    assert "Serahkan HP untuk tanda tangan" in page
    assert 'id="code"' in page and 'id="door-verdict"' in page  # the door's ids stay
    with app.app_context():
        link, _pin = access.create_link(event_by_slug(), "Pintu Utara")
        db.session.commit()
        assert 'id="pin"' in app.test_client().get(f"/d/{link.token}").get_data(as_text=True)
    with app.app_context():
        checkin_id = db.session.scalar(sa.select(Checkin.id))
    assert client.get(f"/events/{SLUG}/door/sign/{checkin_id}").status_code == 200
    empty = client.post(f"/events/{SLUG}/door/sign/{checkin_id}", data={"strokes": "[]"})
    assert empty.status_code == 400 and "Tanda tangani dulu" in empty.get_data(as_text=True)
    saved = client.post(f"/events/{SLUG}/door/sign/{checkin_id}", data={"strokes": strokes()})
    assert saved.status_code == 302
    shown = client.get(f"/events/{SLUG}/participants/{people[0]['id']}").get_data(as_text=True)
    assert 'id="participant-signature"' in shown and "(pindai)" in shown
    # Someone who did not sign shows no signature.
    other = client.get(f"/events/{SLUG}/participants/{people[1]['id']}").get_data(as_text=True)
    assert 'id="participant-signature"' not in other


def test_the_organiser_switches_self_checkin_and_signatures_on_the_lists_page(
    app, as_user, organiser, event_slug
):
    client = as_user(organiser)
    page = client.get(f"/events/{SLUG}/checkin-lists").get_data(as_text=True)
    assert "Check-in mandiri" in page and "Tanda tangan digital" in page
    with app.app_context():
        list_id = door.default_list(event_by_slug()).id
        db.session.commit()
    client.post(f"/events/{SLUG}/checkin-lists/{list_id}/self-checkin", data={"self_checkin": "y"})
    client.post(f"/events/{SLUG}/signature-setting", data={"signature_required": "y"})
    with app.app_context():
        event = event_by_slug()
        assert event.signature_required
        main = door.default_list(event)
        assert main.self_checkin and not main.self_walk_in
    page = client.get(f"/events/{SLUG}/checkin-lists").get_data(as_text=True)
    assert f'id="hall-qr-{list_id}"' in page


# --- after the first trial: signing later, where a check-in came from, pages once in --------


def test_someone_in_before_signatures_were_asked_for_signs_when_they_scan_again(
    app, client, hall, people
):
    client.get(hall_url(app, hall))
    first = check_in_by_phone(client, hall, people[0]).get_data(as_text=True)
    assert "verdict-ok" in first and 'id="signature-pad"' not in first
    with app.app_context():
        services.set_signature_required(event_by_slug(), True)
        db.session.commit()
    client.get(hall_url(app, hall))
    again = check_in_by_phone(client, hall, people[0]).get_data(as_text=True)
    assert "verdict-warn" in again and 'id="signature-pad"' in again
    saved = client.post(f"/hadir/{hall}/signature", data={"strokes": strokes()})
    assert "tanda tangan Anda tersimpan" in saved.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Signature.registration_id)) == people[0]["id"]
    # Signed: a third scan is amber and asks for nothing more.
    client.get(hall_url(app, hall))
    third = check_in_by_phone(client, hall, people[0]).get_data(as_text=True)
    assert "verdict-warn" in third and 'id="signature-pad"' not in third


def test_the_door_offers_the_pad_on_an_amber_verdict_until_they_have_signed(
    app, as_user, organiser, hall, people
):
    client = as_user(organiser)
    client.post(f"/events/{SLUG}/door/scan", json={"code": people[0]["code"]})
    with app.app_context():
        services.set_signature_required(event_by_slug(), True)
        db.session.commit()
        checkin_id = db.session.scalar(sa.select(Checkin.id))
    amber = client.post(f"/events/{SLUG}/door/scan", json={"code": people[0]["code"]}).json
    assert amber["code"] == "already_checked_in" and amber["sign"] is True
    client.post(f"/events/{SLUG}/door", data={"code": people[0]["code"]})
    page = client.get(f"/events/{SLUG}/door").get_data(as_text=True)
    assert f"/door/sign/{checkin_id}" in page  # the "hand the phone over" link
    client.post(f"/events/{SLUG}/door/sign/{checkin_id}", data={"strokes": strokes()})
    signed = client.post(f"/events/{SLUG}/door/scan", json={"code": people[0]["code"]}).json
    assert signed["code"] == "already_checked_in" and not signed.get("sign")
    client.post(f"/events/{SLUG}/door", data={"code": people[0]["code"]})
    assert f"/door/sign/{checkin_id}" not in client.get(f"/events/{SLUG}/door").text


def test_a_self_checkin_is_said_to_be_one_not_a_door_called_mandiri(
    app, client, as_user, organiser, hall, people
):
    client.get(hall_url(app, hall))
    check_in_by_phone(client, hall, people[0])
    again = check_in_by_phone(client, hall, people[0]).get_data(as_text=True)
    assert "Sudah check-in pukul" in again and "secara mandiri" in again
    assert "di Mandiri" not in again
    staff = as_user(organiser)
    shown = staff.get(f"/events/{SLUG}/participants/{people[0]['id']}").text
    assert "secara mandiri" in shown and "di Mandiri" not in shown
    found = staff.get(f"/events/{SLUG}/door", query_string={"q": people[0]["name"]}).text
    assert "secara mandiri" in found and "di Mandiri" not in found
    amber = staff.post(f"/events/{SLUG}/door/scan", json={"code": people[0]["code"]}).json
    assert "secara mandiri" in amber["title"] and amber["door"] == "Mandiri"
    staff.post("/language", data={"language": "en"})
    english = staff.get(f"/events/{SLUG}/participants/{people[0]['id']}").text
    assert "by self check-in" in english and "at Mandiri" not in english
    amber = staff.post(f"/events/{SLUG}/door/scan", json={"code": people[0]["code"]}).json
    assert amber["door"] == "Self check-in" and "at Mandiri" not in amber["title"]
    log = staff.get(f"/events/{SLUG}/attendance/log").text
    assert ">Self check-in<" in log and ">Mandiri<" not in log  # the "By" column


def test_where_a_check_in_came_from_reads_in_the_viewers_language(app):
    from flask_babel import force_locale

    from coordination.door.models import checked_in_text, checkin_place

    with app.test_request_context():
        assert checkin_place("scan", "Pintu Utara") == "Pintu Utara"
        assert checkin_place("self", "Mandiri") == "Mandiri"
        assert checkin_place("online", "Daring") == "Daring"
        assert checked_in_text("online", "Daring", "10.00") == "Check-in pukul 10.00 secara daring"
        assert checked_in_text("scan", "Pintu Utara", "10.00", already=True) == (
            "Sudah check-in pukul 10.00 di Pintu Utara"
        )
        with force_locale("en"):
            assert checkin_place("online", "Daring") == "Online"
            assert checkin_place("self", "Mandiri") == "Self check-in"
            assert checked_in_text("online", "Daring", "10:00") == "Checked in online at 10:00"
            assert checked_in_text("self", "Mandiri", "10:00", already=True) == (
                "Already checked in at 10:00 by self check-in"
            )


def test_once_in_the_personal_page_and_the_hall_page_say_so(app, client, hall, people):
    with app.app_context():
        token = registration(people[2]).link_token
    before = client.get(f"/r/{token}").text
    assert "Tunjukkan kode QR ini di pintu masuk." in before
    with app.app_context():
        event = event_by_slug()
        door.check_in_code(
            event, door.default_list(event), people[2]["code"], door.DoorActor("Pintu Utara")
        )
        db.session.commit()
    after = client.get(f"/r/{token}").text
    assert "Tunjukkan kode QR ini di pintu masuk." not in after
    assert "Check-in pukul" in after and "di Pintu Utara" in after
    client.get(hall_url(app, hall))
    page = client.get(f"/hadir/{hall}").text
    assert f"Check-in sebagai {people[2]['name']}" not in page
    assert "di Pintu Utara" in page and f'id="self-in-{people[2]["id"]}"' in page
    # Asked for signatures after they came in: this phone's one tap now leads to the pad.
    with app.app_context():
        services.set_signature_required(event_by_slug(), True)
        db.session.commit()
    page = client.get(f"/hadir/{hall}").text
    assert f"Tanda tangan sebagai {people[2]['name']}" in page
    answer = client.post(f"/hadir/{hall}", data={"person": str(people[2]["id"])}).text
    assert "verdict-warn" in answer and 'id="signature-pad"' in answer
