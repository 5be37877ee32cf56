"""Bearer tokens for people and integrations (signed, expiring, revoked by a password change)."""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import abort, current_app, g, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash

from service.clock import utcnow
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
    claims = {"uid": user.id, "pwv": _password_version(user)}
    if ttl_s:
        claims["ttl"] = int(ttl_s)
    return _serializer().dumps(claims)


def authenticate(session, username: str, password: str) -> User | None:
    user = session.query(User).filter_by(username=username, active=True).one_or_none()
    if user is None or not user.password_hash or not check_password_hash(user.password_hash, password):
        return None
    return user


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
    if user is None or not user.active or claims.get("pwv") != _password_version(user):
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
            abort(401, description="log in first: POST /api/v1/auth/token, then send Authorization: Bearer <token>")
        g.user = user
        return view(*args, **kwargs)

    return wrapped
