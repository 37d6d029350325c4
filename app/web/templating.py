"""Template globals and filters: settings shown on every page, local time, the idle timer."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

from babel.dates import format_date, format_datetime
from flask import Flask, current_app, has_request_context
from flask_babel import get_locale
from flask_login import current_user

from app.core.timezones import to_local
from app.core.urls import external_url

# strftime directives -> CLDR patterns, so templates keep their familiar formats while Babel
# writes day and month names in the page's language.
STRFTIME_TO_CLDR = {"%a": "EEE", "%A": "EEEE", "%d": "dd", "%e": "d", "%b": "MMM",
                    "%B": "MMMM", "%m": "MM", "%Y": "y", "%H": "HH", "%M": "mm", "%S": "ss",
                    "%I": "hh", "%p": "a", "%%": "%"}
# In Spanish a date with the month's name reads "1 de diciembre de 2026".
SPANISH_DATES = {"%d %B %Y": "d 'de' MMMM 'de' y", "%A %d %B": "EEEE d 'de' MMMM",
                 "%a %d %b %Y, %H:%M": "EEE d MMM y, HH:mm", "%a %d %b %Y": "EEE d MMM y"}


def cldr_pattern(fmt: str, language: str) -> str:
    """The Babel pattern for a strftime format; literal text is quoted."""
    if language == "es" and fmt in SPANISH_DATES:
        return SPANISH_DATES[fmt]
    parts = []
    for piece in re.split(r"(%.)", fmt):
        if piece in STRFTIME_TO_CLDR:
            parts.append(STRFTIME_TO_CLDR[piece])
        elif piece:
            parts.append("'" + piece.replace("'", "''") + "'" if piece.strip(" ,:.-/") else piece)
    return "".join(parts)


def localtime(value: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """A stored (naive UTC) time in the site's time zone, in the page's language."""
    if value is None:
        return ""
    language = str(get_locale() or "en")
    local = to_local(value)
    return format_datetime(local, cldr_pattern(fmt, language), tzinfo=local.tzinfo,
                           locale=language)


def localdate(value: date | None, fmt: str = "%a %d %b %Y") -> str:
    """A calendar day (no time zone to convert) in the page's language."""
    if value is None:
        return ""
    language = str(get_locale() or "en")
    return format_date(value, cldr_pattern(fmt, language), locale=language)


def isotime(value: datetime | None) -> str:
    return value.replace(tzinfo=UTC).isoformat() if value else ""


def site_context() -> dict:
    from app.web.sessions import seconds_left

    config = current_app.config
    signed_in = has_request_context() and current_user.is_authenticated
    idle = seconds_left(current_user) if signed_in else None
    return {
        "org_name": config["ORG_NAME"],
        "org_short_name": config["ORG_SHORT_NAME"],
        "emergency_phone": config["EMERGENCY_PHONE"],
        "hospital_emergency_extension": config["HOSPITAL_EMERGENCY_EXTENSION"],
        "dispatch_phone": config["DISPATCH_PHONE"],
        "idle_seconds_left": idle,
        "idle_warning_seconds": config["STAFF_IDLE_WARNING_SECONDS"],
    }


def tel(number: str) -> str:
    """A tel: URI for a displayed phone number."""
    return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")


def aria_attrs(described_by: str, invalid, extra: dict) -> dict:
    """Attributes for a form control: aria-describedby and aria-invalid only when they apply."""
    attrs = dict(extra)
    if described_by:
        attrs["aria-describedby"] = described_by
    if invalid:
        attrs["aria-invalid"] = "true"
    return attrs


def language_context() -> dict:
    """`<html lang>`, the language link and the hreflang alternates of every page."""
    from flask import request, url_for

    from app.core.i18n import LANGUAGES
    from app.web.access import is_staff_page
    from app.web.language import page_language

    here = page_language()
    if not has_request_context() or (request.endpoint and is_staff_page(request.endpoint)):
        return {"page_language": here, "other_languages": []}
    path = request.full_path.rstrip("?") if request.query_string else request.path
    return {
        "page_language": here,
        "other_languages": [
            {"code": code, "name": name,
             "url": url_for("main.language", code=code, next=path)}
            for code, name in LANGUAGES.items() if code != here],
    }


def init_templating(app: Flask) -> None:
    app.context_processor(site_context)
    app.context_processor(language_context)
    app.add_template_filter(localtime)
    app.add_template_filter(localdate)
    app.add_template_filter(isotime)
    app.add_template_filter(tel)
    app.add_template_global(staff_links)
    app.add_template_global(aria_attrs)
    app.add_template_global(external_url)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them


# The staff landing pages, in the order of the navigation: (endpoint, label). Who sees a
# link is not written here: it is the route's own rule (app.web.access.can_open), so a link
# appears exactly when its page would let the user in.
STAFF_LINKS = (
    ("dashboard.home", "Dashboard"),
    ("dispatch.queue", "Dispatch"),
    ("dispatch.my_assignments", "My assignments"),
    ("alerts.manage", "Campus alerts"),
    ("devices.lookup", "Device lookup"),
    ("support.queue", "Advocate queue"),
    ("seminars.manage", "Seminars admin"),
    ("apb.manage", "APB editor"),
    ("admin.users", "Admin"),
)


def staff_links(user) -> list[dict]:
    from flask import url_for

    from app.web.access import can_open

    return [{"url": url_for(endpoint), "label": label}
            for endpoint, label in STAFF_LINKS if can_open(user, endpoint)]

