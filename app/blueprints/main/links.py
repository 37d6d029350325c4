"""Links from the services directory to the features' own pages."""
from __future__ import annotations

from flask import url_for

from app.blueprints.main.catalog import Action, Service


def action_link(action: Action) -> dict:
    return {"label": action.label, "url": url_for(action.endpoint, **action.values)}


def action_links(service: Service) -> list[dict]:
    """The self-service links of `service`, in order."""
    return [action_link(action) for action in service.actions]
