"""Service definitions read off the web forms, and API parameters turned into those forms.

A service's attributes are the fields of the very form class its web page shows
(app/blueprints/reports/forms.py, app/blueprints/outreach/forms.py): labels, required
flags, lengths, number ranges and choices come from the fields and their validators, so
the definition and the page cannot drift. A POST fills that same form and validates it
with the same validators; only the spec's standard parameters (description, address,
names, email, phone) are mapped onto the form's own fields.
"""
from __future__ import annotations

from datetime import datetime

from werkzeug.datastructures import MultiDict
from wtforms.validators import Length, NumberRange

from app.blueprints.outreach.forms import FORMS
from app.blueprints.reports.forms import report_form
from app.core import timezones
from app.services.open311 import REPORT, Service

NO_CSRF = {"csrf": False}
# Fields that the spec's standard parameters fill, or that an API request has no use for.
STANDARD = {"description", "details", "location", "location_detail", "contact_name",
            "contact_phone", "contact_email", "submission_key", "photos", "csrf_token"}
FREE_TEXT = {REPORT: "description"}  # where `description` goes; outreach forms: "details"
FORM_TIME = "%Y-%m-%dT%H:%M"
DATATYPES = {"IntegerField": "number", "TextAreaField": "text", "BooleanField": "singlevaluelist",
             "SelectField": "singlevaluelist", "RadioField": "singlevaluelist",
             "BoundedDateTimeField": "datetime", "DateTimeLocalField": "datetime"}


def blank_form(service: Service, formdata: MultiDict | None = None):
    """The web form of `service`, filled from `formdata` (None: empty, for the definition)."""
    if service.kind == REPORT:
        return report_form(formdata=formdata, meta=NO_CSRF)
    return FORMS[service.subtype](formdata=formdata, meta=NO_CSRF)


def free_text_field(service: Service) -> str:
    return FREE_TEXT.get(service.kind, "details")


def attribute_fields(form) -> list:
    return [field for field in form if field.name not in STANDARD]


def _datatype_description(field, datatype: str) -> str:
    parts = []
    for check in field.validators:
        if isinstance(check, Length) and check.max and check.max > 0:
            parts.append(f"At most {check.max} characters.")
        if isinstance(check, NumberRange):
            parts.append(f"A whole number from {check.min} to {check.max}.")
    if datatype == "datetime":
        parts.append("ISO 8601 with an offset, e.g. 2026-12-01T14:30:00-05:00.")
    return " ".join(parts)


def _values(field, datatype: str) -> list[dict]:
    if datatype != "singlevaluelist":
        return []
    if field.type == "BooleanField":
        return [{"key": "true", "name": "Yes"}, {"key": "false", "name": "No"}]
    return [{"key": str(choice[0]), "name": str(choice[1])} for choice in field.choices
            if choice[0] not in ("", None)]


def _required(field) -> bool:
    """Required on the form and without a default the form would fill in itself."""
    return bool(field.flags.required) and field.default is None


def attributes(service: Service) -> list[dict]:
    """The service definition's attributes, in the form's order."""
    found = []
    for order, field in enumerate(attribute_fields(blank_form(service)), start=1):
        datatype = DATATYPES.get(field.type, "string")
        found.append({
            "variable": True, "code": field.name, "datatype": datatype,
            "required": _required(field),
            "datatype_description": _datatype_description(field, datatype),
            "order": order, "description": str(field.label.text),
            "values": _values(field, datatype),
        })
    return found


def form_time(value: str) -> str:
    """An ISO 8601 time as the form's local datetime-local text; unreadable text is passed
    on unchanged, for the form's own message."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = timezones.to_local(timezones.to_utc(moment))
    return moment.strftime(FORM_TIME)


def defaults(form) -> dict[str, str]:
    """What the web page fills in before the person types (the time it was seen: now)."""
    found = {}
    for field in attribute_fields(form):
        if DATATYPES.get(field.type) == "datetime" and callable(field.default):
            found[field.name] = field.default().strftime(FORM_TIME)
    return found
