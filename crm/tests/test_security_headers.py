"""Headers every page carries: a CSP without inline script or style, no caching of
pages a logged-in user sees; and the templates keep to that CSP."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


def test_it_sends_a_csp_without_unsafe_inline(client, db):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_it_keeps_no_copy_of_a_logged_in_page(client_for, clerk_a, customer_a):
    response = client_for(clerk_a).get(reverse("customers:detail", args=[customer_a.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_no_template_has_inline_script_handlers_or_style_attributes():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, STYLE_ATTRIBUTE):
            offenders += [f"{path.relative_to(TEMPLATES)}: {m.group(0).strip()}" for m in pattern.finditer(text)]
    assert offenders == []
