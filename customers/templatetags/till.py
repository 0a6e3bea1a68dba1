from django import template

register = template.Library()

# What the clerk types first comes first; on a tablet the row wraps into two lines.
LINE_LAYOUT = [
    ("item", "col-12 col-md-6"),
    ("unit_price", "col-6 col-md-3"),
    ("quantity", "col-6 col-md-3"),
    ("category", "col-4"),
    ("size", "col-4"),
    ("colour", "col-4"),
]


@register.filter
def line_fields(form):
    return [(form[name], width) for name, width in LINE_LAYOUT]
