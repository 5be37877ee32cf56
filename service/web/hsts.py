"""``Strict-Transport-Security`` when `HANDOFF_HSTS` gives a max-age: browsers then refuse plain HTTP to this host.

Off by default: sent from a host that is not (yet) always served over HTTPS, it would lock people out.
"""

from __future__ import annotations

from flask import Flask

from service.config import Config


def init_hsts(app: Flask, config: Config) -> None:
    if config.hsts_max_age_s <= 0:
        return
    value = f"max-age={config.hsts_max_age_s}"

    @app.after_request
    def strict_transport_security(response):
        response.headers.setdefault("Strict-Transport-Security", value)
        return response
