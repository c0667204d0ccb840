import sqlalchemy as sa

from coordination.auth.models import User
from coordination.extensions import db

from . import factories


def test_only_admins_see_account_management(client, make, as_user, organiser):
    as_user(organiser)
    assert client.get("/admin/users/").status_code == 404


def test_admin_creates_an_account_that_can_log_in(client, make, as_user):
    as_user(make(factories.make_user, "admin"))
    response = client.post(
        "/admin/users/",
        data={
            "email": "Door@Example.org",
            "name": "Pintu Utara",
            "role": "door",
            "password": "long-enough-1",
        },
        follow_redirects=True,
    )
    assert "Akun door@example.org dibuat." in response.text
    client.post("/logout")
    response = client.post(
        "/login", data={"email": "door@example.org", "password": "long-enough-1"}
    )
    assert response.status_code == 302


def test_admin_form_refuses_bad_input_and_keeps_what_was_typed(client, make, as_user):
    admin = make(factories.make_user, "admin")
    as_user(admin)
    response = client.post(
        "/admin/users/",
        data={
            "email": admin["email"],
            "name": "Nama Saya",
            "role": "organiser",
            "password": "short",
        },
    )
    assert "Akun dengan e-mail ini sudah ada." in response.text
    assert 'value="Nama Saya"' in response.text
    response = client.post(
        "/admin/users/",
        data={"email": "new@example.org", "name": "Baru", "role": "organiser", "password": "short"},
    )
    assert "Kata sandi minimal 8 karakter." in response.text


def test_the_last_admin_cannot_lock_themselves_out(client, make, as_user, ctx):
    admin = make(factories.make_user, "admin")
    as_user(admin)
    response = client.post(
        f"/admin/users/{admin['id']}", data={"name": "Admin", "role": "organiser", "active": "y"}
    )
    assert "Minimal satu administrator aktif harus tetap ada." in response.text
    assert db.session.scalar(sa.select(User.role).where(User.id == admin["id"])) == "admin"


def test_admin_disables_an_account(client, make, as_user, organiser):
    as_user(make(factories.make_user, "admin"))
    client.post(f"/admin/users/{organiser['id']}", data={"name": "Siti", "role": "organiser"})
    client.post("/logout")
    response = client.post(
        "/login", data={"email": organiser["email"], "password": organiser["password"]}
    )
    assert response.status_code == 200


def test_switching_an_account_off_ends_its_tokens_and_door_links(client, make, as_user, ctx):
    """Someone who left must not keep a working API token or door link they made."""
    from coordination.api.services import create_token, token_for_secret
    from coordination.door import access
    from coordination.events.models import Event

    organiser = make(factories.make_user, "organiser")
    colleague = make(factories.make_user, "organiser")
    slug = make(factories.make_event, organiser["id"])
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    _token, secret = create_token(event, "door", "Scanner", created_by_id=organiser["id"])
    link, _pin = access.create_link(event, "Pintu Timur", created_by_id=organiser["id"])
    _other, other_secret = create_token(event, "door", "Lain", created_by_id=colleague["id"])
    db.session.commit()

    as_user(make(factories.make_user, "admin"))
    response = client.post(
        f"/admin/users/{organiser['id']}", data={"name": "Siti", "role": "organiser"}
    )
    assert response.status_code == 302

    db.session.expire_all()
    assert token_for_secret(secret) is None
    assert db.session.get(type(link), link.id).revoked_at is not None
    assert token_for_secret(other_secret) is not None  # a colleague's token is not touched
