"""The notes the system itself writes on a task are codes, shown in the reader's language
(a clerk's own note is shown as typed). Older rows held the English sentence; the data
migration 0005 turns those into the codes."""

from django.utils.translation import gettext_lazy as _

TOO_LATE = "system:too_late"
NO_SMS = "system:no_sms"
QUARTERLY = "system:quarterly"

SYSTEM_NOTES = {
    TOO_LATE: _("Too late to send"),
    NO_SMS: _("No SMS consent, or the number is invalid"),
    QUARTERLY: _("Replaced by the quarterly cadence"),
}
# What the code wrote before the notes were codes.
OLD_ENGLISH = {"too late to send": TOO_LATE, "no SMS consent or invalid number": NO_SMS, "quarterly cadence": QUARTERLY}


def note_text(note: str) -> str:
    return str(SYSTEM_NOTES.get(note, note or ""))
