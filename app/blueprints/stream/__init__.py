"""Live streams (Server-Sent Events) under /live: the board, an officer's assignments, the
advocates' queue and a requester's ticket. In production these routes are served by the
gevent server (wsgi_live.py) behind the same origin; see README "Production"."""
from flask import Blueprint

bp = Blueprint("stream", __name__, url_prefix="/live")


@bp.app_template_global("live_attributes")
def _live_attributes(ticket=None, endpoint=None, since=None):
    from app.blueprints.stream.live import live_attributes

    return live_attributes(ticket, endpoint, since)


@bp.app_template_global("live_officer_panel")
def _live_officer_panel():
    from app.services.officer_status import officer_panel

    return officer_panel()


from app.blueprints.stream import routes  # noqa: E402,F401
