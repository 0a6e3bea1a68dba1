import re

from django.contrib.staticfiles import finders


def test_the_schema_is_openapi_3_with_every_call(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/members/lookup",
        "/api/v1/members/serve-code",
        "/api/v1/members/serve-code/verify",
        "/api/v1/members/{member_id}/points",
        "/api/v1/members/{member_id}/card-applications",
        "/api/v1/sales",
        "/api/v1/sales/{receipt_number}/returns",
    }
    assert schema["components"]["securitySchemes"]["KeyAuth"]["scheme"] == "bearer"


def test_the_docs_page_is_served_from_vendored_files_without_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in sources and "/static/js/api-docs.js" in sources
    assert all(source.startswith("/static/") for source in sources), sources
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "no inline <script> (the CSP forbids it)"
    assert 'data-openapi-url="/api/v1/openapi.json"' in page
    for path in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "js/api-docs.js"):
        assert finders.find(path), path
