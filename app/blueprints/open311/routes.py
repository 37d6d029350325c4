"""Open311 GeoReport v2 endpoints. Reading is public; filing a request needs an api_key.

Every answer is an Open311 document in the format the extension names; every refusal is
an `errors` document (400 bad input, 403 key refused, 404 not found, 429 too many).
"""
from __future__ import annotations

import time

from flask import current_app, request
from werkzeug.exceptions import HTTPException

from app.blueprints.open311 import bp, filing
from app.blueprints.open311.definitions import attributes
from app.blueprints.open311.formats import document, errors
from app.blueprints.open311.queries import QueryError, read_query
from app.core import tokens
from app.core.urls import external_url, site_url
from app.extensions import limiter
from app.services import open311, open311_requests
from app.services.followup import follow_up_url
from app.web.access import api_key, public
from app.web.headers import no_store
from app.web.rate_limits import client_key

FMT = "<any(xml, json):fmt>"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00Z"  # when these endpoints last changed
NOT_FOUND = "No such request."  # the same words for a DV, an escort and nothing at all


def _fmt() -> str:
    return (request.view_args or {}).get("fmt", "json")


def _too_many(request_limit):
    retry_after = max(1, int(request_limit.reset_at - time.time()))
    response = errors(_fmt(), 429, f"Too many requests: try again in {retry_after} seconds.")
    response.headers["Retry-After"] = str(retry_after)
    return response


def _key_bucket() -> str:
    """The POST's key (a keyed hash of it: the limiter's store never holds a key)."""
    return tokens.keyed("open311-key", request.form.get("api_key", "")[:200])


def limited(setting: str, key_func, methods: list[str]):
    return limiter.shared_limit(lambda: current_app.config[setting], scope=f"open311:{setting}",
                                key_func=key_func, methods=methods, on_breach=_too_many)


# Per client address: every read, and every POST too (a flood of made-up keys included).
per_client = limited("OPEN311_CLIENT_LIMIT", client_key, ["GET", "POST"])


@bp.route(f"/discovery.{FMT}")
@public
@per_client
def discovery(fmt: str):
    config = current_app.config
    return document(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": f"{config['ORG_NAME']}, dispatch {config['DISPATCH_PHONE']}",
        "key_service": f"Ask the portal's administrators at {site_url('/')} for an API key.",
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": external_url("open311.discovery", fmt=fmt).rsplit("/", 1)[0] + "/",
            "changeset": CHANGESET, "type": config["OPEN311_ENDPOINT_TYPE"],
            "formats": ["text/xml", "application/json"],
        }],
    })


@bp.route(f"/locations.{FMT}")
@public
@per_client
def locations(fmt: str):
    """The campus places a request's address_id may name (an extension to the spec)."""
    return document(fmt, "locations", [
        {"address_id": place_id, "address": name, "kind": kind}
        for place_id, name, kind in open311_requests.campus_places()])


def _service_entry(service: open311.Service) -> dict:
    return {"service_code": service.code, "service_name": service.name,
            "description": open311.description_of(service), "metadata": True,
            "type": "realtime", "keywords": ",".join(service.keywords),
            "group": service.group}


@bp.route(f"/services.{FMT}")
@public
@per_client
def services(fmt: str):
    published = sorted(open311.published_codes())
    return document(fmt, "services", [_service_entry(open311.SERVICES[c]) for c in published])


@bp.route(f"/services/<code>.{FMT}")
@public
@per_client
def service_definition(code: str, fmt: str):
    service = open311.published_service(code)
    if service is None:
        return errors(fmt, 404, "No such service.")
    return document(fmt, "service_definition",
                    {"service_code": service.code, "attributes": attributes(service)})


def _extended() -> bool:
    return request.args.get("extensions", "").lower() == "true"


def _listing(fmt: str, tickets) -> object:
    extended = _extended()
    return document(fmt, "service_requests",
                    [open311_requests.public_view(t, extended) for t in tickets])


@bp.route(f"/requests.{FMT}", methods=["GET"])
@public
@per_client
def requests(fmt: str):
    try:
        query = read_query(request.args)
    except QueryError as problem:
        return errors(fmt, 400, str(problem))
    return _listing(fmt, open311_requests.find_requests(query))


@bp.route(f"/requests/<service_request_id>.{FMT}")
@public
@per_client
def single_request(service_request_id: str, fmt: str):
    ticket = open311_requests.find_request(service_request_id)
    if ticket is None:
        return errors(fmt, 404, NOT_FOUND)
    return _listing(fmt, [ticket])


def _notice(opened) -> str:
    link = follow_up_url(opened.reference, opened.token)
    if link is None:
        return f"Received as {opened.reference}."
    return (f"Received as {opened.reference}. Give the requester this private link to "
            f"follow it (it is shown only once): {link}")


@bp.route(f"/requests.{FMT}", methods=["POST"], endpoint="create_request")
@api_key
@per_client
@limited("OPEN311_KEY_LIMIT", _key_bucket, ["POST"])
def create_request(fmt: str):
    no_store()  # the answer holds the requester's private link
    raw_key = request.form.get("api_key", "")
    try:
        open311.check_key(raw_key)
        checked = filing.check(request.form)
        if checked is None:
            return errors(fmt, 404, "service_code: no such service.")
        if checked.problems:
            return errors(fmt, 400, *checked.problems)
        opened = filing.file(checked, raw_key)
    except open311.KeyRefused as refused:
        return errors(fmt, 403, str(refused))
    except open311.FilingError as problem:
        return errors(fmt, 400, str(problem))
    return document(fmt, "service_requests", [{
        "service_request_id": opened.reference, "service_notice": _notice(opened),
        "account_id": None}])


@bp.errorhandler(HTTPException)
def refused(error: HTTPException):
    """A refusal raised before a view answers (a NUL byte in the path, a wrong method) is
    an errors document too, never an HTML page."""
    if error.code is None or error.code >= 500:
        return error
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return errors(fmt, error.code, error.name)


@bp.route("/<path:anything>", methods=["GET", "POST"])
@public
def not_found(anything: str):
    fmt = "xml" if anything.endswith(".xml") else "json"
    return errors(fmt, 404, "No such endpoint: see discovery.json.")
