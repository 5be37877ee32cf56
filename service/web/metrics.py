"""`GET /metrics`: Prometheus' exposition formats, computed at scrape time (see `service.ops.collector`).

Every web process answers the same figures, because none of them comes from the
process's own memory: scrape any one of them, or all behind a load balancer.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder

from service.ops.collector import HandoffCollector

bp = Blueprint("metrics", __name__)


def init_metrics(app: Flask, services) -> None:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(HandoffCollector(services))
    app.extensions["handoff_metrics"] = registry
    app.register_blueprint(bp)


@bp.get("/metrics")
def metrics() -> Response:
    """Business volumes are not for everyone who can reach the port: `HANDOFF_METRICS_TOKEN` guards them."""
    expected = current_app.extensions["handoff"].config.metrics_token
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if expected and not hmac.compare_digest(sent, expected):
        return Response("scrape with Authorization: Bearer <HANDOFF_METRICS_TOKEN>\n", status=401,
                        headers={"Content-Type": "text/plain", "WWW-Authenticate": "Bearer"})
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))  # text, or OpenMetrics if asked
    body = encode(current_app.extensions["handoff_metrics"])
    return Response(body, headers={"Content-Type": content_type})
