"""The OpenAPI 3.1 document, built from the routes themselves.

Every API view is declared with `operation(...)`: it registers the Flask route, parses and
validates the query and the JSON body with their pydantic models, answers in the client's
language, and records what the document says about it. The JSON Schemas are pydantic's own
(JSON Schema 2020-12, which OpenAPI 3.1 uses as is), so the document and the validation
cannot drift apart.
"""

import re
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, request
from flask_babel import force_locale
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from coordination.door.services import scan_connection
from coordination.permissions import pass_along

from . import schemas
from .auth import authenticate, event_for, organises_somewhere, principal
from .errors import MESSAGES, ApiError, language

PDF = "application/pdf"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REF = "#/components/schemas/{model}"


@dataclass
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    description: str
    tag: str
    roles: tuple[str, ...]
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    responses: dict[int, object]
    errors: tuple[int, ...]
    extra_codes: dict[int, tuple[str, ...]] = field(default_factory=dict)


OPERATIONS: list[Operation] = []


def _parse(model: type[BaseModel], data, where: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ApiError(
            "validation_failed",
            errors=[
                {
                    "field": ".".join([where, *(str(part) for part in item["loc"])]),
                    "message": item["msg"],
                }
                for item in error.errors(include_url=False)
            ],
        ) from None


def _query_data(model: type[BaseModel]) -> dict:
    data = {}
    for name, info in model.model_fields.items():
        if name not in request.args:
            continue
        is_list = getattr(info.annotation, "__origin__", None) is list
        data[name] = request.args.getlist(name) if is_list else request.args.get(name)
    return data  # other parameters are ignored, as a cache-busting one should be


def operation(
    bp: Blueprint,
    method: str,
    rule: str,
    *,
    summary: str,
    tag: str,
    roles: tuple[str, ...] = ("organiser", "door"),
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    responses: dict[int, object],
    errors: tuple[int, ...] = (),
    description: str = "",
    public: bool = False,
    on_connection: bool = False,
):
    """Declare an API view: its route, its inputs, its answers.

    on_connection: the view is a door's scan, on the hot path of a queue. Its caller and
    event are read on a connection of its own in autocommit (door.services.scan_connection),
    the view gets it as `connection` and the event as an EventAtDoor, and no ORM session
    is opened unless a refusal needs one."""

    def decorator(view):
        @wraps(view)
        def wrapper(**kwargs):
            if on_connection:
                with scan_connection() as connection:
                    return checked(connection, **kwargs)
            return checked(None, **kwargs)

        def checked(connection, **kwargs):
            with force_locale(language()):
                known = None
                if not public:
                    _caller, known = authenticate(connection, kwargs.get("slug"))
                if any(isinstance(v, int) and v > schemas.MAX_ID for v in kwargs.values()):
                    raise ApiError("not_found")  # an id no INTEGER column can hold
                # Who may see the event (else 404), then whether the role suffices (else
                # 403), and only then whether the values are right (else 422).
                needed = "organiser" if roles == ("organiser",) else "door"
                if "slug" in kwargs:
                    event, held = event_for(kwargs.pop("slug"), needed, connection, known)
                    pass_along(view, kwargs, event, principal(), held)
                    if connection is not None:
                        kwargs["connection"] = connection
                elif not public and needed == "organiser" and not organises_somewhere():
                    raise ApiError("forbidden")
                if query is not None:
                    kwargs["query"] = _parse(query, _query_data(query), "query")
                if body is not None:
                    payload = request.get_json(force=True, silent=True)
                    if not isinstance(payload, dict):
                        raise ApiError("invalid_body")
                    kwargs["body"] = _parse(body, payload, "body")
                return view(**kwargs)

        bp.add_url_rule(rule, view.__name__, wrapper, methods=[method])
        OPERATIONS.append(
            Operation(
                method=method.lower(),
                rule=rule,  # relative to the document's server, /api/v1
                endpoint=view.__name__,
                summary=summary,
                description=description or (view.__doc__ or "").strip(),
                tag=tag,
                roles=() if public else roles,
                body=body,
                query=query,
                responses=responses,
                errors=errors,
            )
        )
        return wrapper

    return decorator


# --- The document ------------------------------------------------------------------------

CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
PATH_DESCRIPTIONS = {
    "slug": "The event's web address (slug).",
    "registration_id": "A registration of this event.",
    "checkin_id": "A check-in of this event.",
    "job_id": "A document job of this event, as a 202 answer named it.",
}
# Path parameters that are neither ids nor slugs.
PATH_SCHEMAS = {"job_id": {"type": "string", "pattern": r"^[A-Za-z0-9_-]+$", "maxLength": 64}}
ERROR_DESCRIPTIONS = {
    401: "No credentials, or an unknown or revoked token.",
    403: "The caller's role may not do this (or, for a session, the CSRF header is missing).",
    404: "Not found, or not visible to the caller.",
    409: "The request conflicts with the current state.",
    422: "A value is missing or not valid.",
    429: "Too many requests.",
}
INTRO = """\
Rakor's REST API. Every answer is JSON except the documents; errors look like
`{"code": "already_checked_in", "message": "..."}` with a stable `code` and a `message` in
the language of `Accept-Language` (`id`, the default, or `en`).

**Authentication.** An organiser makes a token on the event's *API tokens* page, or with
`flask --app app tokens create --event SLUG --role organiser|door`, and sends it as
`Authorization: Bearer rk_...`. A token sees one event. An *organiser* token may do
everything below; a *door* token may read the event, its check-in lists and check-ins, find
people (without their mobile number or e-mail) and check them in or undo a check-in.
The door page's own session works as well; its changes need the page's CSRF token in an
`X-CSRFToken` header. Events the caller has no role at answer 404, like the pages.
"""


def _path_parameters(rule: str) -> tuple[str, list[dict]]:
    parameters = []

    def replace(match: re.Match) -> str:
        converter, name = match.groups()
        if converter == "int":
            schema = {"type": "integer", "minimum": 1, "maximum": schemas.MAX_ID}
        elif name in PATH_SCHEMAS:
            schema = PATH_SCHEMAS[name]
        else:
            schema = {"type": "string", "pattern": r"^[a-z0-9]+(?:-[a-z0-9]+)*$", "maxLength": 80}
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "description": PATH_DESCRIPTIONS.get(name, ""),
                "schema": schema,
            }
        )
        return "{" + name + "}"

    return CONVERTER.sub(replace, rule), parameters


