"""iCalendar (RFC 5545) invitations for seminar sessions.

The event is written in the site's time zone (config TIMEZONE): DTSTART/DTEND carry a TZID
and the calendar includes the matching VTIMEZONE, so calendar programs show the right
local time across daylight-saving changes. The UID is stable per session, so downloading
the file again (or after a change) updates the same calendar entry instead of adding one.
"""
from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event, vText

from app.core.timezones import site_zone, to_local
from app.core.urls import external_url
from app.models.base import utcnow
from app.models.seminars import SeminarSession


def session_uid(session: SeminarSession) -> str:
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "portal.invalid"
    return f"seminar-session-{session.id}@{host}"


def _event(session: SeminarSession, zone) -> Event:
    seminar = session.seminar
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", utcnow().replace(tzinfo=UTC))
    event.add("dtstart", to_local(session.starts_at, zone))
    event.add("dtend", to_local(session.ends_at, zone))
    event.add("summary", vText(seminar.title))
    event.add("description", vText(seminar.description or ""))
    event.add("location", vText(session.place or session.online_url or _("To be announced")))
    event.add("url", external_url("seminars.detail", slug=seminar.slug))
    event.add("sequence", int(session.updated_at.timestamp()) if session.updated_at else 0)
    if session.is_cancelled:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def session_calendar(session: SeminarSession) -> bytes:
    """The .ics file of one session, with its VTIMEZONE."""
    zone = site_zone()
    calendar = Calendar()
    calendar.add("prodid", f"-//{current_app.config['ORG_SHORT_NAME']}//Seminars//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    calendar.add_component(_event(session, zone))
    calendar.add_missing_timezones()
    return calendar.to_ical()
