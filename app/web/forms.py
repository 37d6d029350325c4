"""Form pieces every feature shares: validators, fields and the double-submit key."""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata

from flask import current_app, session
from flask_babel import get_locale, gettext
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    widgets,
)
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from app.core.cache import cached, cached_call
from app.core.i18n import N_
from app.core.i18n import lazy_gettext as _l
from app.services.locations import choosable, in_tree_order, places

# Invisible characters refused in typed text: C0 controls except tab and line breaks, DEL,
# C1 controls, zero-width and direction marks, bidirectional overrides and isolates, word
# joiner and zero-width no-break space (BOM). They can hide or reorder what staff read.
CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
PHONE_CHARS = re.compile(r"^[0-9+().\-\s/x]{7,30}$")


def no_control_chars(form, field) -> None:
    """Refuse invisible control characters (CONTROL_CHARS; tabs and line breaks are allowed).

    Stops the field's other checks: their messages would only repeat the problem."""
    if isinstance(field.data, str) and CONTROL_CHARS.search(field.data):
        raise StopValidation(_l("Remove the invisible control characters from this answer."))


def single_line(form, field) -> None:
    if isinstance(field.data, str) and ("\n" in field.data or "\r" in field.data):
        raise ValidationError(_l("Keep this answer on one line."))


def phone_number(form, field) -> None:
    """A loose phone check: digits with the usual punctuation, 7 to 20 digits."""
    value = (field.data or "").strip()
    if not value:
        return
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_CHARS.match(value) or not 7 <= digits <= 20:
        raise ValidationError(_l("Enter a phone number, like (555) 010-1234."))


def strip_text(value):
    """Strip surrounding white space and normalise Unicode (NFC) of submitted text."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip())
    return value


# Dates typed into any form must fall in these years: outside them a date is a typo or a
# probe, and year 9999 would overflow the conversion to UTC (a 500) further on.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
OUT_OF_RANGE = _l("Enter a date between %(earliest)s and %(latest)s.", earliest=EARLIEST_YEAR,
                  latest=LATEST_YEAR)


class _SensibleYears:
    """A date field that refuses years outside EARLIEST_YEAR..LATEST_YEAR as unreadable."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not EARLIEST_YEAR <= self.data.year <= LATEST_YEAR:
            self.data = None
            raise ValueError(OUT_OF_RANGE)


class BoundedDateField(_SensibleYears, DateField):
    """Every date field of the portal (a plain DateField otherwise)."""


class BoundedDateTimeField(_SensibleYears, DateTimeLocalField):
    """Every date-and-time field of the portal (a datetime-local input otherwise)."""


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes; rendered by the form macro as a fieldset."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _session_secret() -> str:
    """This browser session's own random value: the one Flask-WTF keeps for its CSRF
    tokens, made the first time a form is shown (so the session holds nothing more)."""
    generate_csrf()
    return session[current_app.config["WTF_CSRF_FIELD_NAME"]]


class SubmissionKeyField(HiddenField):
    """A random key made when the form is first shown: the same submission sent twice
    (double click, back and resubmit) carries the same key and makes one record.

    `data` is what the services store: a digest of the key and the browser session's own
    secret, so a key copied from someone else's page makes its own record instead of being
    taken for theirs. A key that is sent but malformed is refused (our pages never send
    one, and silently dropping it would turn off the double-submit check); a form sent
    with no key at all (a script) is not checked for doubles."""

    raw: str | None = None
    mangled = False

    def process_formdata(self, valuelist):
        sent = valuelist[0] if valuelist else None
        self.raw = sent if sent and SUBMISSION_KEY.fullmatch(sent) else None
        self.mangled = sent is not None and self.raw is None
        self.data = hashlib.sha256(f"{_session_secret()}:{self.raw}".encode()).hexdigest(
        ) if self.raw else None

    def pre_validate(self, form):
        if self.mangled:
            raise ValidationError(gettext(
                "This form could not be matched to the page it came from. Check your answers "
                "and send it again."))

    def _value(self):
        _session_secret()
        if not self.raw:
            self.raw = secrets.token_urlsafe(24)
        return self.raw


