"""The rhythm's tasks are worked from the follow-ups worklist by the account manager,
and a call that reached the dealer counts as a contact made."""

from django.urls import reverse
from django.utils import timezone

from distributors import analysis
from distributors.models import DealerAccount, Grade, ServiceRhythm, Status
from distributors.services.rhythm import generate
from distributors.tests.factories import make_account
from followups.models import FollowUpTask, TaskStatus


def test_the_account_manager_works_the_rhythm_call_from_the_worklist(client_for, am_a, am_b, clerk_a):
    account = make_account(am_a, status=Status.EXISTING, grade=Grade.KEY)
    DealerAccount.objects.filter(pk=account.pk).update(value_class="important")
    ServiceRhythm.objects.filter(value_class="important").update(review_every_months=0)
    generate(timezone.localdate())
    task = FollowUpTask.objects.get(customer=account.customer)
    page = client_for(am_a).get(reverse("followups:today")).content.decode()
    assert task.purpose in page
    for outsider in (am_b, clerk_a):
        assert task.purpose not in client_for(outsider).get(reverse("followups:today")).content.decode()
        assert client_for(outsider).post(
            reverse("followups:outcome", args=[task.pk]), {"outcome": "satisfied"}
        ).status_code in (403, 404)
    response = client_for(am_a).post(
        reverse("followups:outcome", args=[task.pk]), {"outcome": "satisfied", "note": "下月加单"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    (entry,) = analysis.compliance(DealerAccount.objects.all(), timezone.localdate())
    assert (entry["manager"], entry["made"], entry["expected"]) == (am_a, 1, 13)
    file_page = client_for(am_a).get(reverse("distributors:detail", args=[account.pk])).content.decode()
    assert "下月加单" in file_page
