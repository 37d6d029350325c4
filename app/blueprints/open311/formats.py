"""Open311 documents as XML or JSON, chosen by the URL's extension, and its errors.

The two formats come from one structure: dicts are elements, lists repeat the child
element the spec names for them (LIST_ITEMS), booleans read true/false, None is empty
(null in JSON), datetimes are ISO 8601 with the site's offset.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime

from flask import Response

from app.core import timezones

FORMATS = ("xml", "json")
MIMETYPES = {"xml": "text/xml", "json": "application/json"}
LIST_ITEMS = {
    "services": "service", "service_requests": "request", "attributes": "attribute",
    "values": "value", "endpoints": "endpoint", "locations": "location", "formats": "format",
    "errors": "error",
}
# Characters XML 1.0 cannot carry at all (a control character in a staff note, say).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def w3c(moment: datetime | None) -> str | None:
    """A stored naive UTC time as ISO 8601 with the site's offset (2026-12-01T09:30:00-05:00)."""
    if moment is None:
        return None
    return timezones.to_local(moment).isoformat(timespec="seconds")


def _plain(value):
    if isinstance(value, datetime):
        return w3c(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        for item in value:
            _fill(ET.SubElement(element, LIST_ITEMS.get(element.tag, "item")), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value) -> bytes:
    element = ET.Element(root)
    _fill(element, _plain(value))
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def document(fmt: str, root: str, value, status: int = 200) -> Response:
    """`value` as the document `root` (XML) or as plain JSON (the root is implied)."""
    body = json.dumps(_plain(value), ensure_ascii=False) if fmt == "json" else to_xml(root, value)
    return Response(body, status=status, mimetype=MIMETYPES.get(fmt, MIMETYPES["json"]))


def errors(fmt: str, status: int, *descriptions: str) -> Response:
    """An Open311 error document: one {code, description} per problem."""
    items = [{"code": status, "description": text} for text in descriptions]
    return document(fmt if fmt in FORMATS else "json", "errors", items, status)
