"""Outreach request forms: one per request type, sharing the contact fields. (Valuables
pickup moved to the unit requests, app/blueprints/units.)"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, StringField, TelField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from app.core.i18n import lazy_gettext as _l
from app.services import outreach
from app.web.forms import (
    SubmissionKeyField,
    no_control_chars,
    phone_number,
    single_line,
    strip_text,
)


def _text(label: str, required: str | None = None, max_length: int = 200, multiline=False):
    validators = [InputRequired(message=required) if required else Optional(),
                  Length(max=max_length, message=_l("Keep this under %(max)d characters.")),
                  no_control_chars]
    if not multiline:
        validators.append(single_line)
        return StringField(label, filters=[strip_text], validators=validators)
    return TextAreaField(label, filters=[strip_text], validators=validators)


class ContactForm(FlaskForm):
    """Who asks: a name and at least one of phone or email."""

    contact_name = _text(_l("Your name"), _l("Enter your name."), 120)
    contact_phone = TelField(_l("Phone"), filters=[strip_text],
                             validators=[Optional(), Length(max=40), phone_number])
    contact_email = EmailField(_l("Email address"), filters=[strip_text], validators=[
        Optional(), Length(max=254),
        Email(message=_l("Enter an email address like name@example.org."),
              check_deliverability=False)])
    submission_key = SubmissionKeyField()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.contact_phone.data and not self.contact_email.data:
            message = _l("Give a phone number or an email address so we can reach you.")
            self.contact_phone.errors = [*self.contact_phone.errors, message]
            valid = False
        return valid


class PresentationForm(ContactForm):
    department = _text(_l("Department or group"), _l("Enter the department or group."), 120)
    topic = _text(_l("Topic"), _l("Enter the topic, for example de-escalation."), 120)
    audience_size = IntegerField(_l("Audience size"), validators=[
        InputRequired(message=_l("Enter about how many people will attend, like 25.")),
        NumberRange(min=1, max=5000, message=_l("Enter a number between 1 and 5000."))])
    preferred_dates = _text(_l("Preferred dates and times"),
        _l("Give one or more dates that suit you."),
                            300)
    details = _text(_l("Anything else"), None, 2000, multiline=True)


class SurveyForm(ContactForm):
    department = _text(_l("Department"), None, 120)
    area = _text(_l("Area to survey"), _l("Enter the area, building or unit."), 200)
    details = _text(_l("Your concern"), _l("Tell us what worries you about this area."), 2000,
                    multiline=True)


class DetailForm(ContactForm):
    event_when = _text(_l("When is the event"), _l("Enter the date and time of the event."), 200)
    event_where = _text(_l("Where is the event"), _l("Enter where the event takes place."), 200)
    expected_attendance = IntegerField(_l("Expected attendance"), validators=[
        InputRequired(message=_l("Enter about how many people will attend, like 150.")),
        NumberRange(min=1, max=100000, message=_l("Enter a number between 1 and 100000."))])
    details = _text(_l("Concerns"), None, 2000, multiline=True)


def request_values(form: ContactForm) -> tuple[dict, outreach.Contact]:
    """The request's own fields and who asks, from a validated form (web page and API)."""
    fields = {name: field.data for name, field in form._fields.items()
              if name in outreach.FIELDS}
    return fields, outreach.Contact(form.contact_name.data, form.contact_phone.data,
                                    form.contact_email.data)


FORMS = {
    "presentation": PresentationForm,
    "survey": SurveyForm,
    "detail": DetailForm,
}
