"""Charts as inline SVG, drawn on the server (no JavaScript, no external library).

Every label goes through markupsafe's escape; the result is Markup ready for a template. Colours
are SVG presentation attributes (allowed by the staff CSP, which forbids inline styles).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from markupsafe import Markup, escape

SERIES_COLOURS = ("#1d4ed8", "#9ca3af", "#059669", "#d97706")
WIDTH = 680
COUNT_KEYS = ("rows", "answerable", "unanswerable", "errors", "n", "count")


def fractions(values: Mapping[str, object]) -> dict[str, float]:
    """The metrics that are scores in [0, 1] (booleans and counts left out)."""
    out = {}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if key in COUNT_KEYS or key.startswith("latency"):
            continue
        if 0.0 <= float(value) <= 1.0:
            out[key] = float(value)
    return out


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(width: int, height: int, title: str, body: list[str], testid: str) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" data-testid="{escape(testid)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" direction="ltr" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _empty(title: str, message: str, testid: str) -> Markup:
    body = [f'<text x="10" y="28" font-size="13" fill="#4b5563">{escape(message)}</text>']
    return _svg(WIDTH, 44, title, body, testid)


def bar_chart(
    metrics: Sequence[str],
    series: Sequence[tuple[str, Mapping[str, float | None]]],
    *,
    title: str,
    empty: str = "no data",
    testid: str = "chart-metrics",
    labels: Mapping[str, str] | None = None,
    lower_is_better: Iterable[str] = (),
    lower_note: str = "↓ lower is better",
) -> Markup:
    """Horizontal grouped bars: one group per metric, one bar per series (e.g. this run, previous).

    The legend gives every series a line of its own, in full; metrics where lower is better are
    marked ↓ (explained under the legend). ``labels`` names the metrics (translated)."""
    metrics = list(metrics)
    if not metrics or not series:
        return _empty(title, empty, testid)
    labels = labels or {}
    lower = set(lower_is_better)
    label_w, value_w, bar_h, gap = 190, 56, 14, 12
    plot_w = WIDTH - label_w - value_w - 10
    marked = [m for m in metrics if m in lower]
    legend_h = 20 * len(series) + (20 if marked else 0) + 8
    group_h = bar_h * len(series) + gap
    height = legend_h + group_h * len(metrics) + 24
    body = []
    for i, (name, _) in enumerate(series):  # legend: one line per series, the whole name
        y = 4 + i * 20
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        body.append(f'<rect x="10" y="{y}" width="12" height="12" fill="{colour}"/>')
        body.append(
            f'<text x="28" y="{y + 11}" font-size="12" fill="#111827">{escape(_short(name, 90))}</text>'
        )
    if marked:
        body.append(
            f'<text x="10" y="{4 + len(series) * 20 + 11}" font-size="12" fill="#374151">'
            f"{escape(lower_note)}</text>"
        )
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):  # grid
        x = label_w + tick * plot_w
        body.append(
            f'<line x1="{x:.1f}" y1="{legend_h}" x2="{x:.1f}" y2="{height - 18}" '
            'stroke="#e5e7eb" stroke-width="1"/>'
        )
        body.append(
            f'<text x="{x:.1f}" y="{height - 4}" font-size="10" fill="#6b7280" '
            f'text-anchor="middle">{tick:g}</text>'
        )
    for m, metric in enumerate(metrics):
        y0 = legend_h + m * group_h
        name = labels.get(metric, metric) + (" ↓" if metric in lower else "")
        body.append(
            f'<text x="{label_w - 8}" y="{y0 + (bar_h * len(series)) / 2 + 4:.1f}" font-size="12" '
            f'fill="#111827" text-anchor="end"><title>{escape(name)} ({escape(metric)})</title>'
            f"{escape(_short(name, 28))}</text>"
        )
        for s, (name, values) in enumerate(series):
            value = values.get(metric)
            y = y0 + s * bar_h
            colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
            if value is None:
                body.append(
                    f'<text x="{label_w + 4}" y="{y + bar_h - 3}" font-size="10" fill="#6b7280">—</text>'
                )
                continue
            w = max(0.0, min(1.0, float(value))) * plot_w
            body.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{colour}">'
                f"<title>{escape(name)} · {escape(metric)}: {float(value):.3f}</title></rect>"
            )
            body.append(
                f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" font-size="10" fill="#111827">'
                f"{float(value):.3f}</text>"
            )
    return _svg(WIDTH, height, title, body, testid)


def _heat(value: float) -> str:
    """Red (0) → amber (0.5) → green (1)."""
    value = max(0.0, min(1.0, value))
    stops = ((0.0, (220, 38, 38)), (0.5, (245, 158, 11)), (1.0, (22, 163, 74)))
    for (a, ca), (b, cb) in zip(stops, stops[1:], strict=False):
        if value <= b:
            f = (value - a) / (b - a)
            r, g, bl = (round(ca[i] + (cb[i] - ca[i]) * f) for i in range(3))
            return f"#{r:02x}{g:02x}{bl:02x}"
    return "#16a34a"


def heat_table(
    by_tag: Mapping[str, Mapping[str, object]],
    *,
    title: str,
    rows_label: str = "rows",
    empty: str = "no data",
    testid: str = "chart-tags",
    labels: Mapping[str, str] | None = None,
    lower_is_better: Iterable[str] = (),
) -> Markup:
    """One line per tag, one cell per score metric, coloured by how good the value is — red bad,
    green good, so a lower-is-better metric (false refusals) is green at 0 —; the row count at the end."""
    labels = labels or {}
    lower = set(lower_is_better)
    tags = list(by_tag)
    metrics: list[str] = []
    for values in by_tag.values():
        for key in fractions(values):
            if key not in metrics:
                metrics.append(key)
    if not tags or not metrics:
        return _empty(title, empty, testid)
    names = {m: labels.get(m, m) + (" ↓" if m in lower else "") for m in metrics}
    longest = max(len(_short(n, 26)) for n in names.values())
    # column heads are slanted at 45°: leave room above (and to the start) for the longest one
    label_w, cell_w, cell_h = 150, 48, 24
    head_h = int(longest * 6.6 * 0.71) + 24
    reach = int(longest * 6.6 * 0.71)  # how far right the last slanted head reaches
    columns_end = label_w + cell_w * len(metrics)
    width = int(max(columns_end + 60, columns_end - cell_w / 2 + reach + 10))
    height = head_h + cell_h * len(tags) + 6
    body = []
    for c, metric in enumerate(metrics):  # column heads, slanted so long names do not collide
        x, y = label_w + c * cell_w + cell_w / 2, head_h - 8
        body.append(
            f'<text x="{x:.1f}" y="{y}" font-size="11" fill="#111827" transform="rotate(-45 {x:.1f} {y})">'
            f"<title>{escape(names[metric])} ({escape(metric)})</title>"
            f"{escape(_short(names[metric], 26))}</text>"
        )
    body.append(
        f'<text x="{label_w + cell_w * len(metrics) + 30}" y="{head_h - 8}" font-size="11" fill="#111827" '
        f'text-anchor="middle">{escape(rows_label)}</text>'
    )
    for r, tag in enumerate(tags):
        y = head_h + r * cell_h
        values = by_tag[tag]
        body.append(
            f'<text x="{label_w - 8}" y="{y + cell_h / 2 + 4:.1f}" font-size="12" fill="#111827" '
            f'text-anchor="end"><title>{escape(tag)}</title>{escape(_short(tag, 20))}</text>'
        )
        for c, metric in enumerate(metrics):
            x = label_w + c * cell_w
            value = values.get(metric)
            if isinstance(value, int | float) and not isinstance(value, bool):
                goodness = 1.0 - float(value) if metric in lower else float(value)
                fill, text = _heat(goodness), f"{float(value):.2f}"
            else:
                fill, text = "#f3f4f6", "—"
            body.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{fill}" rx="3">'
                f"<title>{escape(tag)} · {escape(metric)}: {escape(text)}</title></rect>"
            )
            body.append(
                f'<text x="{x + cell_w / 2:.1f}" y="{y + cell_h / 2 + 4:.1f}" font-size="11" fill="#111827" '
                f'text-anchor="middle">{escape(text)}</text>'
            )
        count = values.get("rows", "")
        body.append(
            f'<text x="{label_w + cell_w * len(metrics) + 30}" y="{y + cell_h / 2 + 4:.1f}" font-size="11" '
            f'fill="#374151" text-anchor="middle">{escape(str(count))}</text>'
        )
    return _svg(width, height, title, body, testid)


def histogram(
    values: Sequence[float | None],
    *,
    title: str,
    bins: int = 10,
    empty: str = "no data",
    testid: str = "chart-distribution",
    colour: str = "#1d4ed8",
) -> Markup:
    """Counts of per-row scores in ``bins`` equal bins over [0, 1]."""
    present = [max(0.0, min(1.0, float(v))) for v in values if isinstance(v, int | float)]
    if not present:
        return _empty(title, empty, testid)
    counts = [0] * bins
    for v in present:
        counts[min(bins - 1, int(v * bins))] += 1
    width, height, left, bottom, top = 330, 200, 34, 24, 20
    plot_w, plot_h = width - left - 10, height - bottom - top
    top_count = max(counts)
    bar_w = plot_w / bins
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#6b7280"/>',
        f'<text x="{left - 4}" y="{top + 4}" font-size="10" fill="#6b7280" '
        f'text-anchor="end">{top_count}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" font-size="10" fill="#6b7280" text-anchor="end">0</text>',
    ]
    for i, count in enumerate(counts):
        h = plot_h * count / top_count if top_count else 0
        x = left + i * bar_w
        low, high = i / bins, (i + 1) / bins
        body.append(
            f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
            f'fill="{colour}"><title>{low:.1f}–{high:.1f}: {count}</title></rect>'
        )
        if count:
            body.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 3:.1f}" font-size="10" fill="#111827" '
                f'text-anchor="middle">{count}</text>'
            )
    for tick in (0.0, 0.5, 1.0):
        x = left + tick * plot_w
        body.append(
            f'<text x="{x:.1f}" y="{height - 6}" font-size="10" fill="#6b7280" '
            f'text-anchor="middle">{tick:g}</text>'
        )
    return _svg(width, height, title, body, testid)


def daily_bars(
    days: Sequence[Mapping[str, object]],
    series: Sequence[tuple[str, str]],
    *,
    title: str,
    labels: Mapping[str, str] | None = None,
    empty: str = "no data",
    testid: str = "chart-daily",
) -> Markup:
    """Vertical bars, one per day, stacked by ``series`` (keys of each day, e.g. answered and refused).
    ``days`` are dicts with "date" (YYYY-MM-DD) and the series' counts; a long period scrolls sideways
    (bars keep at least 6 px), and the date under a bar is written every few days."""
    labels = labels or {}
    if not days or not any(int(day.get(key, 0) or 0) for day in days for key, _ in series):
        return _empty(title, empty, testid)
    left, top, bottom = 40, 26, 34
    slot = max(6.0, min(28.0, (WIDTH - left - 10) / len(days)))
    width = int(left + slot * len(days) + 10)
    height = 240
    plot_h = height - top - bottom
    highest = max(sum(int(day.get(key, 0) or 0) for key, _ in series) for day in days)
    body = []
    x = 10
    for key, colour in series:  # legend, on one line
        name = labels.get(key, key)
        body.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        body.append(
            f'<text x="{x + 16}" y="16" font-size="12" fill="#111827">{escape(_short(name, 40))}</text>'
        )
        x += 16 + 7 * min(len(name), 40) + 20
    base = top + plot_h
    body.append(f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#6b7280"/>')
    for value in sorted({0, highest // 2, highest}):  # y axis: 0, half, top
        y = base - plot_h * value / highest
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        body.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="11" fill="#374151" '
            f'text-anchor="end">{value}</text>'
        )
    every = max(1, int(math.ceil(44 / slot)))  # one date label per ~44 px
    for d, day in enumerate(days):
        x0 = left + d * slot
        y = float(base)
        for key, colour in series:
            count = int(day.get(key, 0) or 0)
            h = plot_h * count / highest
            if count:
                body.append(
                    f'<rect x="{x0 + 1:.1f}" y="{y - h:.1f}" width="{max(1.0, slot - 2):.1f}" '
                    f'height="{h:.1f}" fill="{colour}"><title>{escape(str(day["date"]))} · '
                    f"{escape(labels.get(key, key))}: {count}</title></rect>"
                )
            y -= h
        if d % every == 0:
            body.append(
                f'<text x="{x0 + slot / 2:.1f}" y="{base + 16}" font-size="11" fill="#374151" '
                f'text-anchor="middle">{escape(str(day["date"])[5:])}</text>'
            )
    return _svg(width, height, title, body, testid)
