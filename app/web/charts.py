"""Geometry of the server-rendered SVG charts (app/templates/charts/_svg.html draws them).

No chart library: bars, a line, a heat grid, a grid of tiles (the campus) and stacked rows
(a building's floors) laid out here in plain numbers. Every chart
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
    level: int = 0  # heat grid and tiles: 0 (none) .. 4 (most)
    caption: str = ""  # tiles: the place's name, drawn inside the tile


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: ids of title, desc and patterns
    kind: str  # "bars" (horizontal), "columns", "line", "heat", "tiles", "stacked"
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


def tiles(key: str, title: str, summary: str, items: list[tuple[str, int]]) -> Chart:
    """A grid of tiles, one per place (the campus grid): its name, its number written large,
    shaded by level like the heat grid."""
    columns_, tile_w, tile_h, gap = 3, 206, 58, 6
    top = max((v for _, v in items), default=0)
    marks = []
    for n, (label, value) in enumerate(items):
        x, y = 4 + (n % columns_) * (tile_w + gap), 4 + (n // columns_) * (tile_h + gap)
        level = 0 if not value else 1 + min(3, int(4 * value / (top + 1)))
        marks.append(Mark(x, y, tile_w, tile_h, _number(value), f"{label}: {_number(value)}",
                          level=level, caption=_short(label, 30)))
    rows = (len(items) + columns_ - 1) // columns_
    return Chart(key, "tiles", title, summary, WIDTH, max(rows, 1) * (tile_h + gap) + 8,
                 marks)


def stacked(key: str, title: str, summary: str,
            rows: list[tuple[str, list[tuple[str, int]]]]) -> Chart:
    """One horizontal row per floor, top floor first, split into a labelled segment per unit
    (alternately dark and light, a white gap between), the floor's total at its end."""
    left, span = 130, WIDTH - 130 - 80
    top = max((sum(n for _, n in parts) for _, parts in rows), default=0) or 1
    marks, axis, y = [], [], 12.0
    for floor, parts in rows:
        axis.append((left - 8, y + ROW / 2 + 4, _short(floor, 18), "end"))
        x = float(left)
        for n, (unit, value) in enumerate(parts):
            w = max(span * value / top, 2)
            text = f"{unit} {_number(value)}"
            marks.append(Mark(x, y, w, ROW - 4, text if len(text) * 6.5 < w else "",
                              f"{floor}, {unit}: {_number(value)}", series=n % 2))
            x += w
        axis.append((x + 6, y + ROW / 2 + 4, f"{sum(v for _, v in parts)} in all", "start"))
        y += ROW + 4
    return Chart(key, "stacked", title, summary, WIDTH, int(y + 8), marks, axis)


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
