"""The organiser's own questions: defining them, and checking and keeping the answers."""

from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db

from .models import Answer, Question, QuestionKind, Registration

CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE}
YES, NO = "yes", "no"


@dataclass
class QuestionData:
    label: str
    kind: str
    required: bool = False
    options: list[str] | None = None


# Built once: every view of the public form, and every registration, asks for them.
_QUESTIONS_OF = (
    sa.select(Question)
    .where(Question.event_id == sa.bindparam("event_id"))
    .order_by(Question.position, Question.id)
)


def questions_of(event: Event) -> list[Question]:
    return list(db.session.scalars(_QUESTIONS_OF, {"event_id": event.id}))


def _apply(question: Question, data: QuestionData) -> None:
    if data.kind not in set(QuestionKind):
        raise DomainError("invalid_kind")
    options = [o.strip() for o in (data.options or []) if o.strip()]
    if data.kind in CHOICE_KINDS and len(options) < 2:
        raise DomainError("choices_needed")
    question.label = data.label.strip()
    question.kind = data.kind
    question.required = data.required
    question.options_text = "\n".join(dict.fromkeys(options)) if data.kind in CHOICE_KINDS else ""


def add_question(event: Event, data: QuestionData) -> Question:
    position = len(questions_of(event))
    question = Question(event_id=event.id, position=position)
    _apply(question, data)
    db.session.add(question)
    db.session.flush()
    return question


def update_question(question: Question, data: QuestionData) -> Question:
    _apply(question, data)
    db.session.flush()
    return question


def question_of(event: Event, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        raise NotFound()
    return question


def delete_question(question: Question) -> None:
    db.session.delete(question)
    db.session.flush()


def clean_answers(
    questions: list[Question], answers: dict[int, object], *, require: bool = True
) -> dict[int, str]:
    """Check answers against their questions; multiple choices are kept one per line.

    require=False when the person is not there to answer (added by an organiser, or let in
    at the door): a required question is then simply left unanswered.
    """
    cleaned = {}
    for question in questions:
        raw = answers.get(question.id)
        values = raw if isinstance(raw, list) else ([raw] if raw not in (None, "") else [])
        values = [str(v).strip() for v in values if str(v).strip()]
        if not values:
            if question.required and require:
                raise DomainError("answer_required", question_id=question.id)
            continue
        if question.kind in CHOICE_KINDS and not set(values) <= set(question.options):
            raise DomainError("answer_invalid", question_id=question.id)
        if question.kind == QuestionKind.YES_NO and values[0] not in (YES, NO):
            raise DomainError("answer_invalid", question_id=question.id)
        if question.kind != QuestionKind.MULTIPLE_CHOICE and len(values) > 1:
            raise DomainError("answer_invalid", question_id=question.id)
        cleaned[question.id] = "\n".join(values)
    return cleaned


def save_answers(registration: Registration, cleaned: dict[int, str]) -> None:
    if not cleaned:
        return  # answers given before (a cancelled registration coming back) stay as they were
    existing = {
        a.question_id: a
        for a in db.session.scalars(
            sa.select(Answer).where(Answer.registration_id == registration.id)
        )
    }
    for question_id, value in cleaned.items():
        answer = existing.get(question_id) or Answer(
            registration_id=registration.id, question_id=question_id
        )
        answer.value = value
        db.session.add(answer)
    db.session.flush()


def replace_answers(
    registration: Registration, questions: list[Question], answers: dict[int, object]
) -> None:
    """The participant's own corrections: every answer as now given, an emptied one gone."""
    cleaned = clean_answers(questions, answers)
    existing = db.session.scalars(
        sa.select(Answer).where(Answer.registration_id == registration.id)
    ).all()
    asked = {question.id for question in questions}
    for answer in existing:
        if answer.question_id in asked and answer.question_id not in cleaned:
            db.session.delete(answer)
    save_answers(registration, cleaned)


def form_answers(registration: Registration) -> dict[str, object]:
    """The answers as the form's fields hold them: several choices as a list."""
    return {
        f"question_{answer.question_id}": answer.value.splitlines()
        if answer.question.kind == QuestionKind.MULTIPLE_CHOICE
        else answer.value
        for answer in answers_of(registration)
    }


def answers_of(registration: Registration) -> list[Answer]:
    """Answers in question order, with their questions loaded in the same query."""
    return list(
        db.session.scalars(
            sa.select(Answer)
            .join(Answer.question)
            .where(Answer.registration_id == registration.id)
            .options(sa.orm.contains_eager(Answer.question))
            .order_by(Question.position, Question.id)
        )
    )
