"""What happens when Redis, a worker or a process goes away: small cases, one fault each.

The whole story with real processes is in test_fault_redis_worker.py.
"""

import pytest
import sqlalchemy as sa

from coordination import tasks
from coordination.extensions import db, limiter
from coordination.registration.models import Registration

from . import factories
from .test_registration_pages import FORM
from .test_tasks import background_app, closed_port


@pytest.fixture
def nowhere_redis():
    """A Redis URL nothing answers; the shared limiter is as good as new afterwards."""
    yield f"redis://127.0.0.1:{closed_port()}/0"
    limiter._storage_dead = False


def test_registration_goes_on_and_is_still_rate_limited_when_redis_is_away(
    tmp_path, app, make, organiser, nowhere_redis
):
    """The counters fall back to this process's memory instead of answering 500."""
    slug = make(factories.make_event, organiser["id"], capacity=10)
    away = background_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_STORAGE_URI=nowhere_redis,
        REGISTRATION_RATE_LIMIT="2 per minute",
    )
    client = away.test_client()
    answers = [
        client.post(
            f"/e/{slug}",
            data={**FORM, "email": f"p{n}@example.org", "phone": f"0812-3456-78{n:02d}"},
        )
        for n in range(3)
    ]
    tasks.wait_for_threads()
    assert [a.status_code for a in answers] == [302, 302, 429]
    with away.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 2


def test_a_saved_registration_is_not_answered_with_an_error_when_counting_it_fails(
    tmp_path, app, make, organiser, monkeypatch
):
    """The limiter counts a registration after the view; should its store fail right then,
    the registrant is still told the truth: registered (and the row is there)."""
    slug = make(factories.make_event, organiser["id"], capacity=10)
    client = app.test_client()
    form_limit = app.config["REGISTRATION_RATE_LIMIT"].split(";")[0].split()[0]
    strategy = limiter.limiter
    hit = strategy.hit

    def store_gone_after_the_view(item, *args, **kwargs):
        if str(item.amount) == form_limit:  # the deduction of the registration itself
            raise ConnectionError("Redis went away")
        return hit(item, *args, **kwargs)

    monkeypatch.setattr(strategy, "hit", store_gone_after_the_view)
    answer = client.post(f"/e/{slug}", data=FORM)
    with app.app_context():
        saved = db.session.scalar(sa.select(sa.func.count(Registration.id)))
    assert (answer.status_code, saved) == (302, 1)
