"""Member events: invitations once, places and the waiting list, check-in at the door, the
purchases attributed to the event within its window and not after, and who may do what."""

import datetime as dt

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory, buy
from followups.models import FollowUpTask, OutboundMessage
from marketing import events
from marketing.models import Invitation, MemberEvent, Rsvp
from marketing.tests.conftest import SHANGHAI

pytestmark = pytest.mark.django_db
STARTS = dt.datetime(2026, 11, 14, 14, 0, tzinfo=SHANGHAI)


@pytest.fixture
def event(store_a, manager_a):
    return MemberEvent.objects.create(
        name="秋季品鉴会",
        kind="tasting",
        store=store_a,
        starts_at=STARTS,
        capacity=4,
        tiers=["A", "B"],
        message="{name}您好，诚邀您参加{store}秋季品鉴会。",
        invite_by_call=True,
        created_by=manager_a,
    )


@pytest.fixture
def invited(event, store_a, clerk_a, manager_a):
    people = [
        CustomerFactory(
            home_store=store_a, tier="A", clerk=clerk_a, card_number=f"A2026{i:06d}", mobile=f"+8613511{i:06d}"
        )
        for i in range(6)
    ]
    CustomerFactory(home_store=store_a, tier="C")  # not invited: tier C
    people[5].marketing_consent = False
    people[5].save()
    events.invite(event, by=manager_a)
    return {inv.customer_id: inv for inv in Invitation.objects.filter(event=event)}, people


def test_inviting_sends_once_to_the_tiers_by_sms_where_allowed_and_on_the_worklist(event, invited, manager_a):
    invitations, people = invited
    assert set(invitations) == {c.pk for c in people}
    assert OutboundMessage.objects.filter(key__startswith=f"event:{event.pk}:").count() == 5  # one without consent
    calls = FollowUpTask.objects.filter(key__startswith=f"event:{event.pk}:")
    assert calls.count() == 6 and calls.first().purpose == "邀请参加秋季品鉴会"
    with pytest.raises(Exception, match="已经发出"):
        events.invite(event, by=manager_a)


def test_yes_beyond_the_places_goes_to_the_waiting_list_and_moves_up_when_a_seat_frees(event, invited, clerk_a):
    invitations, people = invited
    a, b, c, d = (invitations[p.pk] for p in people[:4])
    assert events.answer(a, Rsvp.YES, party_size=2, by=clerk_a).rsvp == Rsvp.YES
    assert events.answer(b, Rsvp.YES, party_size=2, by=clerk_a).rsvp == Rsvp.YES
    assert events.answer(c, Rsvp.YES, party_size=1, by=clerk_a).rsvp == Rsvp.WAITLIST
    assert events.answer(d, Rsvp.YES, party_size=2, by=clerk_a).rsvp == Rsvp.WAITLIST
    assert events.seats_taken(event) == 4
    events.answer(a, Rsvp.NO, by=clerk_a)  # two seats free: c (1) then d (2 does not fit in the 1 left)
    statuses = dict(Invitation.objects.filter(event=event).values_list("customer_id", "rsvp"))
    assert statuses[people[2].pk] == Rsvp.YES and statuses[people[3].pk] == Rsvp.WAITLIST
    assert events.seats_taken(event) == 3


def test_check_in_by_card_number_or_mobile_once(event, invited, clerk_a):
    invitations, people = invited
    by_card = events.find_invitation(event, people[0].card_number.lower())
    by_mobile = events.find_invitation(event, "135 1100 0001")
    assert by_card.customer == people[0] and by_mobile.customer == people[1]
    assert events.check_in(by_card, by=clerk_a) is True
    assert events.check_in(by_card, by=clerk_a) is False
    for nonsense in ("", "\x00", "²²²", "9" * 100):
        assert events.find_invitation(event, nonsense) is None