def select_choices(pairs, placeholder: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs (or a dict) as SelectChoice objects, optionally after an empty
    placeholder; WTForms 3.4 drops plain tuples."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    choices = [SelectChoice("", placeholder)] if placeholder is not None else []
    return choices + [SelectChoice(value, label) for value, label in items]


OTHER = "other"
KIND_GROUPS = {
    "building": N_("Buildings"),
    "entrance": N_("Entrances"),
    "garage": N_("Parking"),
    "transit": N_("Transit stops"),
    "landmark": N_("Landmarks"),
}
# What a location field offers under a building or garage: down to the unit (rooms are too
# many for one list: the person types the room, or a unit's form offers that unit's rooms).
PICKED_KINDS = frozenset({"building", "floor", "unit", "garage", "level", "transit",
                          "landmark", "entrance"})


def _active_places() -> list[tuple[int, str, str]]:
    """(id, path, group kind) of the places a location field offers, in tree order: plain
    values, safe to keep between requests. The group is the kind of the top place (a
    building's floors and units sit under Buildings). Only places a person may choose
    (`choosable`: a retired place hides what it holds), the rule the services check."""
    offered, group_of, index = [], {}, places()
    for place in in_tree_order(index):
        group_of[place.id] = group_of.get(place.parent_id) or (
            None if place.kind == "campus" else place.kind)
        if place.kind in PICKED_KINDS and choosable(place.id, index) is not None:
            offered.append((place.id, place.path or place.name, group_of[place.id]))
    return offered


def place_choices() -> list[tuple[int, str]]:
    """(id, name) of active places by kind and name, for a set of checkboxes."""
    return [(place_id, name) for place_id, name, _ in cached("places", _active_places)]


def location_choices(with_other: bool = True, placeholder: str = N_("Choose a place")
                     ) -> list[SelectChoice]:
    """Active campus places grouped by kind (optgroups), each building followed by its
    floors and units ("Research Tower · Floor 5 · 5B"); "Other (describe)" when asked. The
    labels are in the page's language; the places' names are as the admins wrote them.
    Kept per language with the places (CHOICES_CACHE_SECONDS); a copy of the list, so a form
    may add to its own."""
    return list(cached_call("location_choices", _location_choices,
                            (str(get_locale()), with_other, placeholder),
                            current_app.config["CHOICES_CACHE_SECONDS"]))


def _location_choices(_language: str, with_other: bool, placeholder: str
                      ) -> list[SelectChoice]:
    groups: dict[str, list[SelectChoice]] = {}
    labels: dict[str, str] = {}  # each group's label translated once, not once per place
    for place_id, path, kind in cached("places", _active_places):
        if kind not in labels:
            labels[kind] = gettext(KIND_GROUPS[kind]) if kind in KIND_GROUPS else kind.title()
        label = labels[kind]
        groups.setdefault(label, []).append(SelectChoice(str(place_id), path, optgroup=label))
    choices = [SelectChoice("", gettext(placeholder))]
    for options in groups.values():
        choices.extend(options)
    if with_other:
        choices.append(SelectChoice(OTHER, gettext("Other (describe)"),
                                    optgroup=gettext("Not in the list")))
    return choices


class PlaceField(SelectField):
    """The one location field of every form: a select of places (building, then its floors
    and units) that the forms macro marks for the type-ahead filter (static/js/site.js),
    beside the form's free-text field for anything not in the list. Forged or retired
    values get a plain message."""

    def pre_validate(self, form) -> None:
        if not self.validate_choice or (self.data in (None, "") and not self.flags.required):
            return
        values = {choice.value for choice in self.choices} - {""}
        if str(self.data) not in values:
            raise ValidationError(_l("Choose a place from the list."))


def scope_ids(form, suffix: object):
    """Give every field of `form` an id ending in `-<suffix>`, for a page that shows the same
    form once per card or row: ids stay unique and each label names the field of its own
    form. The names (what is posted) do not change."""
    for form_field in form:
        form_field.id = f"{form_field.id}-{suffix}"
        form_field.label.field_id = form_field.id
    return form


class FastSelect:
    """A <select> widget whose options are built as one string, for a form on a page that
    reloads every few seconds (the dispatch board: rendering each option through the
    WTForms widget machinery was a quarter of that page's time). The same markup as
    WTForms' Select for (value, label) choices without option groups; rendered, like every
    field, through macros/forms.html. "Any" is the empty value, which the fields read as
    None."""

    def __call__(self, field, **kwargs) -> Markup:
        kwargs.setdefault("id", field.id)
        chosen = "" if field.errors or field.data is None else str(field.data)
        # Every interpolated value passes through escape() or html_params().
        options = "".join(
            f'<option value="{escape("" if value is None else value)}"'
            f'{" selected" if chosen and str(value) == chosen else ""}>{escape(label)}</option>'
            for value, label, *_ in field.choices)
        return Markup(f"<select {widgets.html_params(name=field.name, **kwargs)}>"  # noqa: S704
                      f"{options}</select>")


class _HiddenWithoutId(widgets.HiddenInput):
    """A hidden input with no id: nothing points at it, and a page of several forms would
    otherwise repeat the same id ("csrf_token") once per form."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", False)
        return super().__call__(field, **kwargs)


def init_forms() -> None:
    """Render every form's CSRF token without an id (Flask-WTF's field takes its name)."""
    CSRFTokenField.widget = _HiddenWithoutId()
