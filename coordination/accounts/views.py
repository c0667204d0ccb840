"""Administrators manage accounts here; everyone else gets a 404."""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from coordination.auth import services
from coordination.auth.models import User
from coordination.errors import DomainError
from coordination.extensions import db

from .forms import EditUserForm, NewUserForm
from .services import update_account

bp = Blueprint("accounts", __name__, url_prefix="/admin/users")


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/", methods=["GET", "POST"])
@admin_required
def index():
    """List accounts and create new ones."""
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data, form.role.data, form.password.data, form.name.data
            )
        except DomainError as error:
            form.show_error(error.code)
        else:
            flash(_("Account %(email)s created.", email=user.email), "success")
            return redirect(url_for("accounts.index"))
    return render_template("accounts/index.html", users=services.list_users(), form=form)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit(user_id: int):
    """Change an account's name, role, access or password."""
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm()
    if request.method == "GET":
        form.name.data, form.role.data, form.active.data = user.name, user.role, user.is_active
    elif form.validate_on_submit():
        try:
            update_account(
                user, form.name.data, form.role.data, form.active.data, form.password.data
            )
        except DomainError as error:
            form.show_error(error.code)
        else:
            if form.password.data and user.id == current_user.id:
                login_user(user)  # a new password ends every session, but not this one
            flash(_("Account %(email)s saved.", email=user.email), "success")
            return redirect(url_for("accounts.index"))
    return render_template("accounts/edit.html", user=user, form=form)
