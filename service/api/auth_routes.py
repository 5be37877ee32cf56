"""Logging in and who I am."""

from __future__ import annotations

from flask import abort, g
from flask_babel import gettext
from flask_smorest import Blueprint

from service.flows import preferences
from service.flows.logins import end_sessions
from service.flows.visibility import groups_of
from service.store.models import User

from . import schemas
from .auth import authenticate, issue_token, login_required
from .common import services

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Log in; who am I")


def user_dict(session, user) -> dict:
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "email": user.email,
            "manager_id": user.manager_id, "groups": groups_of(session, user.id), "locale": user.locale}


@blp.route("/auth/token", methods=["POST"])
@blp.arguments(schemas.TokenRequest)
@blp.response(200, schemas.TokenSchema)
@blp.alt_response(401, schema=schemas.ApiError)
@blp.alt_response(403, schema=schemas.ApiError, description="the login is locked after too many failures")
@blp.alt_response(429, schema=schemas.ApiError, description="too many failed logins: wait `Retry-After` seconds")
def token(body):
    """Exchanges a username and password for a bearer token (failed attempts are throttled)."""
    with services().sessions() as session:
        user = authenticate(session, body["username"], body["password"])
        if user is None:
            abort(401, description=gettext("unknown username or wrong password"))
        return {"token": issue_token(user), "token_type": "Bearer",
                "expires_in": services().config.token_max_age_s, "user": user_dict(session, user)}


@blp.route("/me", methods=["GET"])
@blp.response(200, schemas.UserSchema)
@login_required
def me():
    """The logged-in person, with their groups."""
    with services().sessions() as session:
        return user_dict(session, g.user)


@blp.route("/me", methods=["PATCH"])
@blp.arguments(schemas.MyPreferencesSchema)
@blp.response(200, schemas.UserSchema)
@login_required
def update_me(body):
    """Changes my own settings: the language Handoff speaks to me in (pages, messages, e-mails, chat)."""
    with services().sessions() as session:
        preferences.set_locale(session, g.user.id, body["locale"])
        return user_dict(session, session.get(User, g.user.id))


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@login_required
def logout():
    """Ends every token and page session of the caller, on every device and in every process."""
    with services().sessions() as session:
        end_sessions(session, g.user.id)
        session.commit()
    return None
