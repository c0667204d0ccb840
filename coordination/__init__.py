"""Rakor: coordination meetings from invitation to signed minutes."""

from pathlib import Path

from flask import Flask

from coordination import cli, i18n, ids, json, security, static_files, tasks, urls, whatsapp
from coordination.api.errors import from_http_exception
from coordination.api.models import TokenRole
from coordination.auth.models import Role
from coordination.config import ROOT, Config
from coordination.documents import warm
from coordination.door.models import CheckinSource, checkin_place
from coordination.errors import register_error_pages
from coordination.events.models import EventRole
from coordination.extensions import (
    babel,
    cache,
    csrf,
    db,
    limiter,
    login_manager,
    mailer,
    migrate,
)
from coordination.ops import logs
from coordination.registration.models import (
    BadgeRole,
    InvitationStatus,
    QuestionKind,
    RegistrationStatus,
)


def create_app(config: object | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config or Config())
    urls.init_app(app)
    # Before any route is added: an id too large for the database is "not found".
    app.url_map.converters["int"] = ids.BoundedIntegerConverter
    app.json = json.SafeJSONProvider(app)
    # First, so its after_request (the request's log line) runs after all the others.
    logs.init_app(app)
    # Second, so the commit runs after every other after_request (the rate limiter's count,
    # headers): nothing that can still fail comes after it, and no answer says "error" for
    # work that was saved.
    _commit_once_per_request(app)
    if proxies := app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    static_files.init_app(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A file on this machine never drops a connection: no test query on every checkout.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "pool_pre_ping": False,
        }

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    mailer.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    i18n.init_app(app)
    whatsapp.init_app(app)
    security.init_app(app)
    tasks.init_app(app)
    warm.init_app(app)
    _register_database_events(app)

    from coordination.accounts.views import bp as accounts_bp
    from coordination.api.manage import bp as api_tokens_bp
    from coordination.api.views import bp as api_bp
    from coordination.auth.views import bp as auth_bp
    from coordination.badges.views import bp as badges_bp
    from coordination.door.manage import bp as door_admin_bp
    from coordination.door.views import bp as door_bp
    from coordination.events.views import bp as events_bp
    from coordination.letterheads.views import bp as letterheads_bp
    from coordination.minutes.views import bp as minutes_bp
    from coordination.ops.health import bp as health_bp
    from coordination.paperwork.views import bp as paperwork_bp
    from coordination.registration.manage import bp as participants_bp
    from coordination.registration.views import bp as registration_bp
    from coordination.reports.views import bp as reports_bp
    from coordination.selfcheckin.manage import bp as selfcheckin_admin_bp
    from coordination.selfcheckin.views import bp as selfcheckin_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(participants_bp)
    app.register_blueprint(badges_bp)
    app.register_blueprint(door_bp)
    app.register_blueprint(door_admin_bp)
    app.register_blueprint(paperwork_bp)
    app.register_blueprint(minutes_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(letterheads_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_tokens_bp)
    app.register_blueprint(selfcheckin_bp)
    app.register_blueprint(selfcheckin_admin_bp)
    register_error_pages(app, from_http_exception)
    cli.init_app(app)
    _labelled_enums(app)
    return app


def _labelled_enums(app: Flask) -> None:
    """Templates name a status or a role by its enum's label: `BadgeRole.label_for(r.role)`."""
    app.jinja_env.globals.update(
        BadgeRole=BadgeRole,
        CheckinSource=CheckinSource,
        checkin_place=checkin_place,  # where a check-in came from: a door, or self/online
        EventRole=EventRole,
        InvitationStatus=InvitationStatus,
        QuestionKind=QuestionKind,
        RegistrationStatus=RegistrationStatus,
        Role=Role,
        TokenRole=TokenRole,
    )


def _commit_once_per_request(app: Flask) -> None:
    """Services only flush; a request that succeeds commits once, any other rolls back.

    The commit is the last step that can fail: registered right after the log line, it runs
    after every other after_request. Should it fail, the answer is an error and nothing
    was saved, which is the truth."""

    @app.after_request
    def commit(response):
        session = db.session()
        if not (session.in_transaction() or session.new or session.dirty or session.deleted):
            return response  # nothing read or written, or already committed
        if response.status_code < 400:
            session.commit()
        else:
            session.rollback()
        return response


def _register_database_events(app: Flask) -> None:
    """SQLite: enforce foreign keys, and queue writers rather than let them sleep."""
    from coordination import sqlite

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sqlite.install(db.engine)
