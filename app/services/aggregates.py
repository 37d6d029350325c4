"""Portable SQL aggregates for the dashboards, PostgreSQL first and SQLite for development.

- seconds_between: an interval in seconds (date_part('epoch') / julianday arithmetic);
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

from sqlalchemy import ARRAY, DateTime, Float, func, select, type_coerce
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from app.extensions import db

FRACTIONS = (0.5, 0.9)


def on_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def seconds_between(later, earlier) -> ColumnElement[float]:
    """`later - earlier` in seconds, a float. On PostgreSQL `date_part` (double precision),
    not `extract`, which since PostgreSQL 14 returns numeric: over a 30-day dashboard's
    40,000 rows the numeric arithmetic and sorts cost a third of the response figures."""
    if on_postgres():
        return func.date_part("epoch", later - earlier, type_=Float)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


class _HourText(TypeDecorator):
    """A `date_trunc('hour', ...)` timestamp read back as "YYYY-MM-DD HH" text."""

    impl = DateTime
    cache_ok = True

    def process_result_value(self, value, dialect):
        return None if value is None else (
            f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}")


def hour_bucket(column) -> ColumnElement[str]:
    """On PostgreSQL the rows are grouped by the truncated timestamp and only the groups
    are formatted (in Python): `to_char` on every row was half of each hourly count."""
    if on_postgres():
        return type_coerce(func.date_trunc("hour", column), _HourText())
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


Stats = tuple[int, float | None, float | None]  # (values, median, 90th percentile)


def percentiles_by(group, values: list, conditions: list, extras: list | None = None
                   ) -> dict[object, tuple[list[Stats], tuple]]:
    """{group: ([(count, median, p90) of each of `values`], (each of `extras`))} over the
    rows matching `conditions`, in one scan on PostgreSQL (its ordered-set aggregates skip
    NULLs, as the fallback does). `extras` are further aggregates (sums, counts)."""
    extras = extras or []
    if on_postgres():
        # One sort per value for both fractions: percentile_cont(ARRAY[...]) gives an array.
        columns = [agg for value in values for agg in (
            func.count(value),
            func.percentile_cont(array(FRACTIONS)).within_group(value).cast(ARRAY(Float)))]
        rows = db.session.execute(
            select(group, *columns, *extras).where(*conditions).group_by(group))
        width = 2 * len(values)
        return {row[0]: ([_stats(row[1 + 2 * n], row[2 + 2 * n]) for n in range(len(values))],
                         tuple(row[1 + width:])) for row in rows}
    found: dict[object, list[list[float]]] = defaultdict(lambda: [[] for _ in values])
    for row in db.session.execute(select(group, *values).where(*conditions)):
        for n, value in enumerate(row[1:]):
            if value is not None:
                found[row[0]][n].append(float(value))
    more = {row[0]: tuple(row[1:]) for row in db.session.execute(
        select(group, *extras).where(*conditions).group_by(group))} if extras else {}
    return {key: ([(len(v), *(percentile_cont(v, f) for f in FRACTIONS)) for v in lists],
                  more.get(key, ())) for key, lists in found.items()}


def _stats(count: int, cuts: list | None) -> Stats:
    p50, p90 = cuts if cuts else (None, None)
    return (count, None if p50 is None else float(p50), None if p90 is None else float(p90))
