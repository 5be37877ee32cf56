"""The Flask application factory."""

from __future__ import annotations

from flask import Flask, jsonify

from .config import Config
from .flows.errors import FlowError


def create_app(config: Config | None = None, services=None) -> Flask:
    from . import runtime
    from .web.health import bp as health_bp
    from .web.projects import bp as projects_bp

    config = config or Config.from_env()
    if services is None:
        services = runtime.build(config)
        runtime.install(services)
    app = Flask(__name__)
    app.extensions["handoff"] = services
    app.register_blueprint(health_bp)
    app.register_blueprint(projects_bp)

    @app.errorhandler(FlowError)
    def flow_error(error: FlowError):
        body = {"code": error.code, "message": error.message, "errors": error.details.get("errors", {})}
        return jsonify(body), error.http_status

    return app
