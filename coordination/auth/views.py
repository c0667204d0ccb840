"""Log in, log out, choose a language."""

import math
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from coordination.demo.services import ACCOUNTS, only_demo_accounts
from coordination.extensions import limiter, login_manager
from coordination.i18n import LANGUAGE_COOKIE

from . import services
from .forms import LanguageForm, LoginForm
from .models import User

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return services.user_for_session(user_id)


@login_manager.unauthorized_handler
def unauthorized():
    if request.path == url_for("events.index"):  # the front door: nothing was asked for yet
        return redirect(url_for("auth.login"))
    flash(_("Please log in to open that page."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _safe_next(target: str | None) -> str:
    """Only follow redirects to paths on this site."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("events.index")


def _failed(response) -> bool:
    """A log-in that did not let anyone in: what the limits below count."""
    return response.status_code != 302


def _account() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


def _address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ADDRESS"]


def _account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"]


def _wait(limit):
    """Over a limit: the form again, saying how long to wait; no password is even checked."""
    form = LoginForm()
    minutes = max(1, math.ceil((limit.reset_at - time.time()) / 60))
    form.password.errors = [
        ngettext(
            "Too many failed log-ins. Try again in %(num)d minute.",
            "Too many failed log-ins. Try again in %(num)d minutes.",
            minutes,
        )
    ]
    return make_response(render_template("auth/login.html", form=form), 429)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed, on_breach=_wait)
@limiter.limit(
    _account_limit, methods=["POST"], key_func=_account, deduct_when=_failed, on_breach=_wait
)
def login():
    """Show the login form and log a user in."""
    if current_user.is_authenticated:
        return redirect(url_for("events.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(form.next.data))
        form.password.errors.append(_("Wrong e-mail or password."))
    demo_accounts = ACCOUNTS if only_demo_accounts() else ()
    return render_template("auth/login.html", form=form, demo_accounts=demo_accounts)


@bp.post("/logout")
@login_required
def logout():
    """End the session, and every other session and remember-me cookie of the account."""
    services.end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def set_language():
    """Remember the chosen language in a cookie and on the account."""
    form = LanguageForm()
    response = redirect(_safe_next(form.next.data))
    if form.validate_on_submit():
        response.set_cookie(
            LANGUAGE_COOKIE,
            form.language.data,
            max_age=60 * 60 * 24 * 365,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
        if current_user.is_authenticated:
            current_user.locale = form.language.data
    return response
