"""Unit request forms: the unit chosen once, and one form per kind.

Every text field refuses the obvious patient identifiers (app.services.units, which checks
again whichever way a request arrives)."""
from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.i18n import lazy_gettext as _l
from app.core.timezones import combine, local_today
from app.models.base import utcnow
from app.services.units import DURATIONS, MAX_DAYS_AHEAD, Booking, identifiers_in, refusal_for
from app.web.forms import (
    BoundedDateField,
    SubmissionKeyField,
    no_control_chars,
    phone_number,
    single_line,
    strip_text,
)


def no_identifiers(form, field) -> None:
    what = identifiers_in(field.data)
    if what:
        raise ValidationError(refusal_for(what))


def _text(label, limit: int, required=None, multiline: bool = False):
    checks = [InputRequired(required) if required else Optional(),
              Length(max=limit, message=_l("Keep this under %(limit)d characters.", limit=limit)),
              no_control_chars, no_identifiers]
    if multiline:
        return TextAreaField(label, filters=[strip_text], validators=checks)
    return StringField(label, filters=[strip_text], validators=[*checks, single_line])


class WholeNumber(IntegerField):
    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a whole number of minutes, like 60.")) from error


class ChooseUnitForm(FlaskForm):
    unit_id = SelectField(_l("Your unit"), coerce=int, validate_choice=True, validators=[
        InputRequired(_l("Choose your unit."))])

    def load(self, units) -> ChooseUnitForm:
        self.unit_id.choices = [SelectChoice(str(u.id), u.path) for u in units]
        return self


class UnitRequestForm(FlaskForm):
    """What every unit request asks: the room and the call-back phone."""

    room = SelectField(_l("Room or place on the unit"), validate_choice=False)
    room_other = _text(_l("Or type the room or place"), 60)
    phone = StringField(_l("Call-back phone"), filters=[strip_text], validators=[
        InputRequired(_l("Enter the unit's phone number for the call-back.")),
        Length(max=40, message=_l("Enter a phone number under 40 characters.")), phone_number])
    submission_key = SubmissionKeyField()

    def load_rooms(self, unit, rooms) -> UnitRequestForm:
        self.room.choices = [SelectChoice("", _l("The unit itself, or type it below"))] + [
            SelectChoice(r.name, r.name) for r in rooms]
        if not self.is_submitted() and not self.phone.data:
            self.phone.data = unit.phone
        return self

    def validate_room(self, field) -> None:
        if field.data and field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Choose a room from the list, or type it below."))

    def booking(self) -> Booking:
        values = {"room": self.room_other.data or self.room.data or None,
                  "phone": self.phone.data}
        for name in ("duration_minutes", "risk", "restraints_planned", "concern", "items"):
            if name in self:
                values[name] = self[name].data
        if "when" in self:
            values["when"] = self.requested_for()
        return Booking(**values)


class WhenMixin:
    when = RadioField(_l("When"), default="now", choices=[
        SelectChoice("now", _l("Now")), SelectChoice("later", _l("At a later time"))],
        validators=[InputRequired(_l("Choose now or a later time."))])
    date = BoundedDateField(_l("Date"), validators=[Optional()])
    time = TimeField(_l("Time"), validators=[Optional()])

    def validate_time(self, field) -> None:
        if self.when.data == "now" and (self.date.data or field.data):
            # Typed while "Now" is still chosen (visible without JavaScript, or left behind
            # when switching back): a booking meant for later, so ask rather than book now.
            # The message sits on the time, which keeps the block shown (show-when.js).
            raise ValidationError(_l("You gave a date or time but chose “Now”: choose “At a "
                                     "later time” to book it, or clear the date and time."))
        if self.when.data != "later":
            return
        if self.date.data is None or field.data is None:
            raise ValidationError(_l("Enter the date and the time, or choose Now."))
        at = combine(self.date.data, field.data)
        if at < utcnow() - timedelta(minutes=5):
            raise ValidationError(_l("That time has already passed. Choose a later time."))
        if at > utcnow() + timedelta(days=MAX_DAYS_AHEAD):
            raise ValidationError(_l("Book at most %(days)d days ahead.", days=MAX_DAYS_AHEAD))

    def requested_for(self):
        if self.when.data != "later" or self.date.data is None or self.time.data is None:
            return None
        return combine(self.date.data, self.time.data)

    def min_date(self) -> str:
        return local_today().isoformat()


def _duration(label) -> WholeNumber:
    low, high = DURATIONS
    return WholeNumber(label, default=60, validators=[
        InputRequired(_l("Enter the expected duration in minutes, like 60.")),
        NumberRange(low, high, _l("The duration must be between %(low)d and %(high)d minutes.",
                                  low=low, high=high))])


class StandbyForm(WhenMixin, UnitRequestForm):
    duration_minutes = _duration(_l("Expected duration (minutes)"))
    risk = _text(_l("The risk, in a few words"), 200, _l("Say the risk in a few words."))
    restraints_planned = BooleanField(_l("Restraints are planned"))


class ConsultForm(UnitRequestForm):
    concern = _text(_l("What worries the unit"), 1000, _l("Say what worries the unit."),
                    multiline=True)


class ElopementWatchForm(WhenMixin, UnitRequestForm):
    duration_minutes = _duration(_l("How long to watch (minutes)"))
    risk = _text(_l("What to watch for, in a few words"), 200,
                 _l("Say what the officer should watch for."))


class ValuablesForm(WhenMixin, UnitRequestForm):
    items = _text(_l("What to collect or return"), 300, _l("Say what to collect or return."),
                  multiline=True)


FORMS = {"standby": StandbyForm, "consult": ConsultForm, "elopement-watch": ElopementWatchForm,
         "valuables": ValuablesForm}
