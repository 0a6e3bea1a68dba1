"""The campaign results sheet: figures only, no customer's personal data."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketing.models import RecipientStatus

HEADERS = [
    gettext_lazy("Figure"),
    gettext_lazy("Recipients"),
    gettext_lazy("Control group"),
    gettext_lazy("Difference (95 per cent interval)"),
]


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def result_rows(campaign, summary: dict) -> list[list]:
    target, control = summary["target"], summary["control"]
    share, spend = summary["share_diff"], summary["spend_diff"]
    rows = [
        [_("Customers"), target.customers, control.customers, ""],
        [
            _("Bought within %(days)s days") % {"days": summary["days"]},
            _pct(target.share),
            _pct(control.share),
            f"{_pct(share.value)} ({_pct(share.low)} ~ {_pct(share.high)})" if share else "",
        ],
        [
            _("Spend per customer"),
            target.spend_per_customer,
            control.spend_per_customer,
            f"{spend.value:.2f} ({spend.low:.2f} ~ {spend.high:.2f})" if spend else "",
        ],
    ]
    outbox = summary["delivery"]["outbox"]
    rows += [[_("Sent"), outbox["sent"], "", ""], [_("Failed"), outbox["failed"], "", ""]]
    rows.append([_("Opted out within 7 days"), summary["delivery"]["opt_outs"], "", ""])
    for status, n in sorted(summary["delivery"]["statuses"].items()):
        rows.append([str(RecipientStatus(status).label), n, "", ""])
    return rows
