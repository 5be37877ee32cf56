"""HTTPS and proxies in front of Handoff: HSTS when asked for, client addresses through trusted proxies.

- ``Strict-Transport-Security`` when `HANDOFF_HSTS` gives a max-age: browsers then refuse plain HTTP to
  this host. Off by default: sent from a host not (yet) always served over HTTPS, it locks people out.
- `HANDOFF_PROXY_HOPS`: how many reverse proxies in front set ``X-Forwarded-For``/``-Proto`` (werkzeug's
  ProxyFix). Without it, behind a proxy every client has the proxy's address, and the per-address
  login limit would be one limit for everybody. Default 0: the headers are not trusted (anyone can
  send them).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from service.config import Config


def init_transport(app: Flask, config: Config) -> None:
    if config.proxy_hops > 0:
        hops = config.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
    if config.hsts_max_age_s > 0:
        value = f"max-age={config.hsts_max_age_s}"

        @app.after_request
        def strict_transport_security(response):
            response.headers.setdefault("Strict-Transport-Security", value)
            return response
