"""flask tokens ...: API tokens from the command line."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from coordination.events.models import Event
from coordination.extensions import db

tokens_cli = AppGroup("tokens", help="Manage API tokens.")


def _event(slug: str) -> Event:
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event has the slug {slug!r}.")
    return event


@tokens_cli.command("create")
@click.option("--event", "slug", required=True, help="The event's slug.")
@click.option("--role", type=click.Choice(["organiser", "door"]), required=True)
@click.option("--name", default="", help="What uses the token; defaults to the role.")
def create_token_command(slug: str, role: str, name: str) -> None:
    """Create an API token; it is printed once and stored only as a hash."""
    from . import services

    token, secret = services.create_token(_event(slug), role, name)
    db.session.commit()
    click.echo(f"Created {token.role} token {token.name!r} (id {token.id}) for {slug}.")
    click.echo("It is shown only now; send it as 'Authorization: Bearer <token>':")
    click.echo(secret)


@tokens_cli.command("list")
@click.option("--event", "slug", required=True, help="The event's slug.")
def list_tokens_command(slug: str) -> None:
    """List an event's tokens (never their secrets)."""
    from . import services

    for token in services.tokens_of(_event(slug)):
        state = "revoked" if token.revoked_at else "active"
        used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "never"
        click.echo(
            f"{token.id:>5} {token.prefix}… {token.role:<10} {state:<8} {used:<22} {token.name}"
        )


@tokens_cli.command("revoke")
@click.option("--event", "slug", required=True, help="The event's slug.")
@click.argument("token_id", type=int)
def revoke_token_command(slug: str, token_id: int) -> None:
    """Revoke a token by its id (see tokens list); it answers 401 from then on."""
    from coordination.errors import DomainError

    from . import services

    try:
        token = services.token_of(_event(slug), token_id)
    except DomainError as error:
        raise click.ClickException(f"Event {slug} has no token {token_id}.") from error
    services.revoke(token)
    db.session.commit()
    click.echo(f"Revoked token {token.name!r} (id {token.id}).")
