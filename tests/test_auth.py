import sqlalchemy as sa

from coordination.auth.models import User
from coordination.extensions import db

from . import factories
from .conftest import login


def test_organiser_logs_in_and_sees_their_events_page(client, organiser):
    response = login(client, organiser, follow=True)
    assert response.status_code == 200
    assert "Masuk sebagai Siti Rahayu" in response.text


def test_wrong_password_is_refused_in_indonesian_and_keeps_the_email(client, organiser):
    response = client.post("/login", data={"email": organiser["email"], "password": "nope-nope"})
    assert response.status_code == 200
    assert "E-mail atau kata sandi salah." in response.text
    assert f'value="{organiser["email"]}"' in response.text


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client):
    response = client.post("/login", data={"email": "ghost@example.org", "password": "x" * 10})
    assert "E-mail atau kata sandi salah." in response.text


def test_disabled_account_cannot_log_in(client, ctx, organiser):
    db.session.get(User, organiser["id"]).is_active_account = False
    db.session.commit()
    response = login(client, organiser)
    assert response.status_code == 200
    assert "E-mail atau kata sandi salah." in response.text


def test_passwords_are_stored_as_scrypt_hashes(ctx, organiser):
    stored = db.session.scalar(sa.select(User.password_hash).where(User.id == organiser["id"]))
    assert stored.startswith("scrypt:")
    assert factories.PASSWORD not in stored


def test_anonymous_visitor_is_sent_to_login_and_back_afterwards(client, organiser):
    response = client.get("/events/new")
    assert response.status_code == 302
    assert "/login?next=/events/new" in response.headers["Location"]
    response = client.post(
        "/login",
        data={
            "email": organiser["email"],
            "password": organiser["password"],
            "next": "/events/new",
        },
    )
    assert response.headers["Location"] == "/events/new"


def test_login_never_redirects_to_another_site(client, organiser):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(
            "/login",
            data={"email": organiser["email"], "password": organiser["password"], "next": target},
        )
        assert response.headers["Location"] == "/"
        client.post("/logout")


def test_logout_ends_the_session(client, as_user, organiser):
    as_user(organiser)
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_the_front_page_welcomes_instead_of_asking_to_log_in(client, organiser):
    response = client.get("/")
    assert response.headers["Location"] == "/login"
    page = client.get("/login").text
    assert "Selamat datang di Rakor" in page
    assert "Silakan masuk untuk membuka halaman tersebut" not in page


def test_the_login_page_shows_the_demo_logins_only_while_the_demo_is_alone(client, ctx):
    from coordination.demo.services import ORGANISER, load_demo

    load_demo()
    db.session.commit()
    page = client.get("/login").text
    assert "Coba demo" in page and ORGANISER.email in page and ORGANISER.password in page
    factories.make_user("organiser", email="sekretariat@dinas.example")
    page = client.get("/login").text
    assert "Coba demo" not in page and ORGANISER.password not in page
