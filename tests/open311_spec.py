"""A small Open311 GeoReport v2 client written from the specification alone
(wiki.open311.org/GeoReport_v2), not from the portal's code: the field lists below are the
spec's, and every answer is parsed from XML (ElementTree) or JSON and checked against them.

`SpecClient(http)` takes the Flask test client (or anything with get/post answering
status_code and get_data), and the base path of the endpoint.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

DISCOVERY = ("changeset", "contact", "key_service", "endpoints")
ENDPOINT = ("specification", "url", "changeset", "type", "formats")
SERVICE = ("service_code", "service_name", "description", "metadata", "type", "keywords",
           "group")
DEFINITION = ("service_code", "attributes")
ATTRIBUTE = ("variable", "code", "datatype", "required", "datatype_description", "order",
             "description", "values")
VALUE = ("key", "name")
POSTED = ("service_request_id", "service_notice", "account_id")
REQUEST = ("service_request_id", "status", "status_notes", "service_name", "service_code",
           "description", "agency_responsible", "service_notice", "requested_datetime",
           "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
           "long", "media_url")
ERROR = ("code", "description")
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
# The JSON types the spec's fields take (None allowed where a value may be absent).
JSON_TYPES = {
    "metadata": (bool,), "variable": (bool,), "required": (bool,), "order": (int,),
    "lat": (float, int, type(None)), "long": (float, int, type(None)),
    "address_id": (int, str, type(None)), "account_id": (str, int, type(None)),
    "expected_datetime": (str, type(None)),
}


class SpecError(AssertionError):
    pass


def _require(record: dict, fields: tuple[str, ...], what: str) -> dict:
    missing = [name for name in fields if name not in record]
    if missing:
        raise SpecError(f"{what} lacks {missing}: {record}")
    return record


def _check_json_types(record: dict) -> None:
    for name, value in record.items():
        allowed = JSON_TYPES.get(name, (str, type(None)) if not isinstance(value, list) else
                                 (list,))
        if name in ("endpoints", "formats", "attributes", "values"):
            allowed = (list,)
        if not isinstance(value, allowed):
            raise SpecError(f"{name} is {type(value).__name__}, spec wants {allowed}")


def _element_dict(element: ET.Element, lists: dict[str, str]) -> dict:
    record = {}
    for child in element:
        if child.tag in lists:
            record[child.tag] = [
                _element_dict(item, lists) if len(item) or lists.get(item.tag) else
                (item.text or "") for item in child if item.tag == lists[child.tag]]
        else:
            record[child.tag] = child.text or ""
    return record


LISTS = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute",
         "values": "value"}


class SpecClient:
    def __init__(self, http, base: str = "/open311/v2") -> None:
        self.http = http
        self.base = base.rstrip("/")
        self.last = None

    # --- transport -------------------------------------------------------------------
    def _parse(self, response, fmt: str, root: str, item: str | None):
        self.last = response
        body = response.get_data()
        if response.status_code >= 400:
            return self._errors(body, fmt)
        if fmt == "json":
            data = json.loads(body)
            for record in data if isinstance(data, list) else [data]:
                _check_json_types(record)
            return data
        tree = ET.fromstring(body)
        if tree.tag != root:
            raise SpecError(f"root element {tree.tag}, spec wants {root}")
        if item is None:
            return _element_dict(tree, LISTS)
        return [_element_dict(child, LISTS) for child in tree if child.tag == item]

    def _errors(self, body: bytes, fmt: str) -> list[dict]:
        if fmt == "json":
            errors = json.loads(body)
            for error in errors:
                if not isinstance(error["code"], int):
                    raise SpecError("error code must be a number")
        else:
            tree = ET.fromstring(body)
            if tree.tag != "errors":
                raise SpecError(f"error document root {tree.tag}")
            errors = [_element_dict(child, {}) for child in tree if child.tag == "error"]
        for error in errors:
            _require(error, ERROR, "error")
        if not errors:
            raise SpecError("an error answer without errors")
        return errors

    def get(self, path: str, fmt: str, root: str, item: str | None, **params):
        response = self.http.get(f"{self.base}/{path}.{fmt}", query_string=params)
        return self._parse(response, fmt, root, item)

    # --- the spec's calls ------------------------------------------------------------
    def discovery(self, fmt: str = "json") -> dict:
        found = self.get("discovery", fmt, "discovery", None)
        _require(found, DISCOVERY, "discovery")
        for endpoint in found["endpoints"]:
            _require(endpoint, ENDPOINT, "endpoint")
        return found

    def services(self, fmt: str = "json") -> list[dict]:
        return [_require(s, SERVICE, "service") for s in
                self.get("services", fmt, "services", "service")]

    def definition(self, code: str, fmt: str = "json"):
        found = self.get(f"services/{code}", fmt, "service_definition", None)
        if self.last.status_code >= 400:
            return found
        _require(found, DEFINITION, "service definition")
        for attribute in found["attributes"]:
            _require(attribute, ATTRIBUTE, "attribute")
            if attribute["datatype"] not in DATATYPES:
                raise SpecError(f"datatype {attribute['datatype']}")
            for value in attribute["values"]:
                _require(value, VALUE, "value")
        return found

    def post(self, fmt: str = "json", **params):
        response = self.http.post(f"{self.base}/requests.{fmt}", data=params)
        found = self._parse(response, fmt, "service_requests", "request")
        if response.status_code < 400:
            for record in found:
                _require(record, POSTED, "posted request")
        return found

    def requests(self, fmt: str = "json", **filters):
        found = self.get("requests", fmt, "service_requests", "request", **filters)
        if self.last.status_code < 400:
            for record in found:
                _require(record, REQUEST, "request")
        return found

    def request(self, service_request_id: str, fmt: str = "json"):
        found = self.get(f"requests/{service_request_id}", fmt, "service_requests", "request")
        if self.last.status_code < 400:
            for record in found:
                _require(record, REQUEST, "request")
        return found