def test_purchases_of_those_who_came_count_within_the_window_and_not_after(event, invited, clerk_a):
    invitations, people = invited
    came, stayed_home = people[0], people[1]
    events.check_in(invitations[came.pk], by=clerk_a)
    buy(came, 800, when=STARTS + dt.timedelta(hours=1))  # at the event
    buy(came, 200, when=STARTS + dt.timedelta(days=13))  # still within 14 days of the day
    buy(came, 999, when=dt.datetime(2026, 11, 28, 0, 0, tzinfo=SHANGHAI))  # day 14: outside
    buy(came, 555, when=STARTS - dt.timedelta(days=1))  # before
    buy(stayed_home, 3000, when=STARTS + dt.timedelta(days=1))  # did not come
    report = events.report(event)
    assert (report["invited"], report["came"], report["buyers"]) == (6, 1, 1)
    assert str(report["spend"]) == "900.00"  # 800 + 200 less the gold card's 10 %
    assert report["until"] == dt.date(2026, 11, 27)


def test_the_event_pages_for_each_role(
    client_for, event, invited, clerk_a, clerk_b, manager_b, supervisor, head_office
):
    invitations, people = invited
    inv = invitations[people[0].pk]
    detail = reverse("marketing:event", args=[event.pk])
    answer = reverse("marketing:invitation_answer", args=[event.pk, inv.pk])
    checkin = reverse("marketing:event_check_in", args=[event.pk])
    for outsider in (clerk_b, manager_b):
        client = client_for(outsider)
        assert client.get(detail).status_code == 404
        assert client.post(answer, {"rsvp": "yes", "party_size": 1}).status_code == 404
        assert client.post(checkin, {"q": people[0].card_number}).status_code == 404
        assert client.post(reverse("marketing:event_invite", args=[event.pk])).status_code in (403, 404)
    clerk = client_for(clerk_a)
    assert clerk.get(reverse("marketing:event_create")).status_code == 403
    assert clerk.post(reverse("marketing:event_invite", args=[event.pk])).status_code == 403
    assert clerk.post(answer, {"rsvp": "yes", "party_size": 2}).status_code == 302
    assert clerk.post(checkin, {"q": people[0].card_number}).status_code == 302
    inv.refresh_from_db()
    assert inv.rsvp == Rsvp.YES and inv.party_size == 2 and inv.checked_in_at is not None
    assert client_for(supervisor).post(answer, {"rsvp": "no", "party_size": 1}).status_code == 403
    page = client_for(head_office).get(detail).content.decode()
    assert "秋季品鉴会" in page and "候补名单" in page and 'id="came">1<' in page


@pytest.mark.parametrize(
    "data",
    [{"rsvp": "yes", "party_size": "²"}, {"rsvp": "x", "party_size": 1}, {"party_size": "99999999999999999999"}, {}],
)
def test_a_bad_answer_is_a_message_not_a_500(client_for, clerk_a, event, invited, data):
    invitations, people = invited
    url = reverse("marketing:invitation_answer", args=[event.pk, invitations[people[0].pk].pk])
    response = client_for(clerk_a).post(url, data, follow=True)
    assert response.status_code == 200 and "请选择" in response.content.decode()


def test_a_manager_creates_an_event_for_their_store(client_for, manager_a, store_a, store_b):
    client = client_for(manager_a)
    data = {
        "name": "会员日",
        "kind": "member_day",
        "store": store_a.pk,
        "starts_at": "2026-12-12T10:00",
        "capacity": 30,
        "attribution_days": 14,
        "invite_by_sms": "on",
        "message": "{name}您好",
    }
    assert client.post(reverse("marketing:event_create"), data).status_code == 302
    assert MemberEvent.objects.get(name="会员日").store == store_a
    data |= {"name": "别的店", "store": store_b.pk}
    assert client.post(reverse("marketing:event_create"), data).status_code == 200  # not a store they see
    assert not MemberEvent.objects.filter(name="别的店").exists()


def test_the_event_page_takes_a_constant_number_of_queries(
    client_for, head_office, event, store_a, manager_a, django_assert_max_num_queries
):
    client = client_for(head_office)
    url = reverse("marketing:event", args=[event.pk])
    for i in range(30):
        CustomerFactory(home_store=store_a, tier="B", mobile=f"+8613522{i:06d}")
    with django_assert_max_num_queries(14) as before:
        client.get(url)
    events.invite(event, by=manager_a)
    with django_assert_max_num_queries(len(before) + 2):
        assert "30" in client.get(url).content.decode()
