"""Head office's staff page: every store's staff, unlock a login, end its sessions."""

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from crm.models import AuditEvent


def _lock(user):
    user.set_password("right-password-2026")
    user.save()
    client = Client()
    for i in range(5):
        client.post(reverse("login"), {"username": user.username, "password": f"wrong-{i}"})
    return client


def test_head_office_sees_the_staff_of_every_store(client_for, head_office, clerk_a, clerk_b, manager_b):
    response = client_for(head_office).get(reverse("staff"))
    assert response.status_code == 200
    body = response.content.decode()
    for user in (clerk_a, clerk_b, manager_b):
        assert f'id="staff-{user.pk}"' in body


def test_the_staff_page_lists_without_a_query_per_person(
    client_for, head_office, clerk_a, clerk_a2, clerk_b, manager_b, django_assert_max_num_queries
):
    client = client_for(head_office)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("staff")).status_code == 200


def test_store_staff_and_supervisors_may_not_open_the_staff_page(client_for, clerk_a, manager_a, supervisor, clerk_b):
    for user in (clerk_a, manager_a, supervisor):
        client = client_for(user)
        assert client.get(reverse("staff")).status_code == 403
        assert client.post(reverse("staff_unlock", args=[clerk_b.pk])).status_code == 403
        assert client.post(reverse("staff_end_sessions", args=[clerk_b.pk])).status_code == 403


def test_head_office_unlocks_a_locked_login(client_for, head_office, clerk_a):
    tablet = _lock(clerk_a)
    assert tablet.post(reverse("login"), {"username": "clerk_a", "password": "right-password-2026"}).status_code == 429
    response = client_for(head_office).post(reverse("staff_unlock", args=[clerk_a.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="clerk_a").exists()
    assert tablet.post(reverse("login"), {"username": "clerk_a", "password": "right-password-2026"}).status_code == 302
    assert AuditEvent.objects.filter(action="login.unlocked", object_id=str(clerk_a.pk), actor=head_office).exists()


def test_the_staff_page_marks_a_locked_login(client_for, head_office, clerk_a, clerk_a2):
    _lock(clerk_a)
    body = client_for(head_office).get(reverse("staff")).content.decode()
    row_a = body.split(f'id="staff-{clerk_a.pk}"')[1].split("</tr>")[0]
    row_a2 = body.split(f'id="staff-{clerk_a2.pk}"')[1].split("</tr>")[0]
    assert "text-bg-danger" in row_a and "text-bg-danger" not in row_a2


def test_head_office_ends_every_session_of_another_user(client_for, head_office, clerk_b):
    tablets = [client_for(clerk_b), client_for(clerk_b)]
    office = client_for(head_office)
    assert office.post(reverse("staff_end_sessions", args=[clerk_b.pk])).status_code == 302
    for tablet in tablets:
        assert tablet.get(reverse("home")).status_code == 302
    assert office.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.get(action="sessions.ended").detail == {"count": 2}


def test_the_staff_actions_are_posts_and_unknown_people_are_404(client_for, head_office, clerk_a):
    client = client_for(head_office)
    assert client.get(reverse("staff_unlock", args=[clerk_a.pk])).status_code == 405
    assert client.post(reverse("staff_end_sessions", args=[999999])).status_code == 404
