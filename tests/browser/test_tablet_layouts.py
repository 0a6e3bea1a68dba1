"""The widest pages on a tablet and a laptop: at 768, 1024 and 1280 px no page scrolls
sideways and no table header is squeezed under two characters; the top menu never hides
a link at any width from 768 to 1920 px.

Slow by design (a seeded demo, a browser, a dozen pages at three widths, about half a minute).
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (768, 1024, 1280)

# A header cell narrower than two characters of its own font, or a page wider than the window.
MEASURE = """() => {
  const narrow = [];
  for (const th of document.querySelectorAll('main th')) {
    const size = parseFloat(getComputedStyle(th).fontSize);
    if (th.offsetParent !== null && th.textContent.trim() && th.clientWidth < 2 * size) narrow.push(th.textContent.trim());
  }
  return {overflow: document.documentElement.scrollWidth - window.innerWidth, narrow};
}"""

NAV = """() => {
  const hidden = [];
  for (const el of document.querySelectorAll('#nav a, #nav button')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right > window.innerWidth + 1 || r.left < -1) hidden.push(el.textContent.trim());
  }
  return hidden;
}"""


@pytest.fixture
def demo(db):
    call_command("seed_demo", customers=30, seed=2026, stdout=io.StringIO())


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "kedang-demo")
    page.click("#login-submit")
    page.wait_for_selector("main")


def wide_pages(username):
    from customers.models import Customer

    customer = Customer.objects.order_by("-cumulative_spend").first()
    pages = {
        "manager": [
            reverse("home"),
            reverse("customers:list"),
            reverse("customers:detail", args=[customer.pk]),
            reverse("loyalty:register"),
            reverse("followups:today") + "?who=store",
            reverse("followups:completion"),
            reverse("reports:store"),
            reverse("complaints:list"),
            reverse("complaints:analysis"),
        ],
        "hq": [
            reverse("home"),
            reverse("loyalty:queue"),
            reverse("loyalty:gifts"),
            reverse("reports:chain"),
            reverse("loyalty:vouchers"),
            reverse("marketing:campaigns"),
            reverse("marketing:holiday_gifts"),
            reverse("marketing:events"),
        ],
    }
    return pages[username]


@pytest.mark.parametrize("username", ["manager", "hq"])
def test_the_widest_pages_fit_a_tablet(live_server, browser, demo, username):
    problems = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = context.new_page()
        login(page, live_server, username)
        for path in wide_pages(username):
            page.goto(f"{live_server.url}{path}")
            found = page.evaluate(MEASURE)
            if found["overflow"] > 0 or found["narrow"]:
                problems.append(f"{width}px {path}: overflow {found['overflow']}px, narrow headers {found['narrow']}")
        context.close()
    assert not problems, "\n".join(problems)


def test_the_menu_never_hides_a_link(live_server, browser, demo):
    hidden = []
    for width in (768, 1024, 1199, 1200, 1280, 1366, 1440, 1920):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = context.new_page()
        login(page, live_server, "hq")
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            page.wait_for_selector("#nav.show")
        missing = page.evaluate(NAV)
        if missing:
            hidden.append(f"{width}px: {missing}")
        context.close()
    assert not hidden, "\n".join(hidden)
