# ruff: noqa: E501 (the tables keep one route per line, its answers lined up in columns)
"""Who may open what: every route of the app against every kind of visitor.

The table below has one row per route (method and rule, as in app.url_map) and one column per
visitor; each cell is the status that visitor must get. A route with no row fails the test:
whoever adds a route decides here who may use it.

Visitors (columns):
  anon   nobody: no session, and only made-up link secrets
  part   a participant of event A holding their personal link (/r/...) and invitation (/i/...)
  d_oth  a door-staff account of event B
  door   a door-staff account of event A
  link   a volunteer's phone that opened event A's door link (/d/...) with its PIN
  o_oth  an organiser of event B
  org    an organiser of event A
  admin  an administrator (organiser everywhere)

Every URL points into event A. Only the holder of a secret link uses the real secret; everyone
else tries one that does not exist. Each visitor gets a fresh database, so what one visitor's
POSTs change never shows in another's answers; within one run, POSTs that remove or change
something use objects kept for them, and the archive and the logout come last. Cancelling a
registration, revoking a door link and removing a team member ask first: a bare POST gets
the question (200) and changes nothing. A door prints badges only of its own walk-ins.
"""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coordination import create_app
from coordination.api import services as api
from coordination.auth.models import User
from coordination.config import TestConfig
from coordination.documents import jobs
from coordination.door import access
from coordination.door import services as door
from coordination.door.models import CheckinList
from coordination.door.services import DoorActor
from coordination.events.models import Event
from coordination.events.services import AgendaItemData, add_agenda_item, add_member
from coordination.extensions import db, utcnow
from coordination.paperwork.certificates import certificates_document
from coordination.registration.models import Invitation
from coordination.registration.questions import QuestionData, add_question
from coordination.registration.services import ParticipantData, register

from . import factories
from .conftest import database_url, login

PERSONAS = ("anon", "part", "d_oth", "door", "link", "o_oth", "org", "admin")
FAKE_SECRET = "Tidak-Ada-Rahasia-Seperti-Ini-0000000000000"

