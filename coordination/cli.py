"""flask commands: accounts, the demo data, the hall certificate and backups."""

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


def init_app(app: Flask) -> None:
    from coordination.api.cli import tokens_cli

    app.cli.add_command(tokens_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(tls_cert_command)
    app.cli.add_command(backup_command)
