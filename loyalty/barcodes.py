"""A card number as a Code 128 barcode in SVG, drawn on the server (no CDN, no script).

python-barcode encodes the number (the bars as a string of 1s and 0s); the SVG here uses
presentation attributes only, so it renders under a Content-Security-Policy without
``unsafe-inline`` styles, and prints sharp at any size.
"""

import barcode
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

QUIET = 10  # modules of white either side, as scanners need


def code128_svg(value: str, *, height: int = 40) -> SafeString:
    modules = barcode.get("code128", value).build()[0]
    width = len(modules) + 2 * QUIET
    bars, x = [], QUIET
    for (_start, length), bit in _runs(modules):
        if bit == "1":
            bars.append(f'<rect x="{x}" y="0" width="{length}" height="{height}"/>')
        x += length
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="barcode" role="img" '
        f'aria-label="{escape(value)}" preserveAspectRatio="none"><rect width="{width}" height="{height}" fill="#fff"/>'
        f'<g fill="#000">{"".join(bars)}</g></svg>'
    )


def _runs(modules: str):
    """((start, length), bit) for each run of equal bits."""
    start = 0
    for i in range(1, len(modules) + 1):
        if i == len(modules) or modules[i] != modules[start]:
            yield (start, i - start), modules[start]
            start = i
