"""flask commands: accounts, the demo data, the hall certificate, backups and purges."""

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from coordination.errors import DomainError
from coordination.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")

ERRORS = {
    "invalid_email": "That is not a valid e-mail address.",
    "email_taken": "An account with this e-mail already exists.",
    "password_too_short": "The password needs at least 8 characters.",
    "invalid_role": "The role must be admin, organiser or door.",
}


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "organiser", "door"]), required=True)
@click.option("--name", default="", help="Display name; defaults to the part before @.")
@click.option("--password", help="Prompted for (hidden, twice) when omitted.")
def create_user_command(email: str, role: str, name: str, password: str | None) -> None:
    """Create an account."""
    from coordination.auth.services import create_user

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, role, password, name)
    except DomainError as error:
        raise click.ClickException(ERRORS[error.code]) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}")


@users_cli.command("list")
def list_users_command() -> None:
    """List accounts with their role and whether they may log in."""
    from coordination.auth.services import list_users

    for user in list_users():
        state = "active" if user.is_active else "disabled"
        click.echo(f"{user.email:<40} {user.role:<10} {state:<9} {user.name}")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load into a database with no accounts.")
def demo_command(if_empty: bool) -> None:
    """Load the demo meeting (Bale Hinggil, 2018) and its upcoming follow-up."""
    from coordination.demo import services

    if if_empty and not services.database_is_empty():
        return
    try:
        event = services.load_demo()
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Loaded the demo meeting '{event.title}' ({event.slug}).")
    for account in services.ACCOUNTS:
        click.echo(f"  {account.role:<10} {account.email}  password: {account.password}")


@click.command("tls-cert")
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def tls_cert_command(port: int) -> None:
    """Make (once) the self-signed certificate for serving the hall network over HTTPS."""
    from flask import current_app

    from coordination import tls

    cert, key, made = tls.ensure_certificate(Path(current_app.instance_path) / "tls")
    click.echo(f"{'Made' if made else 'Using'} certificate {cert}")
    click.echo(f"  SHA-256 fingerprint: {tls.fingerprint(cert)}")
    for address in tls.local_addresses():
        click.echo(f"  Door phones open: https://{address}:{port}")


BACKUP_ERRORS = {
    "target_exists": "{path} exists already; choose another name or add --force to replace it.",
    "same_file": "{path} is the database itself; choose another file.",
}


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Copy the SQLite database to PATH while the app keeps running (PostgreSQL: pg_dump)."""
    from coordination.ops import backup

    engine = db.engine
    if engine.dialect.name == "postgresql":
        raise click.ClickException(
            "The database is PostgreSQL; back it up with pg_dump instead:\n  "
            + backup.pg_dump_command(engine.url, str(path))
            + "\n(the password comes from PGPASSWORD or ~/.pgpass; restore with pg_restore)"
        )
    if engine.dialect.name != "sqlite":
        raise click.ClickException(f"Cannot back up a {engine.dialect.name} database.")
    try:
        result = backup.sqlite_backup(engine, path, overwrite=force)
    except backup.BackupError as error:
        raise click.ClickException(BACKUP_ERRORS[error.code].format(path=path)) from error
    click.echo(f"Backed up the database to {result.path} ({backup.human_size(result.size)})")
    for table, count in result.rows.items():
        click.echo(f"  {table:<24} {count:>8} rows")


class Age(click.ParamType):
    """A period such as 180d or 26w."""

    name = "age"

    def convert(self, value, param, ctx):
        from coordination.ops.purge import parse_age

        try:
            return parse_age(value)
        except ValueError:
            self.fail(f"{value!r} is not a period such as 180d or 26w (days or weeks).")


@click.command("purge-personal-data")
@click.option(
    "--older-than",
    "age",
    type=Age(),
    required=True,
    help="Events that ended longer ago than this, e.g. 180d or 26w.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be removed; change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def purge_personal_data_command(age, dry_run: bool, yes: bool) -> None:
    """Remove mobiles and e-mails of participants from events that ended long ago.

    Also removes answers to the registration questions, the event's outbox and the personal
    links. Names, organisations, check-ins and every count stay, so the daftar hadir and the
    attendance record remain right.
    """
    from flask import current_app

    from coordination.extensions import utcnow
    from coordination.ops import purge

    now = utcnow()
    cutoff = now - age
    outbox = Path(current_app.config["OUTBOX_DIR"])
    planned = purge.plan(cutoff, outbox)
    if not planned:
        click.echo(
            f"Nothing to remove: no event that ended before {cutoff:%Y-%m-%d %H:%M} UTC "
            "holds personal data."
        )
        return
    click.echo(f"Events that ended before {cutoff:%Y-%m-%d %H:%M} UTC:")
    _print_purge(planned)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was changed.")
        return
    if not yes:
        click.confirm("Remove this personal data? It cannot be brought back.", abort=True)
    done = purge.purge(cutoff, outbox, now)
    db.session.commit()
    cached = purge.forget_cached_documents(current_app.config)
    click.echo(
        f"Removed the personal data of {len(done)} event(s); names, organisations and "
        "check-ins are kept."
    )
    if cached:
        click.echo(f"  and {cached} cached document(s) from Redis")


def _print_purge(items) -> None:
    for item in items:
        click.echo(f"  {item.slug} (ended {item.ended_at:%Y-%m-%d}) {item.title}")
        click.echo(
            f"    {item.contacts} participants' mobile/e-mail, "
            f"{item.invitation_contacts} invitees' mobile/e-mail, {item.answers} answers, "
            f"{item.messages} outbox e-mails ({len(item.files)} .eml files), "
            f"{item.links} personal links"
        )
    click.echo(
        f"  Total: {sum(i.contacts for i in items)} participants and "
        f"{sum(i.invitation_contacts for i in items)} invitees lose their mobile and e-mail, "
        f"{sum(i.messages for i in items)} outbox e-mails go, in {len(items)} event(s)."
    )


@click.command("compress-static")
@with_appcontext
def compress_static_command() -> None:
    """Write gzip and brotli copies of the static files, for phones on slow networks."""
    from flask import current_app

    from coordination.static_files import compress

    written = compress(current_app.static_folder)
    click.echo(f"Compressed static files: {written} new cop{'y' if written == 1 else 'ies'}")


@click.command("release-seats")
@with_appcontext
def release_seats_command() -> None:
    """Give seats kept for invitees whose release date has come to the waiting list (cron).

    Whoever moves up is e-mailed a link under PUBLIC_BASE_URL."""
    from flask import current_app

    from coordination.registration import seats

    base = current_app.config.get("PUBLIC_BASE_URL") or "http://localhost"
    with current_app.test_request_context(base_url=base):  # e-mails carry absolute links
        released = seats.release_reservations()
        db.session.commit()
    click.echo(f"{released} event(s) released their unclaimed invitee seats")


def init_app(app: Flask) -> None:
    from coordination.api.cli import tokens_cli

    app.cli.add_command(tokens_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(tls_cert_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(purge_personal_data_command)
    app.cli.add_command(compress_static_command)
    app.cli.add_command(release_seats_command)
