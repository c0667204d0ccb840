"""The organiser's page for an event's API tokens: made here, shown once, revoked here."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coordination.errors import DomainError
from coordination.events.forms import ConfirmForm
from coordination.events.models import Event
from coordination.permissions import event_view

from . import services
from .forms import TokenForm

bp = Blueprint("api_tokens", __name__, url_prefix="/events/<slug>")


@bp.route("/api-tokens", methods=["GET", "POST"])
@login_required
@event_view()
def index(event: Event):
    """The event's tokens; a new token's secret is shown on this answer only."""
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        token, secret = services.create_token(
            event, form.role.data, form.name.data, created_by_id=current_user.id
        )
        created = {"token": token, "secret": secret}
        form = TokenForm(formdata=None)
    return render_template(
        "api/tokens.html",
        event=event,
        form=form,
        tokens=services.tokens_of(event),
        created=created,
    )


@bp.post("/api-tokens/<int:token_id>/revoke")
@login_required
@event_view()
def revoke(event: Event, token_id: int):
    """A revoked token answers 401 from its next request on."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        token = services.token_of(event, token_id)
    except DomainError:
        abort(404)
    services.revoke(token)
    flash(_("API token %(name)s no longer works.", name=token.name), "success")
    return redirect(url_for("api_tokens.index", slug=event.slug))
