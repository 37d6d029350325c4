"""Seminar forms: a visitor's registration and the trainers' seminar, session and message forms.

Times are entered in the site's time zone (config TIMEZONE) and stored as naive UTC.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.core.i18n import lazy_gettext as _l
from app.core.timezones import to_utc
from app.models.base import utcnow
from app.models.seminars import AUDIENCES, TOPICS
from app.web.forms import BoundedDateTimeField, no_control_chars, single_line, strip_text

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class WholeNumberField(IntegerField):
    """An integer field whose unreadable input gets a plain message (and only that one)."""

    def process_formdata(self, valuelist) -> None:
        if valuelist and not str(valuelist[0]).strip():
            self.data = None  # empty: InputRequired or Optional decide
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            self.data = None
            raise ValueError("Enter a whole number, like 20.") from error

    def pre_validate(self, form) -> None:
        if self.process_errors:
            from wtforms.validators import StopValidation

            raise StopValidation()


class LocalTimeField(BoundedDateTimeField):
    """A date and time in the site's time zone, with a plain message for unreadable input."""

    def __init__(self, label, **kwargs):
        super().__init__(label, format=LOCAL_FORMAT, **kwargs)

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            self.data = None
            raise ValueError("Enter a date and time, like 2030-12-01 09:30.") from error


class ActionForm(FlaskForm):
    """A button-only form (register, confirm, cancel): the CSRF token and nothing else."""


class VisitorForm(FlaskForm):
    name = StringField(_l("Your name"), filters=[strip_text], validators=[
        InputRequired(message=_l("Enter your name.")),
        Length(max=120, message=_l("Keep your name under 120 characters.")),
        no_control_chars, single_line])
    email = EmailField(_l("Email address"), filters=[strip_text], validators=[
        InputRequired(message=_l("Enter your email address.")),
        Length(max=254, message=_l("Keep the email address under 254 characters.")),
        Email(message=_l("Enter an email address like name@example.org."),
              check_deliverability=False)])


class SeminarForm(FlaskForm):
    title = StringField("Title", filters=[strip_text], validators=[
        InputRequired(message="Enter a title."), Length(max=120), no_control_chars,
        single_line])
    slug = StringField("Web address (slug)", filters=[strip_text], validators=[
        Optional(), Length(max=80), no_control_chars, single_line])
    description = TextAreaField("Description", filters=[strip_text], validators=[
        InputRequired(message="Describe the seminar."), Length(max=5000), no_control_chars])
    topic = SelectField("Topic", choices=[SelectChoice(*c) for c in TOPICS.items()])
    audience = SelectField("Audience", choices=[SelectChoice(*c) for c in AUDIENCES.items()])
    duration_minutes = WholeNumberField("Duration in minutes", validators=[
        InputRequired(message="Enter the duration in minutes, like 90."),
        NumberRange(min=1, max=1440, message="The duration must be between 1 and 1440 minutes.")])
    active = BooleanField("Show in the catalogue", default=True)


class SessionForm(FlaskForm):
    starts_at = LocalTimeField("Starts", validators=[
        InputRequired(message="Enter the start date and time.")])
    ends_at = LocalTimeField("Ends", validators=[
        InputRequired(message="Enter the end date and time.")])
    capacity = WholeNumberField("Capacity (seats)", validators=[
        InputRequired(message="Enter the number of seats, like 20."),
        NumberRange(min=1, max=10000, message="The capacity must be at least 1.")])
    place = StringField("Place", filters=[strip_text], validators=[
        Optional(), Length(max=200), no_control_chars, single_line])
    online_url = URLField("Online meeting link", filters=[strip_text], validators=[
        Optional(), Length(max=500), URL(message="Enter a full web address (https://...).")])
    trainer_id = SelectField("Trainer", coerce=str, validate_choice=True)
    reminder_hours = WholeNumberField("Reminder, hours before", validators=[
        Optional(), NumberRange(min=1, max=24 * 14, message="Between 1 and 336 hours.")])

    def __init__(self, *args, new: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.new = new

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError("The session must end after it starts.")

    def validate_starts_at(self, field) -> None:
        if self.new and field.data and to_utc(field.data) <= utcnow():
            raise ValidationError("A new session must start in the future.")

    def validate_online_url(self, field) -> None:
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a full web address (https://...).")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.place.data and not self.online_url.data:
            self.place.errors = [*self.place.errors, "Give a place or an online meeting link."]
            valid = False
        return valid


class MessageForm(FlaskForm):
    subject = StringField("Subject", filters=[strip_text], validators=[
        InputRequired(message="Enter a subject."), Length(max=150), no_control_chars,
        single_line])
    body = TextAreaField("Message", filters=[strip_text], validators=[
        InputRequired(message="Write the message."), Length(max=5000), no_control_chars])


class CancelSessionForm(FlaskForm):
    reason = TextAreaField("Reason (sent to everyone registered)", filters=[strip_text],
                           validators=[Optional(), Length(max=300), no_control_chars])
