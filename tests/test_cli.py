import sqlalchemy as sa

from coordination.auth.models import User
from coordination.demo.services import DEMO_SLUG, FOLLOW_UP_SLUG
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.registration.models import Registration


def test_users_create_with_a_password_and_list(runner, ctx):
    result = runner.invoke(
        args=["users", "create", "Ketua@Example.org", "--role", "admin", "--password", "pw-123456"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert user.email == "ketua@example.org" and user.check_password("pw-123456")
    listing = runner.invoke(args=["users", "list"]).output
    assert "ketua@example.org" in listing and "admin" in listing


def test_users_create_prompts_for_the_password_when_omitted(runner, ctx):
    result = runner.invoke(
        args=["users", "create", "pintu@example.org", "--role", "door"],
        input="rahasia-pintu\nrahasia-pintu\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User)).check_password("rahasia-pintu")


def test_users_create_refuses_bad_input_plainly(runner, ctx):
    runner.invoke(
        args=["users", "create", "a@example.org", "--role", "door", "--password", "x" * 9]
    )
    again = runner.invoke(
        args=["users", "create", "a@example.org", "--role", "door", "--password", "x" * 9]
    )
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(
        args=["users", "create", "b@example.org", "--role", "door", "--password", "x"]
    )
    assert "at least 8" in short.output
    role = runner.invoke(
        args=["users", "create", "c@example.org", "--role", "boss", "--password", "x" * 9]
    )
    assert role.exit_code != 0


def test_demo_loads_the_bale_hinggil_meeting(runner, ctx):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "panitia@dekopinda.example" in result.output
    event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_SLUG))
    assert event.title == "Rakor Bersama Sinkronisasi Program Pemberdayaan Koperasi"
    assert event.organising_body == "Dekopinda Kabupaten Probolinggo"
    assert event.venue_name == "Aula Bale Hinggil"
    assert event.starts_at.isoformat() == "2018-11-23T06:00:00+00:00"  # 13.00 WIB
    speakers = {s.name for item in event.agenda for s in item.speakers}
    assert speakers == {"Setiadi Agus Prakoso", "Joko Rohani Sanjaya"}
    people = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id)
    ).all()
    assert len(people) == 50
    assert len({p.organisation for p in people}) == 50
    assert all(p.phone.startswith("+628120000") for p in people)


def test_demo_has_an_upcoming_follow_up_open_for_registration(runner, ctx):
    runner.invoke(args=["demo"])
    follow_up = db.session.scalar(sa.select(Event).where(Event.slug == FOLLOW_UP_SLUG))
    now = utcnow()
    assert follow_up.starts_at > now
    assert follow_up.registration_opens_at <= now < follow_up.registration_closes_at


def test_demo_if_empty_leaves_a_used_database_alone(runner, ctx):
    runner.invoke(
        args=["users", "create", "a@example.org", "--role", "admin", "--password", "x" * 9]
    )
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code != 0


def test_hall_certificate_covers_this_machine_and_is_made_once(tmp_path):
    from cryptography import x509

    from coordination import tls

    cert, key, made = tls.ensure_certificate(tmp_path / "tls")
    assert made and key.stat().st_mode & 0o777 == 0o600
    names = x509.load_pem_x509_certificate(cert.read_bytes()).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    covered = {str(ip) for ip in names.value.get_values_for_type(x509.IPAddress)}
    assert set(tls.local_addresses()) <= covered and "127.0.0.1" in covered
    assert tls.ensure_certificate(tmp_path / "tls")[2] is False  # kept, not remade
    assert len(tls.fingerprint(cert).split(":")) == 32


def test_tls_cert_command_prints_the_addresses_door_phones_open(runner, app, tmp_path):
    app.instance_path = str(tmp_path)
    result = runner.invoke(args=["tls-cert", "--port", "5443"])
    assert result.exit_code == 0
    assert "https://127.0.0.1:5443" in result.output and "SHA-256" in result.output
