"""Bearer tokens for people and integrations: signed, expiring, ended by logout or a password change.

A token's claims are the user id, a digest of the password hash (``pwv``) and the person's token epoch
(``ep``); both are checked against the people cache, so a logout or a new password refuses older tokens
at once in every process, with no query per request.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import abort, current_app, g, request
from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from service.clock import utcnow
from service.flows.logins import LockoutPolicy, check_login
from service.store.models import User
from service.store.people_cache import Person

SALT = "handoff-api-token"


def _serializer() -> URLSafeTimedSerializer:
    config = current_app.extensions["handoff"].config
    return URLSafeTimedSerializer(config.signing_key(), salt=SALT)


def _password_version(user: User | Person) -> str:
    """Changes whenever the password does: older tokens stop working."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def issue_token(user: User, ttl_s: int | None = None) -> str:
    """A person's token lasts the configured time; a service account's can be given a longer `ttl_s`."""
    claims = {"uid": user.id, "pwv": _password_version(user), "ep": user.token_epoch or 0}
    if ttl_s:
        claims["ttl"] = int(ttl_s)
    return _serializer().dumps(claims)


def authenticate(session, username: str, password: str) -> User | None:
    """The user, or None; as slow for unknown users as for known ones; raises `AccountLocked`."""
    config = current_app.extensions["handoff"].config
    policy = LockoutPolicy(after=config.lockout_after, minutes=config.lockout_minutes)
    return check_login(session, username, password, policy, utcnow())


def user_from_token(token: str) -> Person | None:
    services = current_app.extensions["handoff"]
    try:
        claims, issued = _serializer().loads(token, return_timestamp=True)
    except (SignatureExpired, BadSignature):
        return None
    age = (utcnow() - issued).total_seconds()
    if not isinstance(claims, dict) or age > claims.get("ttl", services.config.token_max_age_s):
        return None
    with services.sessions() as session:  # no database work when this process has a current copy
        user = services.people.person(session, claims.get("uid"))
    if (user is None or not user.active or claims.get("pwv") != _password_version(user)
            or claims.get("ep", 0) != user.token_epoch):  # tokens from before epochs existed carry none
        return None
    return user


def login_required(view):
    """Sets `g.user` from ``Authorization: Bearer <token>``; 401 otherwise."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user = user_from_token(token.strip()) if scheme.lower() == "bearer" and token else None
        if user is None:
            abort(401, description=gettext("log in first: POST /api/v1/auth/token, then send Authorization: Bearer "
                                           "<token>"))
        g.user = user
        return view(*args, **kwargs)

    return wrapped
