"""Account rules: creation, passwords, and logging in."""

from functools import lru_cache

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from werkzeug.security import check_password_hash, generate_password_hash

from coordination.errors import DomainError
from coordination.extensions import db, utcnow

from .models import Role, User

MIN_PASSWORD_LENGTH = 8
# Checked against when the e-mail is unknown, so a miss takes as long as a hit.
_DUMMY_HASH = generate_password_hash("not-a-password", method="scrypt")


@lru_cache(maxsize=4096)  # a form checks an address, then a service stores it: checked once
def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise DomainError("invalid_email") from error


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(email: str, role: str, password: str, name: str = "") -> User:
    email = normalise_email(email)
    if user_by_email(email):
        raise DomainError("email_taken")
    if role not in set(Role):
        raise DomainError("invalid_role")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("password_too_short")
    user = User(email=email, role=role, name=name.strip() or email.split("@")[0])
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def set_password(user: User, password: str) -> None:
    """A new password; every session and remember-me cookie of the account ends with it."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("password_too_short")
    user.set_password(password)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """Log the account out everywhere: sessions and remember-me cookies, copied or not."""
    user.session_version = User.session_version + 1  # in the database: two at once both count
    db.session.flush()


def user_for_session(user_id: str) -> User | None:
    """The account a session or remember-me cookie names, if it is still valid."""
    account, _, version = user_id.partition(":")
    if not (account.isdigit() and version.isdigit()):
        return None  # the form before session versions: log in again
    user = db.session.get(User, int(account))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.email)))


def update_user(user: User, name: str, role: str, active: bool, password: str = "") -> User:
    """Change an account, keeping at least one active administrator."""
    if role not in set(Role):
        raise DomainError("invalid_role")
    stays_admin = role == Role.ADMIN and active
    if user.is_admin and user.is_active and not stays_admin:
        other_admins = db.session.scalar(
            sa.select(sa.func.count(User.id)).where(
                User.role == Role.ADMIN, User.is_active_account, User.id != user.id
            )
        )
        if not other_admins:
            raise DomainError("last_admin")
    if password:
        set_password(user, password)
    user.name, user.role, user.is_active_account = name.strip(), role, active
    db.session.flush()
    return user
