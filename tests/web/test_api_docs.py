"""The interactive API viewer works without the internet: its JavaScript is served by us (from npm)."""

from __future__ import annotations

import pytest

from tests.web.conftest import watch_csp

pytestmark = pytest.mark.browser


def test_the_api_viewer_lists_every_operation(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    watch_csp(page, violations)
    external = []
    page.on("request", lambda request: external.append(request.url)
            if not request.url.startswith(live_server) else None)
    page.goto(f"{live_server}/api/docs")
    page.wait_for_selector(".opblock")
    spec = page.request.get(f"{live_server}/api/openapi.json").json()
    methods = {"get", "post", "put", "patch", "delete"}
    operations = sum(len(methods.intersection(item)) for item in spec["paths"].values())
    assert page.locator(".opblock").count() == operations
    assert external == []  # nothing fetched from a CDN
    assert violations == []  # swagger-ui runs under the pages' strict CSP
    context.close()
