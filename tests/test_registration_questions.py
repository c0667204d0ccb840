"""The organiser's own questions on the registration form."""

import pytest
import sqlalchemy as sa

from coordination.errors import DomainError
from coordination.extensions import db
from coordination.registration.models import Answer, Registration
from coordination.registration.questions import QuestionData, add_question, clean_answers

from .test_registration_pages import FORM, event_slug  # noqa: F401 - shared fixture


@pytest.fixture
def with_questions(client, as_user, organiser, event_slug):  # noqa: F811
    as_user(organiser)
    for data in (
        {"label": "Jumlah anggota koperasi", "kind": "short_text", "required": "y"},
        {
            "label": "Topik yang ingin dibahas",
            "kind": "multiple_choice",
            "options": "Permodalan\nKelembagaan\nDigitalisasi",
        },
        {"label": "Membawa laporan RAT?", "kind": "yes_no", "required": "y"},
    ):
        response = client.post(f"/events/{event_slug}/questions", data=data)
        assert response.status_code == 302
    client.post("/logout")
    return event_slug


def _field_names(client, slug):
    page = client.get(f"/e/{slug}").text
    return page, sorted(set(__import__("re").findall(r'name="(question_\d+)"', page)))


def test_questions_appear_on_the_form_and_answers_are_kept(client, ctx, with_questions):
    page, (members, topics, report) = _field_names(client, with_questions)
    assert "Jumlah anggota koperasi" in page and "Digitalisasi" in page
    response = client.post(
        f"/e/{with_questions}",
        data={**FORM, members: "120", topics: ["Permodalan", "Digitalisasi"], report: "yes"},
    )
    assert response.status_code == 302
    personal = client.get(response.headers["Location"]).text
    assert "120" in personal and "Permodalan\nDigitalisasi" in personal and "Ya" in personal
    assert len(db.session.scalars(sa.select(Answer)).all()) == 3


def test_a_required_question_left_empty_keeps_the_form_and_saves_nothing(
    client, ctx, with_questions
):
    _, (members, _topics, report) = _field_names(client, with_questions)
    response = client.post(f"/e/{with_questions}", data={**FORM, report: "no"})
    assert response.status_code == 200
    assert "Mohon jawab pertanyaan ini." in response.text
    assert 'value="Siti Maulidah"' in response.text
    assert db.session.scalars(sa.select(Registration)).all() == []


def test_the_organiser_sees_the_answers(client, ctx, as_user, organiser, with_questions):
    _, (members, topics, report) = _field_names(client, with_questions)
    client.post(f"/e/{with_questions}", data={**FORM, members: "75", report: "no"})
    registration = db.session.scalar(sa.select(Registration))
    as_user(organiser)
    page = client.get(f"/events/{with_questions}/participants/{registration.id}").text
    assert "Jumlah anggota koperasi" in page and "75" in page and "Tidak" in page


def test_choice_questions_need_choices_and_answers_must_be_among_them(ctx, event_slug):  # noqa: F811
    from coordination.events.models import Event

    event = db.session.scalar(sa.select(Event))
    with pytest.raises(DomainError) as refused:
        add_question(event, QuestionData("Pilih satu", "single_choice", options=["Hanya satu"]))
    assert refused.value.code == "choices_needed"
    question = add_question(event, QuestionData("Sesi", "single_choice", options=["Pagi", "Siang"]))
    with pytest.raises(DomainError) as refused:
        clean_answers([question], {question.id: "Malam"})
    assert refused.value.code == "answer_invalid"
    assert clean_answers([question], {question.id: "Pagi"}) == {question.id: "Pagi"}


def test_people_added_by_the_organiser_or_at_the_door_need_not_answer(
    client, ctx, as_user, organiser, with_questions
):
    """Required questions are for the public form: someone added by hand is not there to
    answer them, and neither is the walk-in the door lets in."""
    as_user(organiser)
    added = client.post(
        f"/events/{with_questions}/participants/new",
        data={"full_name": "Bambang Sutrisno", "phone": "0813-1111-2222", "role": "participant"},
    )
    assert added.status_code == 302
    walk_in = client.post(
        f"/events/{with_questions}/door/walk-in",
        data={"full_name": "Tamu Dadakan", "phone": "0819-1234-5678"},
    )
    assert walk_in.status_code == 302
    names = db.session.scalars(
        sa.select(Registration.full_name).where(Registration.status == "confirmed")
    ).all()
    assert sorted(names) == ["Bambang Sutrisno", "Tamu Dadakan"]
    assert db.session.scalars(sa.select(Answer)).all() == []


def test_every_mistake_is_marked_in_one_go(client, ctx, with_questions):
    """A wrong mobile and e-mail are marked with the unanswered questions, not one submit
    later."""
    response = client.post(f"/e/{with_questions}", data={**FORM, "phone": "123", "email": "bukan@"})
    assert response.status_code == 200
    assert response.text.count("Mohon jawab pertanyaan ini.") == 2
    assert "Isi nomor HP Indonesia" in response.text
    assert "Masukkan alamat e-mail yang valid." in response.text
    assert db.session.scalars(sa.select(Registration)).all() == []


def test_the_personal_link_corrects_the_answers_too(client, ctx, with_questions):
    _, (members, topics, report) = _field_names(client, with_questions)
    client.post(
        f"/e/{with_questions}",
        data={**FORM, members: "120", topics: ["Permodalan", "Digitalisasi"], report: "yes"},
    )
    token = db.session.scalar(sa.select(Registration.link_token))
    form = client.get(f"/r/{token}/edit").text
    assert 'value="120"' in form  # the answers as given, ready to correct
    assert 'value="0812-3456-7890"' in form  # the mobile as people write it, not +62...
    assert form.count("checked") == 3  # two topics and "yes"

    refused = client.post(f"/r/{token}/edit", data={**FORM, members: "", report: "no"})
    assert "Mohon jawab pertanyaan ini." in refused.text
    saved = client.post(
        f"/r/{token}/edit", data={**FORM, members: "95", report: "no"}, follow_redirects=True
    )
    assert "95" in saved.text and "Tidak" in saved.text
    answers = {a.value for a in db.session.scalars(sa.select(Answer))}
    assert answers == {"95", "no"}  # the emptied topics are gone, nothing else changed
