"""A POST requests.{fmt}: the spec's parameters onto the service's own web form.

Refused with a list of problems (each naming the parameter as the client sent it): an
unknown parameter or attribute, HTML in the description, a media_url that is not an
http(s) address, a lat/long out of range, and whatever the web form itself refuses.
media_url is kept as text for dispatch and never fetched.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from app.blueprints.open311 import definitions
from app.blueprints.outreach.forms import request_values
from app.blueprints.reports.forms import report_details
from app.services import open311, open311_requests
from app.services.open311 import REPORT, Service

KNOWN = {"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
         "address_id", "email", "device_id", "account_id", "first_name", "last_name",
         "phone", "description", "media_url"}
ATTRIBUTE = re.compile(r"^attribute\[([a-z_]{1,40})\](\[\])?$")
HTML = re.compile(r"<\s*[a-zA-Z!/?]")
URL = re.compile(r"^https?://[^\s<>\"'\\]{1,490}$")
NUMBER = re.compile(r"^-?\d{1,3}(\.\d{1,12})?$")
FORM_PARAMS = {"location": "address_id", "location_detail": "address_string",
               "contact_name": "first_name/last_name", "contact_phone": "phone",
               "contact_email": "email", "description": "description", "details": "description"}


@dataclass
class Filing:
    """A checked POST: the service it files into and what the web form made of it."""

    service: Service
    form: object = None
    problems: list[str] = field(default_factory=list)
    media_url: str | None = None


def _attributes(params: MultiDict, allowed: set[str], problems: list[str]) -> dict[str, str]:
    found = {}
    for name in params:
        match = ATTRIBUTE.match(name)
        if name in KNOWN:
            continue
        if match is None or match.group(1) not in allowed:
            problems.append(f"{name[:60]}: not a parameter of this service.")
            continue
        found[match.group(1)] = params.get(name, "")
    return found


def _coordinates(params: MultiDict, problems: list[str]) -> str | None:
    lat, long = params.get("lat", "").strip(), params.get("long", "").strip()
    if not lat and not long:
        return None
    if not (NUMBER.match(lat) and NUMBER.match(long)):
        problems.append("lat/long: give both as decimal degrees.")
        return None
    lat_value, long_value = float(lat), float(long)
    if not (math.isfinite(lat_value) and -90 <= lat_value <= 90 and -180 <= long_value <= 180):
        problems.append("lat/long: out of range.")
        return None
    return f"near {lat_value:.6f}, {long_value:.6f}"


def _where(params: MultiDict, coordinates: str | None) -> str:
    """Where, in words, for a form without a place list (outreach)."""
    parts = [open311_requests.place_name(params.get("address_id")) or "",
             params.get("address_string", "").strip(), coordinates or ""]
    return " ".join(part for part in parts if part)


def _media_url(params: MultiDict, problems: list[str]) -> str | None:
    url = params.get("media_url", "").strip()
    if url and not URL.match(url):
        problems.append("media_url: give an http or https address (500 characters at most).")
        return None
    return url or None


def _name(params: MultiDict) -> str:
    return " ".join(part for part in (params.get("first_name", "").strip(),
                                      params.get("last_name", "").strip()) if part)


def form_data(service: Service, params: MultiDict, filing: Filing) -> MultiDict:
    """The web form's fields from the API's parameters (problems go on `filing`)."""
    blank = definitions.blank_form(service)
    allowed = {f.name for f in definitions.attribute_fields(blank)}
    data = MultiDict(definitions.defaults(blank))
    for name, value in _attributes(params, allowed, filing.problems).items():
        kind = definitions.DATATYPES.get(blank[name].type)
        data[name] = definitions.form_time(value) if kind == "datetime" else value
    description = params.get("description", "")
    if HTML.search(description):
        filing.problems.append("description: plain text only, no HTML.")
    data[definitions.free_text_field(service)] = description
    data.update({"contact_name": _name(params), "contact_phone": params.get("phone", ""),
                 "contact_email": params.get("email", "")})
    coordinates = _coordinates(params, filing.problems)
    if service.kind == REPORT:
        detail = " ".join(p for p in (params.get("address_string", "").strip(), coordinates) if p)
        data.update({"location": params.get("address_id", ""), "location_detail": detail})
    else:
        where = _where(params, coordinates)
        for place_field in ("area", "event_where"):
            if place_field in allowed and not data.get(place_field):
                data[place_field] = where
    filing.media_url = _media_url(params, filing.problems)
    return data


def _form_problems(form) -> list[str]:
    problems = []
    for name, messages in form.errors.items():
        param = FORM_PARAMS.get(name, f"attribute[{name}]")
        problems.extend(f"{param}: {message}" for message in messages)
    return problems


def check(params: MultiDict) -> Filing | None:
    """The filing for these parameters (with its problems), or None: no such service."""
    service = open311.published_service(params.get("service_code", "").strip())
    if service is None:
        return None
    filing = Filing(service)
    data = form_data(service, params, filing)
    filing.form = definitions.blank_form(service, data)
    if not filing.form.validate():
        filing.problems.extend(_form_problems(filing.form))
    return filing


def _with_media(text: str | None, media_url: str | None) -> str | None:
    if not media_url:
        return text
    note = f"Media link sent with the request (not opened by the portal): {media_url}"
    return f"{text}\n\n{note}" if text else note


def file(filing: Filing, raw_key: str):
    """File the checked request through the service's own use case."""
    form, service = filing.form, filing.service
    if service.kind == REPORT:
        details = report_details(service.subtype, form)
        details.description = _with_media(details.description, filing.media_url)
        return open311.file_report(raw_key, service, details)
    fields, contact = request_values(form)
    fields["details"] = _with_media(fields.get("details"), filing.media_url)
    return open311.file_outreach(raw_key, service, fields, contact)
