import datetime as dt

import pytest

from followups.models import FollowUpTask, Holiday
from followups.services.greetings import generate_greetings, mid_autumn, spring_festival

pytestmark = pytest.mark.django_db


def greeted(day, greeting):
    generate_greetings(day)
    return set(FollowUpTask.objects.filter(greeting=greeting, due_date=day).values_list("customer__name", flat=True))


def test_it_greets_birthdays_on_the_day(make_customer):
    make_customer(name="生日", birthday=dt.date(1988, 6, 9))
    make_customer(name="别人", birthday=dt.date(1988, 6, 10))

    assert greeted(dt.date(2025, 6, 9), "birthday") == {"生日"}


def test_a_29_february_birthday_is_greeted_on_28_february_in_other_years(make_customer):
    make_customer(name="闰日", birthday=dt.date(1992, 2, 29))
    make_customer(name="二八", birthday=dt.date(1992, 2, 28))

    assert greeted(dt.date(2025, 2, 28), "birthday") == {"闰日", "二八"}
    assert greeted(dt.date(2028, 2, 28), "birthday") == {"二八"}
    assert greeted(dt.date(2028, 2, 29), "birthday") == {"闰日"}
    assert greeted(dt.date(2025, 3, 1), "birthday") == set()


def test_it_greets_wedding_and_membership_anniversaries(make_customer):
    make_customer(name="婚", wedding_anniversary=dt.date(2015, 5, 20))
    make_customer(name="会员", member_since=dt.date(2022, 5, 20))
    make_customer(name="新会员", member_since=dt.date(2025, 5, 20))

    assert greeted(dt.date(2025, 5, 20), "wedding") == {"婚"}
    assert greeted(dt.date(2025, 5, 20), "membership") == {"会员"}


def test_spring_festival_follows_the_lunar_calendar(make_customer):
    make_customer(name="甲")

    assert spring_festival(2025) == dt.date(2025, 1, 29)
    assert spring_festival(2026) == dt.date(2026, 2, 17)
    assert greeted(dt.date(2025, 1, 29), "spring_festival") == {"甲"}
    assert greeted(dt.date(2026, 2, 17), "spring_festival") == {"甲"}
    assert greeted(dt.date(2026, 1, 29), "spring_festival") == set()


def test_mid_autumn_national_day_and_head_offices_own_dates(make_customer):
    make_customer(name="甲")
    holiday = Holiday.objects.create(name="店庆", date=dt.date(2025, 8, 8), body="{name}，店庆快乐！")

    assert mid_autumn(2025) == dt.date(2025, 10, 6)
    assert greeted(dt.date(2025, 10, 6), "mid_autumn") == {"甲"}
    assert greeted(dt.date(2025, 10, 1), "national_day") == {"甲"}
    assert greeted(dt.date(2025, 8, 8), f"holiday:{holiday.pk}") == {"甲"}


def test_no_greeting_for_customers_who_may_not_get_sms(make_customer):
    from django.utils import timezone

    make_customer(name="同意", birthday=dt.date(1990, 1, 5))
    make_customer(name="未同意", birthday=dt.date(1990, 1, 5), marketing_consent=False)
    make_customer(name="退订", birthday=dt.date(1990, 1, 5), marketing_opt_out_at=timezone.now())
    make_customer(name="空号", birthday=dt.date(1990, 1, 5), mobile_invalid=True)

    assert greeted(dt.date(2025, 1, 5), "birthday") == {"同意"}


def test_greeting_twice_creates_one_task(make_customer):
    make_customer(birthday=dt.date(1990, 1, 5))
    generate_greetings(dt.date(2025, 1, 5))
    generate_greetings(dt.date(2025, 1, 5))

    assert FollowUpTask.objects.count() == 1
