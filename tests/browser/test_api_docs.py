"""The API's readable page: Swagger UI from static/vendor renders under the strict CSP."""

from .conftest import DESKTOP, SCREENSHOTS, expect


def test_api_docs_page_renders_every_operation_with_no_blocked_script_or_style(page_for):
    page = page_for(DESKTOP)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Rakor API")
    expect(
        page.locator(".opblock-summary-path", has_text="/events/{slug}/checkins").first
    ).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "api-docs-desktop.png"))

    assert problems == []
    assert all(url.startswith(page.url.split("/api/")[0]) for url in requested), requested
