"""Whatever is typed into the public form: a page with field errors or a success, never a 500,
and never a half-written registration."""

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordination.extensions import db, utcnow
from coordination.registration.models import Registration, RegistrationStatus

from . import factories

ADDRESSES = itertools.count()
awkward_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "So"]), max_size=50),
    st.sampled_from(["", " ", "مرحبا بالعالم", "👩🏽‍🌾" * 40, "x" * 5000, "<script>", "\x00"]),
)
phones = st.one_of(awkward_text, st.sampled_from(["0812-3456-7890", "+62 813 1111 2222"]))
emails = st.one_of(awkward_text, st.sampled_from(["a@example.org", "B@Example.ORG"]))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=awkward_text, organisation=awkward_text, position=awkward_text, phone=phones, email=emails
)
def test_public_form_survives_anything(app, organiser, name, organisation, position, phone, email):
    now = utcnow()
    with app.app_context():
        slug = factories.make_event(
            organiser["id"],
            capacity=1,
            starts_at=now + timedelta(days=3),
            ends_at=now + timedelta(days=3, hours=2),
        )
    client = app.test_client()
    data = {
        "full_name": name,
        "organisation": organisation,
        "position": position,
        "phone": phone,
        "email": email,
    }
    # Each example from its own address, so the rate limit stays out of the way.
    address = f"127.0.{next(ADDRESSES) // 250}.{next(ADDRESSES) % 250 + 1}"
    response = client.post(f"/e/{slug}", data=data, environ_base={"REMOTE_ADDR": address})
    assert response.status_code in (200, 302)
    with app.app_context():
        saved = db.session.scalars(sa.select(Registration)).all()
        for registration in saved:
            assert registration.full_name.strip()
            assert registration.phone or registration.email
            assert registration.status in set(RegistrationStatus)
        assert len(saved) == (1 if response.status_code == 302 else 0)
        db.session.execute(sa.delete(Registration))
        db.session.commit()


MALFORMED_BODIES = [
    {"data": "[1]", "content_type": "application/json"},
    {"data": '"text"', "content_type": "application/json"},
    {"data": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"},
    {"data": '{"scans": [1, "x", null]}', "content_type": "application/json"},
    {"data": b"\xff\xfe\x00", "content_type": "application/json"},
    {"data": {"full_name": "\x00", "phone": "\u202e0812", "email": "a@b.c\x1b"}},
]


@pytest.mark.parametrize("body", MALFORMED_BODIES, ids=range(len(MALFORMED_BODIES)))
def test_public_and_door_routes_refuse_malformed_bodies_without_a_server_error(
    app, organiser, body
):
    """The routes anyone may call, sent what no page sends: no 5xx, and nothing written."""
    with app.app_context():
        slug = factories.make_event(organiser["id"])
        factories.make_participants(slug, 1)
    client = app.test_client()
    paths = [f"/e/{slug}", "/language", f"/events/{slug}/door/scan", f"/events/{slug}/door/sync"]
    for path in paths:
        response = client.post(path, **body)
        # A page shows its form again, or sends the caller to log in; never a 5xx.
        assert response.status_code < 500, path
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
