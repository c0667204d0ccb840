"""Schemathesis against /api/v1/openapi.json, in-process: no server error, no answer that
breaks the document, for valid and for invalid requests to every operation."""

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import given as hypothesis_given
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from . import factories
from .api_support import make_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation and mode: the whole run stays well under a minute.
EXAMPLES = {"GET": 12, "POST": 12, "PATCH": 12, "DELETE": 6}
# Documents are real PDFs: a few of each are enough to show their answers fit the document.
DOCUMENT_EXAMPLES = 3


@pytest.fixture
def world(app, make, organiser):
    """An event with people in every state, a check-in, a second list and an organiser token."""
    slug = make(factories.make_event, organiser["id"], capacity=5)
    people = make(factories.make_participants, slug, 3)
    people += make(factories.make_participants, slug, 1, status="waiting")
    people += make(factories.make_participants, slug, 1, status="cancelled")
    secret = make(make_token, slug, "organiser")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    checked = client.post(
        f"/api/v1/events/{slug}/checkins", json={"code": people[0]["code"]}, headers=headers
    )
    assert checked.status_code == 201
    return {
        "slug": slug,
        "registrations": [person["id"] for person in people],
        "checkins": [checked.json["checkin"]["id"]],
        "headers": headers,
    }


def _aim(case, world) -> None:
    """Point the generated case at the real event; small ids at real rows."""
    parameters = dict(case.path_parameters or {})
    if "slug" in parameters:
        parameters["slug"] = world["slug"]
    for name, real in (("registration_id", "registrations"), ("checkin_id", "checkins")):
        value = parameters.get(name)
        if isinstance(value, int) and 0 < value <= 1000:
            parameters[name] = world[real][value % len(world[real])]
    case.path_parameters = parameters


def _call(strategy, examples: int, world) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis_given(case=strategy)
    def run(case):
        _aim(case, world)
        case.call_and_validate(headers=world["headers"], checks=CHECKS)

    run()


def test_api_answers_every_generated_request_within_its_document(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        # The document's own examples first: valid requests that reach the success paths.
        for strategy in schema.get_strategies_from_examples(operation):
            _call(strategy, 1, world)
        documents = "/documents/" in operation.path
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            examples = DOCUMENT_EXAMPLES if documents else EXAMPLES[operation.method.upper()]
            _call(operation.as_strategy(generation_mode=mode), examples, world)
    assert time.monotonic() - started < 120


MALFORMED_BODIES = ["[1]", '"text"', "[" * 100_000 + "]" * 100_000, "{" * 5, "\x00"]
HUGE_ID = 2**63 + 5


def test_api_answers_malformed_bodies_and_huge_ids_with_a_documented_4xx(app, world):
    """What a generator rarely makes: nesting past the parser's depth, a body that is no
    object, ids past any database integer. Each is a 4xx JSON error the document lists."""
    import re

    from coordination.api.openapi import OPERATIONS

    document = app.test_client().get("/api/v1/openapi.json").json
    client = app.test_client()
    for op in OPERATIONS:
        if op.body is None and "<int:" not in op.rule:
            continue
        path = re.sub(r"<int:\w+>", str(HUGE_ID), op.rule).replace("<slug>", world["slug"])
        documented = document["paths"][re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", op.rule)][op.method]
        bodies = MALFORMED_BODIES if op.body is not None else [None]
        for body in bodies:
            answer = client.open(
                "/api/v1" + path,
                method=op.method.upper(),
                data=body,
                content_type="application/json",
                headers=world["headers"],
            )
            assert 400 <= answer.status_code < 500, (op.method, path, body and body[:5])
            assert str(answer.status_code) in documented["responses"], (op.method, path)
            assert answer.is_json and answer.json["code"], (op.method, path)
