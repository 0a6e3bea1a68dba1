"""The user guide (docs/guide/, in Chinese) inside the app, behind the 帮助 link.

The guide is Markdown in the repository, so the README, the docs and the app show the
same pages; rendered with the Markdown library (the files are ours, not user input).
"""

import re
from pathlib import Path

import markdown
from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from crm.access import require_profile, staff_required
from crm.models import Role

PAGES = {"index": "README.md", "clerk": "clerk.md", "manager": "manager.md", "head-office": "head-office.md"}
BY_ROLE = {Role.CLERK: "clerk", Role.MANAGER: "manager", Role.SUPERVISOR: "manager", Role.HEAD_OFFICE: "head-office"}
IMAGE = re.compile(r"[a-z0-9-]{1,60}\.png")


def _guide_dir() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "guide"


def _html(page: str) -> str:
    text = (_guide_dir() / PAGES[page]).read_text(encoding="utf-8")
    html = markdown.markdown(text, extensions=["tables", "fenced_code"])
    html = re.sub(r'src="img/([^"]+)"', lambda m: f'src="{reverse("help_image", args=[m.group(1)])}"', html)
    for slug, filename in PAGES.items():
        html = html.replace(f'href="{filename}"', f'href="{reverse("help_page", args=[slug])}"')
    return html


@staff_required()
def help_page(request, page=None):
    page = page or BY_ROLE.get(require_profile(request.user).role, "index")
    if page not in PAGES:
        raise Http404
    context = {"guide": mark_safe(_html(page)), "pages": PAGES, "page": page}
    return render(request, "crm/help.html", context)


@staff_required()
def help_image(request, name):
    path = _guide_dir() / "img" / name
    if not IMAGE.fullmatch(name) or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")
