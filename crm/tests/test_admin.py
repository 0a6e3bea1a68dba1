"""Django's admin is for the system administrator only; head office works in the app.
Even there, what the services own (consent, mobile, home store, points, tiers) is read-only."""

from django.urls import reverse

from customers.models import Customer


def test_head_office_is_sent_away_from_the_admin(client_for, head_office, customer_a):
    client = client_for(head_office)
    for url in (reverse("admin:index"), reverse("admin:customers_customer_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("admin:login") in response.url
    change = reverse("admin:auth_user_password_change", args=[head_office.pk])
    assert client.post(change, {"password1": "x" * 12, "password2": "x" * 12}).status_code == 302
    head_office.refresh_from_db()
    assert not head_office.check_password("x" * 12)


def test_store_staff_are_kept_out_of_the_admin(client_for, manager_a, clerk_a):
    for user in (manager_a, clerk_a):
        response = client_for(user).get(reverse("admin:customers_customer_changelist"))
        assert response.status_code == 302 and reverse("admin:login") in response.url


def test_the_system_administrator_works_in_the_admin(client_for, sysadmin, customer_a):
    client = client_for(sysadmin)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:crm_store_changelist")).status_code == 200
    assert "王芳" in client.get(reverse("admin:customers_customer_changelist")).content.decode()


def test_consent_mobile_home_store_and_tier_are_read_only_in_the_admin(client_for, sysadmin, customer_a, store_b):
    client = client_for(sysadmin)
    url = reverse("admin:customers_customer_change", args=[customer_a.pk])
    form = client.get(url).context["adminform"].form
    for field in ("mobile", "home_store", "tier", "marketing_consent", "data_consent_at", "mobile_invalid"):
        assert field not in form.fields, field
    client.post(url, {"name": "王芳", "mobile": "+8613911112222", "home_store": store_b.pk, "tier": "A"})
    customer = Customer.objects.get(pk=customer_a.pk)
    assert (customer.mobile, customer.home_store_id, customer.tier) == ("+8613900000001", customer_a.home_store_id, "C")


def test_the_system_administrator_sees_no_application_page(client_for, sysadmin):
    assert client_for(sysadmin).get(reverse("home")).status_code == 403
