"""Escort forms: a one-off request and a member's recurring escort.

Every value is checked here with a message for its field; the service checks again
(places, times) so that nothing invalid is written whichever way it arrives.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.i18n import lazy_gettext as _l
from app.core.timezones import combine, local_today
from app.models.base import utcnow
from app.models.escorts import WEEKDAY_NAMES
from app.services.escorts import Place
from app.web.forms import (
    OTHER,
    BoundedDateField,
    MultiCheckboxField,
    PlaceField,
    SubmissionKeyField,
    location_choices,
    no_control_chars,
    phone_number,
    single_line,
    strip_text,
)

DESCRIBE_PLACE = {"start": _l("Describe the start place."),
                  "destination": _l("Describe the destination place.")}


class NumberField(IntegerField):
    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a whole number, like 2.")) from error


class PlacesMixin:
    """From/to fields shared by the one-off and the recurring form."""

    from_place = PlaceField(_l("Where should the officer meet you?"), validators=[
        InputRequired(_l("Choose where the officer should meet you."))])
    from_other = StringField(_l("Describe where you are"), filters=[strip_text], validators=[
        Optional(), Length(max=200, message=_l("Keep the description under 200 characters.")),
        no_control_chars])
    to_place = PlaceField(_l("Where are you going?"), validators=[
        InputRequired(_l("Choose where you are going."))])
    to_other = StringField(_l("Describe where you are going"), filters=[strip_text], validators=[
        Optional(), Length(max=200, message=_l("Keep the description under 200 characters.")),
        no_control_chars])
    party_size = NumberField(_l("How many people, including you?"), default=1, validators=[
        InputRequired(_l("Enter how many people need the escort, as a number.")),
        NumberRange(1, 20, _l("The number of people must be between 1 and 20."))])
    needs = TextAreaField(_l("Mobility or language needs"), filters=[strip_text], validators=[
        Optional(), Length(max=500, message=_l("Keep this under 500 characters.")),
        no_control_chars])
    phone = StringField(_l("Phone number we can call you on"), filters=[strip_text], validators=[
        InputRequired(_l("Enter a phone number so the officer can call you.")),
        Length(max=40, message=_l("Enter a phone number under 40 characters.")), phone_number])

    def load_places(self) -> None:
        choices = location_choices()
        self.from_place.choices = choices
        self.to_place.choices = choices

    def _place(self, select_field, other_field, which: str) -> Place | None:
        if select_field.data == OTHER:
            if not other_field.data:
                other_field.errors.append(DESCRIBE_PLACE[which])
                return None
            return Place(other=other_field.data)
        return Place(location_id=int(select_field.data))

    def places(self) -> tuple[Place, Place] | None:
        """The two places, or None after adding a field error (missing text, same place)."""
        origin = self._place(self.from_place, self.from_other, "start")
        destination = self._place(self.to_place, self.to_other, "destination")
        if origin is None or destination is None:
            return None
        same_id = origin.location_id is not None and origin.location_id == destination.location_id
        same_text = bool(origin.other and destination.other
                         and origin.other.casefold() == destination.other.casefold())
        same = same_id or same_text
        if same:
            self.to_place.errors.append(_l("The start and the destination are the same place."))
            return None
        return origin, destination


class EscortForm(PlacesMixin, FlaskForm):
    when = RadioField(_l("When do you need the escort?"), default="now",
                      choices=[SelectChoice("now", _l("Now")),
                               SelectChoice("later", _l("At a later time"))],
                      validators=[InputRequired(_l("Choose now or a later time."))])
    date = BoundedDateField(_l("Date"), validators=[Optional()])
    time = TimeField(_l("Time"), validators=[Optional()])
    name = StringField(_l("Your name"), filters=[strip_text], validators=[
        Optional(), Length(max=120, message=_l("Keep your name under 120 characters.")),
        no_control_chars, single_line])
    email = StringField(_l("Email address"), filters=[strip_text], validators=[
        Optional(), Length(max=254, message=_l("Enter an email address under 254 characters.")),
        Email(_l("Enter an email address like name@example.org."), check_deliverability=False)])
    submission_key = SubmissionKeyField()

    def checked(self) -> tuple[tuple[Place, Place], datetime | None] | None:
        """Validate everything at once, so every problem is listed in one go."""
        valid = self.validate()
        places = None
        if not (self.from_place.errors or self.to_place.errors
                or self.from_other.errors or self.to_other.errors):
            places = self.places()
        ok = False
        if not (self.when.errors or self.date.errors or self.time.errors):
            ok, requested_for = self.requested_for()
        if not valid or places is None or not ok:
            return None
        return places, requested_for

    def requested_for(self) -> tuple[bool, datetime | None]:
        """(ok, naive UTC time or None for "now"); adds a field error when not ok."""
        if self.when.data != "later":
            return True, None
        if self.date.data is None:
            self.date.errors.append(_l("Enter the date you need the escort, or choose Now."))
        if self.time.data is None:
            self.time.errors.append(_l("Enter the time you need the escort, or choose Now."))
        if self.date.data is None or self.time.data is None:
            return False, None
        at = combine(self.date.data, self.time.data)
        now = utcnow()
        days = current_app.config["ESCORT_MAX_DAYS_AHEAD"]
        if at < now - timedelta(minutes=5):
            self.time.errors.append(_l("That time has already passed. Choose a later time."))
        elif at > now + timedelta(days=days):
            self.date.errors.append(_l("Escorts can be booked at most %(days)s days ahead.",
                                       days=days))
        else:
            return True, at
        return False, None

    def min_date(self) -> str:
        return local_today().isoformat()

    def max_date(self) -> str:
        days = current_app.config["ESCORT_MAX_DAYS_AHEAD"]
        return (local_today() + timedelta(days=days)).isoformat()


class WeekdaysField(MultiCheckboxField):
    """Checkboxes of weekdays whose forged values get a plain message."""

    def pre_validate(self, form) -> None:
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(_l("Choose days from the list."))

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Choose days from the list.")) from error


class RecurringForm(PlacesMixin, FlaskForm):
    time = TimeField(_l("Time of day"),
        validators=[InputRequired(_l("Enter the time, like 23:15."))])
    weekdays = WeekdaysField(
        _l("Days of the week"), coerce=int,
        choices=[SelectChoice(i, _l(name)) for i, name in enumerate(WEEKDAY_NAMES)],
        validators=[InputRequired(_l("Choose at least one day of the week."))])
    start_date = BoundedDateField(_l("First day"),
        validators=[InputRequired(_l("Enter the first day."))])
    end_date = BoundedDateField(_l("Last day"), validators=[Optional()])

    def validate_start_date(self, field) -> None:
        today = local_today()
        if field.data and field.data < today:
            raise ValidationError(_l("The first day cannot be in the past."))
        if field.data and field.data > today + timedelta(days=366):
            raise ValidationError(_l("The first day must be within a year."))

    def validate_end_date(self, field) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The last day is before the first day."))


class SkipForm(FlaskForm):
    day = BoundedDateField(_l("Date"), validators=[InputRequired(_l("Choose a date."))])
