"""The minutes editor, its final view, and the minutes PDF: for the event's organisers."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coordination.documents.responses import document_response
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db
from coordination.i18n import format_event_time
from coordination.permissions import event_view

from . import services
from .documents import freeze, minutes_document
from .forms import FinaliseForm, MinutesForm, ReopenForm
from .messages import MESSAGES, REQUIRED_FOR_FINAL
from .summary import summary_for
from .text import render_markdown

bp = Blueprint("minutes", __name__, url_prefix="/events/<slug>")


@bp.app_template_filter("format_day")
def format_day(value) -> str:
    """23 November 2018: the date as written above signatures."""
    return format_date(value, "d MMMM y") if value else ""


@bp.app_template_filter("markdown")
def markdown_filter(text: str | None):
    return render_markdown(text)


def _conflict_notes(event, minutes, keys: list[str]) -> list[tuple[str, str]]:
    """(what, the colleague's saved text) for each part both changed."""
    form = MinutesForm(formdata=None)
    saved = services.parts(minutes)
    titles = {section.id: section.title for section in minutes.sections}
    notes = []
    for key in keys:
        value = saved.get(key)
        if key == "decisions":
            label, value = _("Decisions"), "\n".join(row[0] for row in value)
        elif key == "actions":
            label = _("Action items")
            value = "\n".join(" · ".join(str(part or "") for part in row) for row in value)
        elif key.startswith("sections."):
            _prefix, section_id, name = key.split(".")
            label = f"{titles.get(int(section_id), '')} — " + (
                _("Discussion") if name == "discussion" else _("Conclusions")
            )
        else:
            label = str(form[key].label.text)
            if key in ("opened_at", "closed_at") and value:
                value = format_event_time(value, event.timezone, "short")
        notes.append((label, "" if value is None else str(value)))
    return notes


def _sections_by_key(minutes) -> dict:
    """Each section under the key the editor's form names it by: its id, or "item-12" for
    one shown before it was saved (the save that follows gives it an id)."""
    found = {f"item-{s.agenda_item_id}": s for s in minutes.sections if s.agenda_item_id}
    return found | {services.section_key(s): s for s in minutes.sections}


def _page(event, minutes, form=None, status: int = 200, reopen_form=None, conflicts=None):
    if form is None:
        form = MinutesForm(formdata=None)
        form.fill_from(minutes, event.timezone)
    return (
        render_template(
            "minutes/edit.html" if not minutes.is_final else "minutes/final.html",
            event=event,
            minutes=minutes,
            form=form,
            sections=_sections_by_key(minutes),
            summary=summary_for(event, minutes),
            stage=services.meeting_stage(event),
            reopen_form=reopen_form or ReopenForm(formdata=None),
            conflicts=conflicts or [],
            log=services.log_of(minutes),
            missing=[REQUIRED_FOR_FINAL[name] for name in services.missing_for_final(minutes)],
        ),
        status,
    )


@bp.get("/minutes")
@login_required
@event_view()
def edit(event: Event):
    """The editor (or the final minutes); opening it writes nothing."""
    minutes = services.minutes_to_show(event)
    form = MinutesForm(formdata=None)
    form.fill_from(minutes, event.timezone)
    for _row in range(min(request.args.get("decisions", 0, type=int), 20)):
        form.decisions.append_entry()
    for _row in range(min(request.args.get("actions", 0, type=int), 20)):
        form.actions.append_entry()
    return _page(event, minutes, form)


@bp.post("/minutes")
@login_required
@event_view()
def save(event: Event):
    """Save the draft; the add-row buttons save too, then show one more empty row.

    The finalise button saves under the same rules, then finalises only a save that took
    the page as it was: after a refusal, a conflict or a merge, nothing is finalised.
    """
    minutes = services.minutes_of(event)
    if minutes.is_final:
        flash(MESSAGES["minutes_final"], "error")
        return redirect(url_for("minutes.edit", slug=event.slug))
    form = MinutesForm()
    finalising = bool(form.finalise.data)
    if not form.validate_on_submit():
        if finalising:
            flash(MESSAGES["not_finalised"], "error")
        return _page(event, minutes, form, 422)
    text = form.text(event.timezone)
    try:
        conflicts = services.save(minutes, text, current_user)
    except DomainError as error:
        db.session.rollback()
        minutes = services.minutes_of(event)
        if error.code == "minutes_stale":
            form.version.data = str(minutes.version)
            form.base.data = ""
        flash(MESSAGES[error.code], "error")
        if finalising and not minutes.is_final:
            flash(MESSAGES["not_finalised"], "error")
        return _page(event, minutes, form, 422 if error.code == "minutes_too_long" else 409)
    stale = text.version != minutes.version - 1
    if conflicts:
        # Saved: everything but the parts a colleague changed too. Show those with our text.
        db.session.commit()  # a 409 answer would otherwise roll the merged save back
        fresh = MinutesForm(formdata=None)
        fresh.fill_from(minutes, event.timezone)
        fresh.show_mine(text, conflicts, event.timezone)
        flash(MESSAGES["minutes_conflict"], "error")
        if finalising:
            flash(MESSAGES["not_finalised"], "error")
        return _page(
            event, minutes, fresh, 409, conflicts=_conflict_notes(event, minutes, conflicts)
        )
    if finalising:
        return _finalise_saved(event, minutes, stale)
    flash(
        _("Minutes saved, together with a colleague's changes made meanwhile.")
        if stale
        else _("Minutes saved."),
        "success",
    )
    # The new empty row comes after the saved ones (or after the one empty row shown).
    extra, anchor = {}, ""
    if form.add_decision.data:
        extra, anchor = {"decisions": 1}, f"#decisions-{max(len(minutes.decisions), 1)}-text"
    elif form.add_action.data:
        extra, anchor = {"actions": 1}, f"#actions-{max(len(minutes.actions), 1)}-what"
    return redirect(url_for("minutes.edit", slug=event.slug, **extra) + anchor)


def _finalise_saved(event, minutes, stale: bool):
    """Finalise the draft this request saved; if refused, the save stands and says why."""
    if stale:
        # A colleague's changes were merged in: the editor has not seen what would be signed.
        flash(_("Minutes saved, together with a colleague's changes made meanwhile."), "success")
        flash(MESSAGES["not_finalised"], "error")
        return redirect(url_for("minutes.edit", slug=event.slug))
    flash(_("Minutes saved."), "success")
    if missing := services.missing_for_final(minutes):
        _flash_refusal(DomainError("minutes_incomplete", missing=missing))
        return redirect(url_for("minutes.edit", slug=event.slug))
    # Saved; locking waits for a yes on the page that says what it freezes.
    return redirect(url_for("minutes.confirm_finalise", slug=event.slug))


@bp.get("/minutes/finalise")
@login_required
@event_view()
def confirm_finalise(event: Event):
    """Ask before locking: what finalising freezes, and a button that does it."""
    minutes = services.minutes_of(event)
    if minutes.is_final:
        return redirect(url_for("minutes.edit", slug=event.slug))
    form = FinaliseForm(version=minutes.version)
    return render_template(
        "minutes/confirm_finalise.html",
        event=event,
        minutes=minutes,
        form=form,
        stage=services.meeting_stage(event),
    )


def _flash_refusal(error: DomainError) -> None:
    if error.code == "minutes_incomplete":
        missing = ", ".join(str(REQUIRED_FOR_FINAL[n]) for n in error.details["missing"])
        flash(_("Before the minutes can be final, fill in: %(missing)s.", missing=missing), "error")
    elif error.code == "votes_exceed_present":
        flash(
            _(
                "The decision “%(decision)s” counts %(votes)d votes, but only %(present)d "
                "people are present: correct its votes before finalising.",
                **error.details,
            ),
            "error",
        )
    else:
        flash(MESSAGES.get(error.code, error.code), "error")


@bp.post("/minutes/finalise")
@login_required
@event_view()
def finalise(event: Event):
    """Finalise the minutes as saved at `version`; the editor's own button saves first."""
    minutes = services.minutes_of(event)
    form = FinaliseForm()
    if not form.validate_on_submit():
        abort(400)  # the page's own form always sends its version, a number
    try:
        services.finalise(minutes, current_user, int(form.version.data))
        freeze(event, minutes)
        flash(_("The minutes are final. Download the PDF to sign."), "success")
    except DomainError as error:
        _flash_refusal(error)
    return redirect(url_for("minutes.edit", slug=event.slug))


@bp.post("/minutes/reopen")
@login_required
@event_view()
def reopen(event: Event):
    minutes = services.minutes_of(event)
    form = ReopenForm()
    if not form.validate_on_submit():
        return _page(event, minutes, status=422, reopen_form=form)
    try:
        services.reopen(minutes, current_user, form.reason.data or "")
        flash(_("The minutes are open for changes again; the reopening is logged."), "success")
    except DomainError as error:
        flash(MESSAGES.get(error.code, error.code), "error")
    return redirect(url_for("minutes.edit", slug=event.slug))


@bp.get("/minutes.pdf")
@login_required
@event_view()
def pdf(event: Event):
    """The PDF at once when it is quick (or final); a big event's goes to the background."""
    return document_response(event, "minutes", minutes_document, {}, f"notulen-{event.slug}.pdf")
