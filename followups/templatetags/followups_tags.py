from django import template

from followups.notes import note_text

register = template.Library()


@register.filter
def task_note(note: str) -> str:
    """A task's note as the reader's language has it: the system's notes are codes."""
    return note_text(note)