def _query_parameters(model: type[BaseModel], definitions: dict) -> list[dict]:
    schema = definitions[model.__name__]
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = {k: v for k, v in prop.items() if k != "title"}
        description = prop.pop("description", "")
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        if prop.get("type") == "array":
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


def _error_response(status: int) -> dict:
    codes = sorted(code for code, (code_status, _) in MESSAGES.items() if code_status == status)
    return {
        "description": ERROR_DESCRIPTIONS[status] + " Codes: " + ", ".join(codes) + ".",
        "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
    }


def _success_response(status: int, answer) -> dict:
    if answer is None:
        return {"description": "Done; no content."}
    if isinstance(answer, str):
        binary = {"type": "string", "contentMediaType": answer}
        return {"description": "The document.", "content": {answer: {"schema": binary}}}
    if isinstance(answer, dict):  # a raw JSON Schema
        return {"description": "OK", "content": {"application/json": {"schema": answer}}}
    return {
        "description": (answer.__doc__ or "OK").strip().splitlines()[0],
        "content": {"application/json": {"schema": {"$ref": REF.format(model=answer.__name__)}}},
    }


def document(server_url: str) -> dict:
    """The OpenAPI 3.1 document of every declared operation."""
    bodies = [op.body for op in OPERATIONS if op.body]
    queries = [op.query for op in OPERATIONS if op.query]
    answers = [
        answer
        for op in OPERATIONS
        for answer in op.responses.values()
        if isinstance(answer, type) and issubclass(answer, BaseModel)
    ]
    models = {model: None for model in [*bodies, *answers, schemas.Error]}
    keys = [(model, "validation") for model in [*models, *queries]]
    _, json_schema = models_json_schema(keys, ref_template=REF)
    definitions = json_schema.get("$defs", {})
    component_schemas = {
        name: body
        for name, body in definitions.items()
        if name not in {q.__name__ for q in queries}
    }

    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        path, parameters = _path_parameters(op.rule)
        if op.query is not None:
            parameters += _query_parameters(op.query, definitions)
        responses = {str(s): _success_response(s, a) for s, a in op.responses.items()}
        error_statuses = set(op.errors) | {429}
        if op.roles:
            error_statuses |= {401}
            if op.method != "get" or "door" not in op.roles:
                error_statuses |= {403}
        if parameters and any(p["in"] == "path" for p in parameters):
            error_statuses |= {404}
        if op.body is not None or op.query is not None:
            error_statuses |= {422}
        for status in sorted(error_statuses):
            responses[str(status)] = _error_response(status)
        entry = {
            "operationId": op.endpoint,
            "summary": op.summary,
            "tags": [op.tag],
            "responses": responses,
        }
        description = op.description
        if op.roles:
            description = (description + "\n\nRoles: " + ", ".join(op.roles) + ".").strip()
        else:
            entry["security"] = []
        if description:
            entry["description"] = description
        if parameters:
            entry["parameters"] = parameters
        if op.body is not None:
            media = {"schema": {"$ref": REF.format(model=op.body.__name__)}}
            examples = definitions[op.body.__name__].get("examples")
            if examples:
                media["example"] = examples[0]
            entry["requestBody"] = {"required": True, "content": {"application/json": media}}
        paths.setdefault(path, {})[op.method] = entry

    return {
        "openapi": "3.1.0",
        "info": {"title": "Rakor API", "version": "1.0.0", "description": INTRO},
        "servers": [{"url": server_url}],
        "security": [{"bearerToken": []}, {"doorSession": []}],
        "tags": [
            {"name": "events", "description": "Meetings."},
            {"name": "registrations", "description": "Who registered, with capacity rules."},
            {"name": "check-in", "description": "Check-in lists, check-ins and undo."},
            {"name": "documents", "description": "PDFs and spreadsheets, organisers only."},
        ],
        "paths": paths,
        "components": {
            "schemas": component_schemas,
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (rk_...) of one event.",
                },
                "doorSession": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The door page's session; changes need X-CSRFToken.",
                },
            },
        },
    }
