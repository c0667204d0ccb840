"""The event's letterhead and signers, and its invitation letter: thin views."""

import mimetypes

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coordination.documents.responses import document_response
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.permissions import event_view
from coordination.registration.invitations import invitation_of
from coordination.urls import public_url

from . import letters, services
from .forms import ChooseForm, LetterForm, LetterheadForm, SignerForm
from .messages import ERROR_MESSAGES

bp = Blueprint("letterheads", __name__, url_prefix="/events/<slug>")


def _upload(field) -> tuple[bytes | None, str | None]:
    """An uploaded file, read no further than the size allowed (plus one byte to tell)."""
    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        return None, None
    content = upload.read(services.MAX_IMAGE_BYTES + 1)
    return content, mimetypes.guess_type(upload.filename)[0]


def _show(error: DomainError) -> None:
    flash(str(ERROR_MESSAGES.get(error.code, ("", error.code))[1]), "error")


def _back(event: Event, anchor: str = ""):
    return redirect(url_for("letterheads.event_kop", slug=event.slug) + anchor)


@bp.get("/letterhead")
@login_required
@event_view()
def event_kop(event: Event):
    """The kop and signer this event's paperwork prints, and the forms to change them."""
    letterhead = event.letterhead
    edit = request.args.get("new") != "1" and letterhead is not None
    form = LetterheadForm(obj=letterhead if edit else None)
    if edit:
        form.letterhead_id.data = letterhead.id
    return render_template(
        "letterheads/edit.html",
        event=event,
        letterheads=services.letterheads_for(current_user),
        choose_form=ChooseForm(),
        form=form,
        signer_form=SignerForm(),
        editing=edit,
    )


@bp.post("/letterhead/choose")
@login_required
@event_view()
def choose(event: Event):
    form = ChooseForm()
    if form.validate_on_submit():
        try:
            letterhead = (
                services.letterhead_for(current_user, form.letterhead_id.data)
                if form.letterhead_id.data
                else None
            )
            signer = (
                services.signer_for(letterhead, form.signer_id.data)
                if letterhead and form.signer_id.data
                else None
            )
            services.choose(event, letterhead, signer)
            flash(_("The event's letterhead and signer are saved."), "success")
        except DomainError as error:
            _show(error)
    return _back(event)


@bp.post("/letterhead")
@login_required
@event_view()
def save(event: Event):
    """A new letterhead, or changes to one; the event then prints it."""
    form = LetterheadForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _back(event)
    try:
        existing = (
            services.letterhead_for(current_user, form.letterhead_id.data)
            if form.letterhead_id.data
            else None
        )
        logo, mime = _upload(form.logo)
        letterhead = services.save_letterhead(
            existing,
            services.LetterheadData(
                lines=[form.line1.data, form.line2.data, form.line3.data, form.line4.data],
                address=form.address.data,
                telephone=form.telephone.data,
                website=form.website.data,
                email=form.email.data,
                city=form.city.data,
                logo=logo,
                logo_mime=mime,
                remove_logo=form.remove_logo.data,
            ),
            current_user,
        )
        if event.letterhead_id != letterhead.id:
            services.choose(event, letterhead, None)
        flash(_("Letterhead saved."), "success")
    except DomainError as error:
        _show(error)
    return _back(event)


@bp.post("/letterhead/signers")
@login_required
@event_view()
def save_signer(event: Event):
    """A signer of the event's letterhead (new, or changed); the first one signs for the event."""
    form = SignerForm()
    if event.letterhead is None:
        flash(_("Save a letterhead first: signers belong to an organising body."), "error")
        return _back(event)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _back(event, "#signers")
    try:
        existing = (
            services.signer_for(event.letterhead, form.signer_id.data)
            if form.signer_id.data
            else None
        )
        signature, signature_mime = _upload(form.signature)
        stamp, stamp_mime = _upload(form.stamp)
        signer = services.save_signer(
            event.letterhead,
            existing,
            services.SignerData(
                name=form.name.data,
                title=form.title.data,
                nip=form.nip.data,
                signature=signature,
                signature_mime=signature_mime,
                stamp=stamp,
                stamp_mime=stamp_mime,
                remove_signature=form.remove_signature.data,
                remove_stamp=form.remove_stamp.data,
            ),
        )
        if event.signer is None:
            services.choose(event, event.letterhead, signer)
        flash(_("Signer saved."), "success")
    except DomainError as error:
        _show(error)
    return _back(event, "#signers")


def _link_pattern() -> str:
    """The personal link of an invitation, with {token} for its token: the QR's content."""
    return public_url("registration.invitation", token="TOKEN").replace("TOKEN", letters.TOKEN)


@bp.get("/letter")
@login_required
@event_view()
def letter(event: Event):
    """The wording of the invitation letter, typed once, and its downloads."""
    wording = letters.letter_of(event)
    return render_template(
        "letterheads/letter_form.html",
        event=event,
        form=LetterForm(obj=wording),
        invitees=letters.addressees(event, ""),
    )


@bp.post("/letter")
@login_required
@event_view()
def save_letter(event: Event):
    form = LetterForm()
    if form.validate_on_submit():
        letters.save_letter(
            event,
            letters.LetterData(
                **{
                    k: form[k].data
                    for k in (
                        "number",
                        "nature",
                        "attachment",
                        "subject",
                        "opening",
                        "closing",
                        "letter_date",
                    )
                }
            ),
        )
        flash(_("Invitation letter saved."), "success")
        return redirect(url_for("letterheads.letter", slug=event.slug))
    return render_template(
        "letterheads/letter_form.html",
        event=event,
        form=form,
        invitees=letters.addressees(event, ""),
    )


@bp.get("/letters.pdf")
@bp.get("/letters/<int:invitation_id>.pdf")
@login_required
@event_view()
def letters_pdf(event: Event, invitation_id: int | None = None):
    """The invitation letters: one per invitee in one PDF, or one invitee's."""
    if invitation_id is not None:
        invitation_of(event, invitation_id)  # 404 for another event's invitee
    name = f"surat-undangan-{event.slug}" + (f"-{invitation_id}" if invitation_id else "")
    try:
        return document_response(
            event,
            "letters",
            letters.letters_document,
            {"link_pattern": _link_pattern(), "invitation_id": invitation_id},
            f"{name}.pdf",
        )
    except DomainError:
        flash(_("Nobody is invited yet: import the invitation list first."), "error")
        return redirect(url_for("letterheads.letter", slug=event.slug))
