"""Forms of the reports blueprint: the report, extra photos, and dispatch's close form."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    MultipleFileField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from app.core import timezones, uploads
from app.core.i18n import N_
from app.core.i18n import lazy_gettext as _l
from app.models.reports import OUTCOMES
from app.services import reports
from app.services.reports import FUTURE_TOLERANCE
from app.web.forms import (
    BoundedDateTimeField,
    PlaceField,
    SubmissionKeyField,
    location_choices,
    no_control_chars,
    phone_number,
    scope_ids,
    single_line,
    strip_text,
)

TEXT = [strip_text]
LINE_CHECKS = [no_control_chars, single_line]


def local_now() -> datetime:
    """Now on the site's wall clock, to the minute, as the form's datetime-local shows it."""
    return timezones.local_now().replace(tzinfo=None, second=0, microsecond=0)


class PhotoMixin:
    """Validates the chosen photos by decoding them; keeps the re-encoded results."""

    prepared: list

    def validate_photos(self, field) -> None:
        chosen = [f for f in (field.data or []) if f is not None and getattr(f, "filename", "")]
        limit = current_app.config["REPORT_MAX_PHOTOS"]
        if len(chosen) > limit:
            raise ValidationError(_l("Choose at most %(limit)s photos.", limit=limit))
        self.prepared, problems = [], []
        max_bytes = current_app.config["UPLOAD_MAX_BYTES"]
        for number, upload in enumerate(chosen, start=1):
            try:
                data = uploads.read_limited(upload.stream, max_bytes)
                label = _l("Photo %(number)s", number=number)
                self.prepared.append(uploads.prepare(data, label=label))
            except uploads.UploadError as exc:
                problems.append(str(exc))
        if problems:
            raise ValidationError(" ".join(problems))


class ReportForm(PhotoMixin, FlaskForm):
    location = PlaceField(_l("Where is it?"), choices=[])
    location_detail = StringField(_l("Floor, room, exit or other detail"), filters=TEXT,
                                  validators=[Length(max=200), *LINE_CHECKS])
    observed_at = BoundedDateTimeField(_l("When did you see it?"), format="%Y-%m-%dT%H:%M",
                                     default=local_now,
                                     validators=[InputRequired(_l("Say when you saw it."))])
    description = TextAreaField(_l("What did you see?"), filters=TEXT, validators=[
        DataRequired(_l("Say what you saw.")),
        Length(max=2000, message=_l("Keep it under 2000 characters.")), no_control_chars,
    ])
    person_height = StringField(_l("Height"), filters=TEXT,
                              validators=[Length(max=60), *LINE_CHECKS])
    person_clothing = StringField(_l("Clothing"), filters=TEXT,
                                validators=[Length(max=200), *LINE_CHECKS])
    person_direction = StringField(_l("Direction of travel"), filters=TEXT,
                                   validators=[Length(max=200), *LINE_CHECKS])
    still_happening = BooleanField(_l("It is still happening or still there"))
    photos = MultipleFileField(_l("Photos"))
    anonymous = BooleanField(_l("Report anonymously"))
    contact_name = StringField(_l("Your name"), filters=TEXT,
                             validators=[Length(max=120), *LINE_CHECKS])
    contact_phone = StringField(_l("Phone number"), filters=TEXT,
                              validators=[Length(max=40), *LINE_CHECKS, phone_number])
    contact_email = StringField(_l("Email address"), filters=TEXT, validators=[
        Optional(), Length(max=254), *LINE_CHECKS,
        Email(_l("Enter an email address like name@example.org.")),
    ])
    submission_key = SubmissionKeyField()

    def validate_location_detail(self, field) -> None:
        if not self.location.data and not field.data:
            raise ValidationError(_l("Choose a place from the list or describe where it is."))

    def validate(self, extra_validators=None) -> bool:
        """An anonymous report ignores any contact details sent with it."""
        if self.anonymous.data:
            for contact in (self.contact_name, self.contact_phone, self.contact_email):
                contact.data, contact.raw_data = None, []
        return super().validate(extra_validators)

    def validate_observed_at(self, field) -> None:
        if field.data and field.data > local_now() + FUTURE_TOLERANCE:
            raise ValidationError(_l("The time you saw it cannot be in the future."))

    @property
    def location_id(self) -> int | None:
        return int(self.location.data) if self.location.data else None


def report_form(**kwargs) -> ReportForm:
    """The report form with its place list (the web page and the Open311 API share it)."""
    form = ReportForm(**kwargs)
    form.location.choices = location_choices(
        with_other=False, placeholder=N_("Choose a place (or describe it below)"))
    return form


def report_details(category: str, form: ReportForm) -> reports.ReportDetails:
    """What a validated report form says, as the service takes it."""
    return reports.ReportDetails(
        category=category, description=form.description.data,
        location_id=form.location_id, location_detail=form.location_detail.data,
        observed_at=timezones.to_utc(form.observed_at.data),
        still_happening=form.still_happening.data, anonymous=form.anonymous.data,
        person_height=form.person_height.data,
        person_clothing=form.person_clothing.data, person_direction=form.person_direction.data,
        contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
        contact_email=form.contact_email.data, submission_key=form.submission_key.data or None,
    )


class AddPhotosForm(PhotoMixin, FlaskForm):
    photos = MultipleFileField(_l("Add photos"))

    def validate_photos(self, field) -> None:
        super().validate_photos(field)
        if not self.prepared:
            raise ValidationError(_l("Choose at least one photo."))


class CloseReportForm(FlaskForm):
    outcome = RadioField("Outcome", choices=[SelectChoice(k, v) for k, v in OUTCOMES.items()],
                         validators=[InputRequired("Choose an outcome.")])
    agency = StringField("Agency it was referred to", filters=TEXT,
                       validators=[Length(max=120), *LINE_CHECKS])
    duplicate_reference = StringField("Reference of the other report", filters=TEXT,
                                      validators=[Length(max=20), *LINE_CHECKS])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


def close_form_for(ticket) -> CloseReportForm:
    """The close form on the dispatch ticket page (its ids unique among that page's forms)."""
    return scope_ids(CloseReportForm(formdata=None, version=ticket.version), "report")


def add_photos_form() -> AddPhotosForm:
    """The photo form on the reporter's follow-up page."""
    return AddPhotosForm(formdata=None)
