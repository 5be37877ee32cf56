"""Browsers ask for /favicon.ico on every page; it answers, and every page links the icon."""

from __future__ import annotations

from service.app import create_app


def test_the_favicon_is_served_without_logging_in_and_linked_from_the_pages(services):
    client = create_app(services.config, services).test_client()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page
    assert client.get("/static/favicon.svg").status_code == 200
