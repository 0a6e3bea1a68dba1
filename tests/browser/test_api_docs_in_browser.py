"""The API docs page works in a real browser under a strict CSP (no inline script, no CDN)."""

import pytest

pytestmark = pytest.mark.browser

CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


def test_the_api_docs_page_lists_every_call_under_a_strict_csp(page, live_server):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("request", lambda request: request.url.startswith(live_server.url) or problems.append(request.url))

    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page.route(f"{live_server.url}/api/v1/docs", with_csp)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = {element.inner_text().strip() for element in page.query_selector_all(".opblock-summary-path")}
    assert {"/api/v1/sales", "/api/v1/members/lookup"} <= {p.replace("\u200b", "") for p in paths}
    assert problems == [], "nothing refused by the CSP, nothing fetched from elsewhere"
