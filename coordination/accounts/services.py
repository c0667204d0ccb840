"""What an administrator's change to an account means beyond the account itself."""

import sqlalchemy as sa

from coordination.api.models import ApiToken
from coordination.auth import services as auth
from coordination.auth.models import User
from coordination.door.models import DoorLink
from coordination.extensions import db, utcnow


def update_account(user: User, name: str, role: str, active: bool, password: str = "") -> User:
    """Save the account; switching it off also ends what it handed out.

    An account is switched off when its owner leaves or it is misused: the API tokens and door
    links it made would otherwise keep working for whoever holds them.
    """
    was_active = user.is_active
    auth.update_user(user, name, role, active, password)
    if was_active and not active:
        revoke_what_it_made(user.id)
    return user


def revoke_what_it_made(user_id: int) -> None:
    now = utcnow()
    for model in (ApiToken, DoorLink):
        db.session.execute(
            sa.update(model)
            .where(model.created_by_id == user_id, model.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
