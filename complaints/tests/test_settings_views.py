"""Head office edits categories, departments and deadlines in the app."""

from django.urls import reverse

from complaints.models import Category, Department, Severity, Sla


def test_head_office_changes_a_categorys_deadlines(head_office, client_for):
    quality = Category.objects.get(name="产品质量")
    client = client_for(head_office)
    assert "产品质量" in client.get(reverse("complaints:settings")).content.decode()
    data = {}
    for severity, _label in Severity.choices:
        data[f"{severity}_first"] = "12"
        data[f"{severity}_resolution"] = "96"
    response = client.post(reverse("complaints:deadlines", args=[quality.pk]), data)
    assert response.status_code == 302
    assert Sla.hours_for(quality, Severity.HIGH) == (12, 96)


def test_it_refuses_a_resolution_due_before_the_first_response(head_office, client_for):
    quality = Category.objects.get(name="产品质量")
    data = {f"{s}_first": "48" for s, _ in Severity.choices} | {f"{s}_resolution": "24" for s, _ in Severity.choices}
    response = client_for(head_office).post(reverse("complaints:deadlines", args=[quality.pk]), data)
    assert response.status_code == 200
    assert Sla.hours_for(quality, Severity.NORMAL) == (24, 168)


def test_head_office_adds_a_category_and_a_department(head_office, client_for):
    client = client_for(head_office)
    client.post(reverse("complaints:category_create"), {"name": "尺码", "position": "9", "is_active": "on"})
    client.post(reverse("complaints:department_create"), {"name": "客服中心", "position": "9", "is_active": "on"})
    assert Category.objects.filter(name="尺码").exists()
    assert Department.objects.filter(name="客服中心").exists()


def test_store_staff_cannot_edit_the_settings(manager_a, supervisor, client_for):
    for user in (manager_a, supervisor):
        assert client_for(user).get(reverse("complaints:settings")).status_code == 403
        assert client_for(user).post(reverse("complaints:category_create"), {"name": "x"}).status_code == 403
    assert not Category.objects.filter(name="x").exists()
