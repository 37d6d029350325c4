"""Geometry of the server-rendered SVG charts (app/templates/charts/_svg.html draws them).

No chart library: bars, a line and a heat grid laid out here in plain numbers. Every chart
carries a title, a one-sentence summary (its <desc>) and a value label on every mark, and
series differ by pattern as well as colour, so colour is never the only cue; the same
numbers are in the table beside each chart.
"""
from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
ROW = 26  # one horizontal bar
LABEL_WIDTH = 200


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    w: float
    h: float
    label: str  # the value as text, drawn beside the mark
    name: str  # what the mark is (tooltip and screen-reader title)
    series: int = 0  # 0: solid, 1: hatched
    level: int = 0  # heat grid: 0 (none) .. 4 (most)


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: ids of title, desc and patterns
    kind: str  # "bars" (horizontal), "columns", "line", "heat"
    title: str
    summary: str
    width: int
    height: int
    marks: list[Mark] = field(default_factory=list)
    axis: list[tuple[float, float, str, str]] = field(default_factory=list)  # x, y, text, anchor
    legend: list[str] = field(default_factory=list)
    points: str = ""  # the line chart's polyline


def bars(key: str, title: str, summary: str, items: list[tuple[str, list[float]]],
         legend: list[str] | None = None, unit: str = "") -> Chart:
    """Horizontal bars, one group per item, one bar per series (up to two)."""
    series = max((len(values) for _, values in items), default=1)
    top = max((v for _, values in items for v in values), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 70
    marks, axis, y = [], [], 30.0
    for label, values in items:
        axis.append((LABEL_WIDTH - 8, y + ROW * series / 2 + 4, label, "end"))
        for n, value in enumerate(values):
            marks.append(Mark(LABEL_WIDTH, y, max(span * value / top, 1), ROW - 6,
                              f"{_number(value)}{unit}", f"{label}: {_number(value)}{unit}", n))
            y += ROW
        y += 6
    return Chart(key, "bars", title, summary, WIDTH, int(y + 10), marks, axis, legend or [])


def columns(key: str, title: str, summary: str, items: list[tuple[str, float]]) -> Chart:
    """Vertical columns over time (one per day), a label under every few."""
    height, bottom, left = 240, 200, 40
    top = max((v for _, v in items), default=0) or 1
    step = (WIDTH - left - 10) / max(len(items), 1)
    every = max(1, len(items) // 10)
    marks, axis = [], []
    for n, (label, value) in enumerate(items):
        h = (bottom - 30) * value / top
        x = left + n * step
        marks.append(Mark(x + 1, bottom - h, max(step - 2, 1), h, _number(value),
                          f"{label}: {_number(value)}"))
        if n % every == 0:
            axis.append((x + step / 2, bottom + 16, label, "middle"))
    return Chart(key, "columns", title, summary, WIDTH, height, marks, axis)


def line(key: str, title: str, summary: str, items: list[tuple[str, float]]) -> Chart:
    """A line over time with a labelled point per day."""
    chart = columns(key, title, summary, items)
    points = " ".join(f"{m.x + m.w / 2:.1f},{m.y:.1f}" for m in chart.marks)
    return Chart(key, "line", title, summary, chart.width, chart.height, chart.marks,
                 chart.axis, points=points)


def heat(key: str, title: str, summary: str, rows: list[tuple[str, list[int]]]) -> Chart:
    """A grid of weekday rows by hour columns, each cell shaded by level and numbered."""
    cell, left, top_margin = 22, 44, 26
    top = max((v for _, values in rows for v in values), default=0)
    marks, axis = [], [(left + h * cell + cell / 2, 18, f"{h:02d}", "middle")
                  for h in range(0, 24, 3)]
    for r, (label, values) in enumerate(rows):
        y = top_margin + r * cell
        axis.append((left - 6, y + cell / 2 + 4, label, "end"))
        for h, value in enumerate(values):
            level = 0 if not value else 1 + min(3, int(4 * value / (top + 1)))
            marks.append(Mark(left + h * cell, y, cell - 2, cell - 2, str(value) if value else "",
                              f"{label} {h:02d}:00: {value}", level=level))
    return Chart(key, "heat", title, summary, left + 24 * cell + 6, top_margin + 7 * cell + 8,
                 marks, axis)


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
