"""The 帮助 link: the Chinese user guide of docs/guide/ inside the app."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_opens_the_guide_for_the_users_role(client_for, clerk_a, manager_a, head_office):
    assert "店员指南" in client_for(clerk_a).get(reverse("help")).content.decode()
    assert "店长指南" in client_for(manager_a).get(reverse("help")).content.decode()
    assert "总部指南" in client_for(head_office).get(reverse("help")).content.decode()


def test_the_menu_links_to_help(client_for, clerk_a):
    body = client_for(clerk_a).get(reverse("home")).content.decode()
    assert f'href="{reverse("help")}"' in body and "帮助" in body


def test_guide_links_and_images_point_into_the_app(client_for, clerk_a):
    body = client_for(clerk_a).get(reverse("help_page", args=["index"])).content.decode()
    assert f'href="{reverse("help_page", args=["clerk"])}"' in body
    clerk = client_for(clerk_a).get(reverse("help_page", args=["clerk"])).content.decode()
    assert f'src="{reverse("help_image", args=["clerk-sale.png"])}"' in clerk


@pytest.mark.parametrize("name", ["..%2F..%2FREADME.md", "..", "x.png", "clerk-sale.PNG", "a" * 100 + ".png"])
def test_it_serves_only_the_guides_own_images(client_for, clerk_a, name):
    assert client_for(clerk_a).get(f"/help/img/{name}").status_code == 404


def test_an_unknown_page_is_404_and_anonymous_visitors_log_in(client, client_for, clerk_a):
    assert client_for(clerk_a).get(reverse("help_page", args=["nope"])).status_code == 404
    assert client.get(reverse("help")).status_code == 302
