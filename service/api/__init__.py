"""The HTTP API: Flask blueprints with marshmallow schemas, documented at /api/openapi.json."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from . import (
    auth_routes,
    customers,
    dashboards,
    deliveries,
    documents,
    errors,
    events,
    groups,
    incidents,
    instance_actions,
    instance_views,
    instances,
    knowledge_base,
    messages,
    migrations,
    people,
    processes,
    tasks,
    training,
)
from .schemas import ApiError

SWAGGER_UI = "/static/vendor/swagger-ui/"  # from npm with the pages' other JavaScript, so /api/docs works offline


class HandoffApi(Api):
    """Documents our error shape (``code`` is a word, not a number) as every operation's default answer."""

    ERROR_SCHEMA = ApiError


def init_api(app: Flask) -> Api:
    app.config.update(
        API_TITLE="Handoff", API_VERSION="v1", OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json", OPENAPI_SWAGGER_UI_PATH="docs", OPENAPI_SWAGGER_UI_URL=SWAGGER_UI,
    )
    api = HandoffApi(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for module in (auth_routes, tasks, instances, instance_views, processes, customers, people, messages,
                   documents, dashboards, events, deliveries, groups, incidents, instance_actions, knowledge_base,
                   migrations, training):
        api.register_blueprint(module.blp)
    errors.register(app)  # after flask-smorest's handlers, so ours answer
    return api