# fmt: off
MATRIX = {
    # method, rule                                                           anon part d_oth door link o_oth org admin
    ("GET", "/"):                                                            (302, 302, 200, 200, 302, 200, 200, 200),
    ("GET", "/admin/users/"):                                                (302, 302, 404, 404, 302, 404, 404, 200),
    ("POST", "/admin/users/"):                                               (302, 302, 404, 404, 302, 404, 404, 200),
    ("GET", "/admin/users/<int:user_id>"):                                   (302, 302, 404, 404, 302, 404, 404, 200),
    ("POST", "/admin/users/<int:user_id>"):                                  (302, 302, 404, 404, 302, 404, 404, 200),
    ("GET", "/api/v1/docs"):                                                 (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/events"):                                               (401, 401, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/v1/events"):                                              (401, 401, 403, 403, 403, 422, 422, 422),
    ("GET", "/api/v1/events/<slug>"):                                        (401, 401, 404, 200, 200, 404, 200, 200),
    ("PATCH", "/api/v1/events/<slug>"):                                      (401, 401, 404, 403, 403, 404, 200, 200),
    ("GET", "/api/v1/events/<slug>/checkin-lists"):                          (401, 401, 404, 200, 200, 404, 200, 200),
    ("GET", "/api/v1/events/<slug>/checkins"):                               (401, 401, 404, 200, 200, 404, 200, 200),
    ("POST", "/api/v1/events/<slug>/checkins"):                              (401, 401, 404, 422, 422, 404, 422, 422),
    ("DELETE", "/api/v1/events/<slug>/checkins/<int:checkin_id>"):           (401, 401, 404, 204, 204, 404, 204, 204),
    ("GET", "/api/v1/events/<slug>/documents/attendance.pdf"):               (401, 401, 404, 403, 403, 404, 200, 200),
    ("GET", "/api/v1/events/<slug>/documents/badges.pdf"):                   (401, 401, 404, 403, 403, 404, 200, 200),
    ("GET", "/api/v1/events/<slug>/documents/minutes.pdf"):                  (401, 401, 404, 403, 403, 404, 200, 200),
    ("GET", "/api/v1/events/<slug>/documents/jobs/<job_id>"):                (401, 401, 404, 403, 403, 404, 200, 200),
    ("GET", "/api/v1/events/<slug>/documents/jobs/<job_id>/download"):       (401, 401, 404, 403, 403, 404, 200, 200),
    ("GET", "/api/v1/events/<slug>/documents/participants.csv"):             (401, 401, 404, 403, 403, 404, 200, 200),
    ("GET", "/api/v1/events/<slug>/documents/participants.xlsx"):            (401, 401, 404, 403, 403, 404, 200, 200),
    ("GET", "/api/v1/events/<slug>/registrations"):                          (401, 401, 404, 200, 200, 404, 200, 200),
    ("POST", "/api/v1/events/<slug>/registrations"):                         (401, 401, 404, 403, 403, 404, 422, 422),
    ("GET", "/api/v1/events/<slug>/registrations/<int:registration_id>"):    (401, 401, 404, 200, 200, 404, 200, 200),
    ("POST", "/api/v1/events/<slug>/registrations/<int:registration_id>/cancel"): (401, 401, 404, 403, 403, 404, 200, 200),
    ("GET", "/api/v1/openapi.json"):                                         (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/d/<token>"):                                                   (404, 404, 404, 404, 200, 404, 404, 404),
    ("POST", "/d/<token>"):                                                  (404, 404, 404, 404, 200, 404, 404, 404),
    ("GET", "/door-sw.js"):                                                  (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/e/<slug>"):                                                    (200, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/e/<slug>"):                                                   (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/events/<slug>"):                                               (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/agenda/<int:item_id>"):                          (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/agenda/<int:item_id>"):                         (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/agenda/<int:item_id>/delete"):                  (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/agenda/new"):                                    (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/agenda/new"):                                   (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/api-tokens"):                                    (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/api-tokens"):                                   (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/api-tokens/<int:token_id>/revoke"):             (302, 302, 404, 404, 302, 404, 302, 302),
    ("POST", "/events/<slug>/archive"):                                      (302, 302, 404, 404, 302, 404, 302, 302),
    ("GET", "/events/<slug>/attendance"):                                    (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/attendance-list.pdf"):                           (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/attendance.json"):                               (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/hall-qr"):                                       (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/hall-qr.json"):                                  (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/signature-setting"):                            (302, 302, 404, 404, 302, 404, 302, 302),
    ("POST", "/events/<slug>/checkin-lists/<int:list_id>/self-checkin"):     (302, 302, 404, 404, 302, 404, 302, 302),
    ("GET", "/events/<slug>/door/sign/<int:checkin_id>"):                    (302, 302, 404, 200, 200, 404, 200, 200),
    ("POST", "/events/<slug>/door/sign/<int:checkin_id>"):                   (302, 302, 404, 400, 400, 404, 400, 400),
    # Self check-in: the spare list has it off; signing needs one's own fresh check-in.
    ("GET", "/hadir/<int:list_id>"):                                         (404, 404, 404, 404, 404, 404, 404, 404),
    ("POST", "/hadir/<int:list_id>"):                                        (404, 404, 404, 404, 404, 404, 404, 404),
    ("GET", "/hadir/<int:list_id>/<token>"):                                 (404, 404, 404, 404, 404, 404, 404, 404),
    ("POST", "/hadir/<int:list_id>/register"):                               (404, 404, 404, 404, 404, 404, 404, 404),
    ("POST", "/hadir/<int:list_id>/signature"):                              (403, 403, 403, 403, 403, 403, 403, 403),
    ("GET", "/events/<slug>/attendance/log"):                                (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/attendance/paper"):                              (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/attendance/paper"):                             (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/attendance/quorum"):                            (302, 302, 404, 404, 302, 404, 302, 302),
    ("GET", "/events/<slug>/badge-style"):                                   (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/badge-style"):                                  (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/badges.pdf"):                                    (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/certificates.pdf"):                              (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/certificates/<int:registration_id>.pdf"):        (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/certificates/settings"):                        (302, 302, 404, 404, 302, 404, 302, 302),
    ("POST", "/events/<slug>/certificates/issue"):                           (302, 302, 404, 404, 302, 404, 302, 302),
    ("GET", "/events/<slug>/letterhead"):                                    (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/letterhead"):                                   (302, 302, 404, 404, 302, 404, 302, 302),
    ("POST", "/events/<slug>/letterhead/choose"):                            (302, 302, 404, 404, 302, 404, 302, 302),
    ("POST", "/events/<slug>/letterhead/signers"):                           (302, 302, 404, 404, 302, 404, 302, 302),
    ("GET", "/events/<slug>/letter"):                                        (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/letter"):                                       (302, 302, 404, 404, 302, 404, 302, 302),
    ("GET", "/events/<slug>/letters.pdf"):                                   (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/letters/<int:invitation_id>.pdf"):               (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/checkin-lists"):                                 (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/checkin-lists"):                                (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/checkin-lists/<int:list_id>/remove"):           (302, 302, 404, 404, 302, 404, 302, 302),
    ("GET", "/events/<slug>/documents/<job_id>"):                            (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/documents/<job_id>/download"):                   (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/door"):                                          (302, 302, 404, 200, 200, 404, 200, 200),
    ("POST", "/events/<slug>/door"):                                         (302, 302, 404, 302, 302, 404, 302, 302),
    ("GET", "/events/<slug>/door-access"):                                   (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/door-access"):                                  (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/door-access/<int:link_id>/revoke"):             (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/door-access/<int:link_id>/whatsapp"):           (302, 302, 404, 404, 302, 404, 302, 302),
    ("POST", "/events/<slug>/door-access/offline-rule"):                     (302, 302, 404, 404, 302, 404, 302, 302),
    ("POST", "/events/<slug>/door/admit/<int:registration_id>"):             (302, 302, 404, 302, 302, 404, 302, 302),
    ("GET", "/events/<slug>/door/badge/<int:registration_id>.pdf"):          (302, 302, 404, 404, 404, 404, 200, 200),
    ("GET", "/events/<slug>/door/offline.json"):                             (404, 404, 404, 200, 200, 404, 200, 200),
    ("GET", "/events/<slug>/door/recent.json"):                              (404, 404, 404, 200, 200, 404, 200, 200),
    ("POST", "/events/<slug>/door/scan"):                                    (404, 404, 404, 200, 200, 404, 200, 200),
    ("POST", "/events/<slug>/door/sync"):                                    (404, 404, 404, 200, 200, 404, 200, 200),
    ("POST", "/events/<slug>/door/undo/<int:checkin_id>"):                   (302, 302, 404, 302, 302, 404, 302, 302),
    ("GET", "/events/<slug>/door/walk-in"):                                  (302, 302, 404, 200, 200, 404, 200, 200),
    ("POST", "/events/<slug>/door/walk-in"):                                 (302, 302, 404, 200, 200, 404, 200, 200),
    ("POST", "/events/<slug>/duplicate"):                                    (302, 302, 404, 404, 302, 404, 302, 302),
    ("GET", "/events/<slug>/edit"):                                          (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/edit"):                                         (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/export"):                                        (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/export.<any(csv, xlsx):format>"):                (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/invitations"):                                   (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/invitations"):                                  (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/invitations/<int:invitation_id>/resend"):       (302, 302, 404, 404, 302, 404, 302, 302),
    ("POST", "/events/<slug>/invitations/<int:invitation_id>/withdraw"):     (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/invitations/<int:invitation_id>/whatsapp"):     (302, 302, 404, 404, 302, 404, 302, 302),
    ("GET", "/events/<slug>/invitations/template.<any(csv, xlsx):kind>"):    (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/minutes"):                                       (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/minutes"):                                      (302, 302, 404, 404, 302, 404, 422, 422),
    ("GET", "/events/<slug>/minutes.pdf"):                                   (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/minutes/finalise"):                              (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/minutes/finalise"):                             (302, 302, 404, 404, 302, 404, 400, 400),
    ("POST", "/events/<slug>/minutes/reopen"):                               (302, 302, 404, 404, 302, 404, 422, 422),
    ("GET", "/events/<slug>/laporan"):                                       (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/laporan/photos"):                               (302, 302, 404, 404, 302, 404, 422, 422),
    ("POST", "/events/<slug>/laporan/scan"):                                 (302, 302, 404, 404, 302, 404, 422, 422),
    ("POST", "/events/<slug>/laporan/remove"):                               (302, 302, 404, 404, 302, 404, 400, 400),
    ("GET", "/events/<slug>/laporan.pdf"):                                   (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/outbox"):                                        (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/participants"):                                  (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/participants/<int:registration_id>"):            (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/participants/<int:registration_id>"):           (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/participants/<int:registration_id>/<any(cancel, restore, confirm):action>"): (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/participants/<int:registration_id>/called"):    (302, 302, 404, 404, 302, 404, 302, 302),
    ("GET", "/events/<slug>/participants/<int:registration_id>/badge.pdf"):  (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/participants/<int:registration_id>/reissue"):   (302, 302, 404, 404, 302, 404, 302, 302),
    ("GET", "/events/<slug>/participants/new"):                              (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/participants/new"):                             (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/poster"):                                        (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/poster.svg"):                                    (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/questions"):                                     (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/questions"):                                    (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/<slug>/questions/<int:question_id>"):                   (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/questions/<int:question_id>"):                  (302, 302, 404, 404, 302, 404, 200, 200),
    ("POST", "/events/<slug>/questions/<int:question_id>/delete"):           (302, 302, 404, 404, 302, 404, 302, 302),
    ("POST", "/events/<slug>/team"):                                         (302, 302, 404, 404, 302, 404, 302, 302),
    ("POST", "/events/<slug>/team/<int:member_id>/remove"):                  (302, 302, 404, 404, 302, 404, 200, 200),
    ("GET", "/events/new"):                                                  (302, 302, 404, 404, 302, 200, 200, 200),
    ("POST", "/events/new"):                                                 (302, 302, 404, 404, 302, 200, 200, 200),
    ("GET", "/healthz"):                                                     (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/i/<token>"):                                                   (404, 302, 404, 404, 404, 404, 404, 404),
    ("POST", "/i/<token>"):                                                  (404, 302, 404, 404, 404, 404, 404, 404),
    ("POST", "/i/<token>/decline"):                                          (404, 302, 404, 404, 404, 404, 404, 404),
    ("POST", "/language"):                                                   (302, 302, 302, 302, 302, 302, 302, 302),
    ("GET", "/login"):                                                       (200, 200, 302, 302, 200, 302, 302, 302),
    ("POST", "/login"):                                                      (200, 200, 302, 302, 200, 302, 302, 302),
    ("POST", "/logout"):                                                     (302, 302, 302, 302, 302, 302, 302, 302),
    ("GET", "/r/<token>"):                                                   (404, 200, 404, 404, 404, 404, 404, 404),
    ("GET", "/r/<token>/badge.pdf"):                                         (404, 200, 404, 404, 404, 404, 404, 404),
    ("POST", "/r/<token>/cancel"):                                           (404, 200, 404, 404, 404, 404, 404, 404),
    ("POST", "/r/<token>/online"):                                           (404, 302, 404, 404, 404, 404, 404, 404),
    ("GET", "/r/<token>/edit"):                                              (404, 200, 404, 404, 404, 404, 404, 404),
    ("POST", "/r/<token>/edit"):                                             (404, 200, 404, 404, 404, 404, 404, 404),
    ("GET", "/r/<token>/qr.png"):                                            (404, 200, 404, 404, 404, 404, 404, 404),
    ("GET", "/r/<token>/qr.svg"):                                            (404, 200, 404, 404, 404, 404, 404, 404),
    ("GET", "/readyz"):                                                      (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/static/<path:filename>"):                                      (200, 200, 200, 200, 200, 200, 200, 200),
}
# fmt: on

# API routes again, for bearer tokens (no session): columns
#   tok_door  a door token of event A   tok_org  an organiser token of A   tok_oth  of event B
TOKEN_PERSONAS = ("tok_door", "tok_org", "tok_oth")

# fmt: off
API_TOKENS = {
    # method, rule                                                          tok_door tok_org tok_oth
    ("GET", "/api/v1/docs"):                                                 (200, 200, 200),
    ("GET", "/api/v1/events"):                                               (200, 200, 200),
    ("POST", "/api/v1/events"):                                              (403, 422, 422),
    ("GET", "/api/v1/events/<slug>"):                                        (200, 200, 404),
    ("PATCH", "/api/v1/events/<slug>"):                                      (403, 200, 404),
    ("GET", "/api/v1/events/<slug>/checkin-lists"):                          (200, 200, 404),
    ("GET", "/api/v1/events/<slug>/checkins"):                               (200, 200, 404),
    ("POST", "/api/v1/events/<slug>/checkins"):                              (422, 422, 404),
    ("DELETE", "/api/v1/events/<slug>/checkins/<int:checkin_id>"):           (204, 204, 404),
    ("GET", "/api/v1/events/<slug>/documents/attendance.pdf"):               (403, 200, 404),
    ("GET", "/api/v1/events/<slug>/documents/badges.pdf"):                   (403, 200, 404),
    ("GET", "/api/v1/events/<slug>/documents/minutes.pdf"):                  (403, 200, 404),
    ("GET", "/api/v1/events/<slug>/documents/jobs/<job_id>"):                (403, 200, 404),
    ("GET", "/api/v1/events/<slug>/documents/jobs/<job_id>/download"):       (403, 200, 404),
    ("GET", "/api/v1/events/<slug>/documents/participants.csv"):             (403, 200, 404),
    ("GET", "/api/v1/events/<slug>/documents/participants.xlsx"):            (403, 200, 404),
    ("GET", "/api/v1/events/<slug>/registrations"):                          (200, 200, 404),
    ("POST", "/api/v1/events/<slug>/registrations"):                         (403, 422, 404),
    ("GET", "/api/v1/events/<slug>/registrations/<int:registration_id>"):    (200, 200, 404),
    ("POST", "/api/v1/events/<slug>/registrations/<int:registration_id>/cancel"): (403, 200, 404),
    ("GET", "/api/v1/openapi.json"):                                         (200, 200, 200),
}
# fmt: on

# These change what every later request would see: they run last, in this order.
RUN_LAST = [
    ("POST", "/r/<token>/cancel"),
    ("POST", "/events/<slug>/archive"),
    ("POST", "/logout"),
]

# Requests whose body must be JSON, as the door page sends it.
JSON_BODY = {
    ("POST", "/events/<slug>/door/scan"): {"code": "ONBEKEND", "nonce": "matrix-1"},
    ("POST", "/events/<slug>/door/sync"): {"scans": []},
}

# Routes that remove or change one object get one of their own (see world()).
OWN_OBJECT = {
    ("GET", "/events/<slug>/door/sign/<int:checkin_id>"): {"checkin_id": "kept_checkin"},
    ("POST", "/events/<slug>/door/sign/<int:checkin_id>"): {"checkin_id": "kept_checkin"},
    ("POST", "/events/<slug>/agenda/<int:item_id>/delete"): {"item_id": "spare_item"},
    ("POST", "/events/<slug>/questions/<int:question_id>/delete"): {"question_id": "spare_q"},
    (
        "POST",
        "/events/<slug>/participants/<int:registration_id>/<any(cancel, restore, confirm):action>",
    ): {"registration_id": "spare_person"},
    ("POST", "/events/<slug>/participants/<int:registration_id>/reissue"): {
        "registration_id": "spare_person"
    },
    ("POST", "/events/<slug>/door/admit/<int:registration_id>"): {"registration_id": "arriving"},
    ("DELETE", "/api/v1/events/<slug>/checkins/<int:checkin_id>"): {"checkin_id": "api_checkin"},
    ("POST", "/api/v1/events/<slug>/registrations/<int:registration_id>/cancel"): {
        "registration_id": "api_person"
    },
}


def rules(app) -> set[tuple[str, str]]:
    """(method, rule) for every route; HEAD and OPTIONS are Flask's own."""
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def world() -> dict:
    """Two events, A and B, with everyone and everything the routes point at."""
    now = utcnow()
    when = {
        "starts_at": now + timedelta(hours=1),
        "ends_at": now + timedelta(hours=4),
        "registration_opens_at": now - timedelta(days=1),
    }
    admin = factories.make_user("admin")
    organiser = factories.make_user("organiser")
    organiser_other = factories.make_user("organiser")
    door_user = factories.make_user("door")
    door_other = factories.make_user("door")
    spare_door = factories.make_user("door")
    slug = factories.make_event(organiser["id"], slug="rakor-a", capacity=50, **when)
    slug_b = factories.make_event(organiser_other["id"], slug="rakor-b", capacity=50, **when)
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    event_b = db.session.scalar(sa.select(Event).where(Event.slug == slug_b))
    add_member(event, db.session.get(User, door_user["id"]), "door")
    add_member(event_b, db.session.get(User, door_other["id"]), "door")
    spare_member = add_member(event, db.session.get(User, spare_door["id"]), "door")
    items = [
        add_agenda_item(event, AgendaItemData(title, now + timedelta(hours=1)))
        for title in ("Pembukaan", "Sambutan")
    ]
    questions = [
        add_question(event, QuestionData(label, "short_text"))
        for label in ("Nomor anggota", "Catatan")
    ]

    def person(n: int):
        return register(
            event,
            ParticipantData(f"Peserta {n}", "KUD Makmur", "Ketua", f"0812555{n:05d}"),
            by_organiser=True,
        )

    participant, present, spare_person, arriving, undone, api_undone, api_person = (
        person(n) for n in range(7)
    )
    invitation = Invitation(
        event_id=event.id,
        full_name=participant.full_name,
        organisation="KUD Makmur",
        status="registered",
        registration_id=participant.id,
    )
    db.session.add(invitation)
    main_list = door.default_list(event)
    spare_list = door.add_list(event, "Sesi siang", None, None)
    link, pin = access.create_link(event, "Pintu Utara")
    spare_link, _pin = access.create_link(event, "Pintu Selatan")
    actor = DoorActor("Pintu Utara")
    kept_checkin = door.admit(event, main_list, present, actor)
    checkin = door.admit(event, main_list, undone, actor)
    api_checkin = door.admit(event, main_list, api_undone, actor)
    spare_token, _secret = api.create_token(event, "door", "Cadangan")
    tokens = {
        "tok_door": api.create_token(event, "door", "Pintu")[1],
        "tok_org": api.create_token(event, "organiser", "Panitia")[1],
        "tok_oth": api.create_token(event_b, "organiser", "Lain")[1],
    }
    db.session.commit()
    # A certificates file rendered in the background, as a big event's would be.
    job = jobs.submit(
        event.id, "certificates", certificates_document, {}, "sertifikat.pdf", "matrix", locale="id"
    )
    jobs.wait_for_jobs()
    return {
        "users": {
            "d_oth": door_other,
            "door": door_user,
            "o_oth": organiser_other,
            "org": organiser,
            "admin": admin,
        },
        "secrets": {
            "r": participant.link_token,
            "i": invitation.token,
            "d": link.token,
        },
        "pin": pin,
        "tokens": tokens,
        "params": {
            "slug": slug,
            "item_id": items[0].id,
            "spare_item": items[1].id,
            "question_id": questions[0].id,
            "spare_q": questions[1].id,
            "registration_id": present.id,
            "spare_person": spare_person.id,
            "arriving": arriving.id,
            "invitation_id": invitation.id,
            "list_id": spare_list.id,
            "link_id": spare_link.id,
            "member_id": spare_member.id,
            "checkin_id": checkin.id,
            "api_checkin": api_checkin.id,
            "kept_checkin": kept_checkin.id,
            "token": FAKE_SECRET,  # a hall QR's token (the secret links fill in their own)
            "api_person": api_person.id,
            "token_id": spare_token.id,
            "job_id": job.id,
            "user_id": spare_door["id"],
            "action": "cancel",
            "format": "csv",
            "kind": "csv",
            "filename": "css/app.css",
        },
    }


SECRET_OWNERS = {"r": "part", "i": "part", "d": "link"}
PARAM = re.compile(r"<(?:[^:<>]+(?:\([^)]*\))?:)?([a-z_]+)>")


def url_for_rule(method: str, rule: str, persona: str, made: dict, **override) -> str:
    """The rule with its parameters filled in for this visitor."""
    values = dict(made["params"], **override)
    for name, key in OWN_OBJECT.get((method, rule), {}).items():
        values[name] = made["params"][key]
    prefix = rule.split("/")[1]
    if prefix in SECRET_OWNERS:
        owner = SECRET_OWNERS[prefix]
        values["token"] = made["secrets"][prefix] if persona == owner else FAKE_SECRET
    return PARAM.sub(lambda m: str(values[m.group(1)]), rule)


def ordered(table) -> list[tuple[str, str]]:
    """GETs first, then POSTs, then the ones that change everything."""
    keys = [key for key in table if key not in RUN_LAST]
    keys.sort(key=lambda key: key[0] != "GET")
    return keys + [key for key in RUN_LAST if key in table]


@pytest.fixture
def matrix_app(tmp_path):
    config = TestConfig(database_url(tmp_path))
    config.OUTBOX_DIR = str(tmp_path / "outbox")
    config.RATELIMIT_ENABLED = False  # rate limits are not who-may-see-what
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def visitor(app, persona: str, made: dict):
    """A test client in this visitor's shoes, and the headers it sends."""
    client = app.test_client()
    headers = {}
    if persona in made["users"]:
        assert login(client, made["users"][persona]).status_code == 302
    elif persona == "link":
        opened = client.post(f"/d/{made['secrets']['d']}", data={"pin": made["pin"]})
        assert opened.status_code == 302, "the door link did not open"
    elif persona in made["tokens"]:
        headers["Authorization"] = f"Bearer {made['tokens'][persona]}"
    return client, headers


def body_of(method: str, rule: str):
    if (method, rule) in JSON_BODY:
        return JSON_BODY[(method, rule)]
    if rule.startswith("/api/") and method in ("POST", "PATCH", "PUT"):
        return {}
    return None


def answers(app, persona: str, keys, **override) -> dict:
    with app.app_context():
        made = world()
    client, headers = visitor(app, persona, made)
    got = {}
    for method, rule in keys:
        url = url_for_rule(method, rule, persona, made, **override)
        response = client.open(
            url,
            method=method,
            json=body_of(method, rule),
            headers=headers,
            follow_redirects=False,
        )
        got[(method, rule)] = response.status_code
    return got


def mismatches(table, personas, persona, got) -> list[str]:
    column = personas.index(persona)
    return [
        f"    {method} {rule}: expected {table[(method, rule)][column]}, got {status}"
        for (method, rule), status in got.items()
        if status != table[(method, rule)][column]
    ]


def test_every_route_has_a_row_in_the_table(app):
    routes = rules(app)
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    assert not missing, "routes without a row in MATRIX (add them):\n" + "\n".join(
        f"    {key!r}" for key in missing
    )
    assert not stale, "rows in MATRIX for routes that no longer exist:\n" + "\n".join(
        f"    {key!r}" for key in stale
    )
    assert all(len(row) == len(PERSONAS) for row in MATRIX.values())


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_visitor_gets_the_answer_in_the_table(matrix_app, persona):
    got = answers(matrix_app, persona, ordered(MATRIX))
    wrong = mismatches(MATRIX, PERSONAS, persona, got)
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


def test_every_api_route_has_a_row_in_the_token_table(app):
    api_routes = {key for key in rules(app) if key[1].startswith("/api/")}
    assert api_routes == set(API_TOKENS), (
        f"missing: {sorted(api_routes - set(API_TOKENS))}, "
        f"stale: {sorted(set(API_TOKENS) - api_routes)}"
    )


@pytest.mark.parametrize("persona", TOKEN_PERSONAS)
def test_each_api_token_gets_the_answer_in_the_table(matrix_app, persona):
    got = answers(matrix_app, persona, ordered(API_TOKENS))
    wrong = mismatches(API_TOKENS, TOKEN_PERSONAS, persona, got)
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


def test_an_organiser_of_b_reaches_no_object_of_a_through_their_own_event(matrix_app):
    """Event B's slug with the ids of A's agenda, people, lists, links, tokens...: not found.

    Removing a check-in list answers with the list page and "Not found." instead; A's list
    must still be there.
    """
    with_ids = [key for key in ordered(MATRIX) if "<slug>" in key[1] and "<int:" in key[1]]
    got = answers(matrix_app, "o_oth", with_ids, slug="rakor-b")
    assert {key: status for key, status in got.items() if status != 404} == {
        ("POST", "/events/<slug>/checkin-lists/<int:list_id>/remove"): 302
    }
    with matrix_app.app_context():
        lists = db.session.scalars(
            sa.select(CheckinList.name).join(Event).where(Event.slug == "rakor-a")
        ).all()
    assert "Sesi siang" in lists
