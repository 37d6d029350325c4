"""Template globals and filters: settings shown on every page, local time, the idle timer."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app, has_request_context
from flask_login import current_user

from app.core.timezones import to_local
from app.core.urls import external_url


def localtime(value: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """A stored (naive UTC) time in the site's time zone."""
    if value is None:
        return ""
    return to_local(value).strftime(fmt)


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


def init_templating(app: Flask) -> None:
    app.context_processor(site_context)
    app.add_template_filter(localtime)
    app.add_template_filter(isotime)
    app.add_template_filter(tel)
    app.add_template_global(staff_links)
    app.add_template_global(aria_attrs)
    app.add_template_global(external_url)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


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

