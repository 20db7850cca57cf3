"""Small server-rendered SVG charts: no JavaScript, readable in the browser and in the PDF alike.

Every text is escaped here; the returned markup is safe to insert as is.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BLUE = "#0017c1"
LIGHT = "#9db7f9"
GREEN = "#197a4b"


def bar_chart(
    labels: list[str],
    series: list[tuple[str, list[float], str]],
    *,
    title: str,
    width: int = 640,
    height: int = 260,
) -> SafeString:
    """Grouped vertical bars: one group per label, one bar per series (name, values, colour)."""
    pad_left, pad_bottom, pad_top = 40, 40, 30
    plot_w, plot_h = width - pad_left - 10, height - pad_bottom - pad_top
    top = max([v for _n, values, _c in series for v in values] + [1])
    groups = max(len(labels), 1)
    group_w = plot_w / groups
    bar_w = max(4.0, (group_w * 0.7) / max(len(series), 1))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad_left}" y1="{pad_top + plot_h}" x2="{width - 10}" y2="{pad_top + plot_h}" stroke="#666"/>',
        f'<text x="{pad_left - 6}" y="{pad_top + 4}" text-anchor="end" font-size="11">{_fmt(top)}</text>',
        f'<text x="{pad_left - 6}" y="{pad_top + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, label in enumerate(labels):
        x0 = pad_left + i * group_w + group_w * 0.15
        for j, (_name, values, colour) in enumerate(series):
            value = values[i] if i < len(values) else 0
            h = plot_h * value / top
            x = x0 + j * bar_w
            y = pad_top + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" fill="{colour}"/>'
            )
            if value:
                parts.append(
                    f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="10">{_fmt(value)}</text>'
                )
        parts.append(
            f'<text x="{pad_left + i * group_w + group_w / 2:.1f}" y="{pad_top + plot_h + 16}" '
            f'text-anchor="middle" font-size="11">{escape(label)}</text>'
        )
    for j, (name, _values, colour) in enumerate(series):
        x = pad_left + j * 150
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="16" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def hbar_chart(
    rows: list[tuple[str, float]], *, title: str, width: int = 640, colour: str = BLUE
) -> SafeString:
    """Horizontal bars, one per row (label, value): funnels and rankings."""
    row_h, label_w = 24, 200
    height = row_h * max(len(rows), 1) + 10
    top = max([v for _l, v in rows] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = 5 + i * row_h
        w = (width - label_w - 60) * value / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}"/>'
        )
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12">{_fmt(value)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
