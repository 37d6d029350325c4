"""The site's time zone: the one place that turns typed local times into stored UTC and back.

People type and read wall-clock times in config TIMEZONE; the database keeps naive UTC.
Every function takes an optional `zone` so that a loop (the recurring-escort job) or a test
can pass one zone in; by default it is the site's.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


def site_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_utc(local: datetime, zone: ZoneInfo | None = None) -> datetime:
    """A local time as naive UTC. A naive value is a wall-clock time in `zone` (the site's
    by default; DST gaps resolve forward); an aware value is simply converted."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone or site_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def combine(day: date, at: time, zone: ZoneInfo | None = None) -> datetime:
    """A local date and wall-clock time as naive UTC."""
    return to_utc(datetime.combine(day, at), zone)


def to_local(moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    """A stored naive UTC time as an aware time in `zone` (the site's by default)."""
    return moment.replace(tzinfo=UTC).astimezone(zone or site_zone())


def local_now(zone: ZoneInfo | None = None) -> datetime:
    """Now, as an aware time in the site's zone."""
    return datetime.now(zone or site_zone())


def local_today(zone: ZoneInfo | None = None) -> date:
    return local_now(zone).date()
