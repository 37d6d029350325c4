"""Links to pages that other features provide, shown only once those pages exist."""
from __future__ import annotations

from flask import current_app, url_for

from app.catalog import Action, Service


def link_for(endpoint: str, **values) -> str | None:
    """url_for(endpoint), or None while no view is registered under that name."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def action_link(action: Action) -> dict | None:
    for endpoint in action.endpoints:
        url = link_for(endpoint, **action.values)
        if url:
            return {"label": action.label, "url": url}
    return None


def action_links(service: Service) -> list[dict]:
    """The self-service links of `service` that exist now, in order."""
    return [link for link in map(action_link, service.actions) if link]


def service_or_page(endpoint: str, slug: str) -> str:
    """The feature's own page when it exists, else the service's guidance page."""
    return link_for(endpoint) or url_for("main.service", slug=slug)
