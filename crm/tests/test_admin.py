from django.urls import reverse


def test_head_office_works_in_the_admin_without_per_model_permissions(client_for, head_office, customer_a):
    client = client_for(head_office)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:crm_store_changelist")).status_code == 200
    body = client.get(reverse("admin:customers_customer_changelist")).content.decode()
    assert "王芳" in body
    assert client.get(reverse("admin:complaints_complaint_changelist")).status_code == 200


def test_store_staff_are_kept_out_of_the_admin(client_for, manager_a, clerk_a):
    for user in (manager_a, clerk_a):
        response = client_for(user).get(reverse("admin:customers_customer_changelist"))
        assert response.status_code == 302 and reverse("admin:login") in response.url
