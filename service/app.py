"""The Flask application factory."""

from __future__ import annotations

from flask import Flask

from .config import Config


def create_app(config: Config | None = None, services=None) -> Flask:
    from . import runtime
    from .api import init_api
    from .web import init_web
    from .web.health import bp as health_bp
    from .web.metrics import init_metrics
    from .web.request_ids import init_request_ids
    from .web.throttle import init_throttle

    config = config or Config.from_env()
    if services is None:
        services = runtime.build(config)
        runtime.install(services)
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.extensions["handoff"] = services
    init_request_ids(app)
    app.register_blueprint(health_bp)
    init_metrics(app, services)
    init_api(app)
    init_web(app)
    init_throttle(app, services.config)  # wraps the login views both of the above registered
    return app
