import datetime as dt

from django.conf import settings
from django.utils import timezone

from crm.jobs import daily_job
from marketing import campaigns


def _last_sending_moment(day: dt.date) -> dt.datetime:
    """Just before the day's quiet hours begin, less the sending margin."""
    start = dt.time.fromisoformat(settings.KEDANG_MARKETING_QUIET_HOURS[0])
    end_of_window = timezone.make_aware(dt.datetime.combine(day, start))
    return end_of_window - dt.timedelta(seconds=settings.KEDANG_MARKETING_SEND_MARGIN + 60)


@daily_job("marketing.send", order=80)
def send(day: dt.date) -> dict:
    """Beat sends campaigns every few minutes; a replayed day hands over what was due by its
    evening (never later than now)."""
    return campaigns.queue_due(min(timezone.now(), _last_sending_moment(day)))
