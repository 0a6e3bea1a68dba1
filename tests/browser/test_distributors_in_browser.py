"""An account manager on a tablet (768 px) moves a dealer on the pipeline board with one
tap and finds it in its new column; no page is wider than the screen."""

import pytest

from crm.models import Role
from crm.tests.factories import make_staff
from distributors.models import Grade, Status
from distributors.tests.factories import make_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_account_manager_moves_a_dealer_on_the_board(live_server, page):
    am = make_staff("am_tablet", Role.ACCOUNT_MANAGER, first_name="钱业务")
    account = make_account(am, company="苏州恒达服饰")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "am_tablet")
    page.fill("#id_password", "pw-kedang-123")
    page.click("#login-submit")
    page.goto(f"{live_server.url}/distributors/board/")
    page.click("text=→ 意向客户 近期可以签约")
    page.wait_for_selector("text=客户状态已变更")
    account.refresh_from_db()
    assert (account.status, account.grade) == (Status.INTENT, Grade.SOON)
    for path in ("/distributors/board/", "/distributors/dashboard/", f"/distributors/{account.pk}/", "/distributors/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 768, path
