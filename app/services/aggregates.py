"""Portable SQL aggregates for the dashboards, PostgreSQL first and SQLite for development.

- seconds_between: an interval in seconds (extract(epoch) / julianday arithmetic);
- hour_bucket: the UTC hour a time falls in, as "YYYY-MM-DD HH" text on both databases
  (the dashboards fold hours into local days and weekday hours in Python, so the site's
  time zone and its DST changes are applied exactly, for zones whose offsets are whole hours);
- percentiles_by: median and 90th percentile per group, `percentile_cont` on PostgreSQL and
  the same linear interpolation (`percentile_cont` below) over the fetched values on SQLite.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import extract, func, select
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db

FRACTIONS = (0.5, 0.9)


def on_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def seconds_between(later, earlier) -> ColumnElement[float]:
    if on_postgres():
        return extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def hour_bucket(column) -> ColumnElement[str]:
    if on_postgres():
        return func.to_char(func.date_trunc("hour", column), "YYYY-MM-DD HH24")
    return func.strftime("%Y-%m-%d %H", column)


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """SQL's percentile_cont: the value at rank fraction × (n − 1), interpolating linearly
    between the two nearest values; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def percentiles_by(group, value, conditions: list) -> dict[object, tuple[int, float, float]]:
    """{group: (how many values, median, 90th percentile)} of `value` over the rows that
    match `conditions` (which must exclude rows where `value` is NULL)."""
    if on_postgres():
        cuts = [func.percentile_cont(f).within_group(value) for f in FRACTIONS]
        rows = db.session.execute(
            select(group, func.count(), *cuts).where(*conditions).group_by(group))
        return {key: (count, float(p50), float(p90)) for key, count, p50, p90 in rows}
    values: dict[object, list[float]] = defaultdict(list)
    for key, seconds in db.session.execute(select(group, value).where(*conditions)):
        values[key].append(float(seconds))
    return {key: (len(found), *(percentile_cont(found, f) for f in FRACTIONS))
            for key, found in values.items()}
