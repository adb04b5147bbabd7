"""Reporting without an account: a guest resident made for one report, followed with a secret link.

The guest is an ordinary resident account without a phone number or a password (nobody can sign in as it); its only
key is a long-lived bearer token, shown once in the follow-up link and stored, like every token, as its SHA-256.
With that token the browser uses the same APIs as the phone app (intake, the report, its feedback, the rating).
"""
from datetime import timedelta

from flask import current_app

from server.accounts.security import new_token
from server.extensions import db
from server.models import ApiToken, Role, User, utcnow

GUEST_PREFIX = "guest_"
NO_PASSWORD = "!guest-without-password"  # not an Argon2 hash: every sign-in attempt fails


def is_guest(user: User) -> bool:
    """A guest resident made by the public page."""
    return user.role == Role.RESIDENT.value and user.username.startswith(GUEST_PREFIX)


def create_guest() -> tuple[str, ApiToken]:
    """A new guest resident and its follow-up token (shown once); committed."""
    token, digest = new_token()
    user = User(username=GUEST_PREFIX + digest[:12], role=Role.RESIDENT.value, password_hash=NO_PASSWORD)
    row = ApiToken(user=user, token_hash=digest,
                   expires_at=utcnow() + timedelta(days=current_app.config["PUBLIC_FOLLOW_DAYS"]))
    db.session.add_all([user, row])
    db.session.commit()
    return token, row
