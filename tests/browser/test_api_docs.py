"""/docs renders in a real browser with every request off the API's own origin blocked (an offline
deployment): Swagger UI comes from the API, not a CDN (issue 15)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.server]


def test_swagger_ui_renders_offline(page, api_url):
    outside = []

    def only_local(route):
        if route.request.url.startswith(api_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{api_url}/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Strong Cities Network assistant" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator('.opblock-summary-path[data-path="/v1/chat"]').first.wait_for()
    assert outside == []
