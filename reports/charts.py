"""Charts drawn on the server as inline SVG.

Why SVG from the server and not a JavaScript chart library: the figures are already in
the page's context, so a chart costs no extra request and no script; SVG is vector, so
it prints sharp and scales to a tablet's width (``viewBox`` + ``width: 100%``); the text
inside is real text the browser translates nothing in and screen readers can read; and
there is nothing to vendor or keep up to date. The charts are deliberately plain: bars
for distributions and rankings, lines for weekly trends.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

COLOURS = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997"]
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def bar_chart(items, *, title: str = "", percent: bool = False, targets=None, width: int = 640):
    """Horizontal bars, one per (label, value). ``percent``: values are ratios 0..1.
    ``targets``: a value per item drawn as a dark tick (for example the 20/40/40 mix)."""
    items = list(items)
    if not items:
        return ""
    row, label_w, top = 24, 150, 22 if title else 4
    height = top + row * len(items) + 6
    values = [v or 0 for _label, v in items]
    scale_max = 1.0 if percent else max(max(values), 1)
    if targets:
        scale_max = max(scale_max, *[t or 0 for t in targets])
    bar_w = width - label_w - 70
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" {FONT}>'
    ]
    if title:
        parts.append(f'<text x="0" y="14" font-weight="600">{escape(title)}</text>')
    for i, (label, value) in enumerate(items):
        y = top + i * row
        w = 0 if not value else max(1, round(bar_w * value / scale_max))
        text = _pct(value) if percent else f"{value:,}" if isinstance(value, int) else str(value)
        parts.append(f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">{escape(str(label)[:18])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w}" height="16" fill="{COLOURS[0]}"></rect>')
        parts.append(f'<text x="{label_w + w + 4}" y="{y + 16}">{escape(text)}</text>')
        if targets and targets[i] is not None:
            tx = label_w + round(bar_w * targets[i] / scale_max)
            parts.append(f'<rect x="{tx - 1}" y="{y + 1}" width="3" height="22" fill="#212529"></rect>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def line_chart(labels, series, *, title: str = "", width: int = 640, height: int = 200):
    """Lines of ratios (0..1) over ``labels``: ``series`` is [(name, [value or None])]."""
    labels = list(labels)
    if not labels:
        return ""
    left, right, top, bottom = 40, 10, 22 if title else 8, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" {FONT}>'
    ]
    if title:
        parts.append(f'<text x="0" y="14" font-weight="600">{escape(title)}</text>')
    for tick in (0, 0.5, 1):
        y = top + plot_h * (1 - tick)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"></line>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick * 100:.0f}%</text>')
    for i, label in enumerate(labels):
        if len(labels) <= 13 or i % 2 == 0:
            x = left + i * step
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">{escape(label)}</text>')
    for n, (name, values) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        dash = "" if n % 2 == 0 else ' stroke-dasharray="6 3"'
        points = [f"{left + i * step:.1f},{top + plot_h * (1 - v):.1f}" for i, v in enumerate(values) if v is not None]
        if points:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"{dash}></polyline>'
            )
        for point in points:
            x, y = point.split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"></circle>')
        lx = left + n * 200
        parts.append(f'<rect x="{lx}" y="{height - 14}" width="14" height="4" fill="{colour}"></rect>')
        parts.append(f'<text x="{lx + 18}" y="{height - 8}">{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
