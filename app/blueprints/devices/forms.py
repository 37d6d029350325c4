"""Forms of the ALERT registry."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.core import timezones
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import translated
from app.models.devices import DEVICE_TYPES
from app.services.reports import FUTURE_TOLERANCE
from app.web.forms import (
    BoundedDateField,
    BoundedDateTimeField,
    MultiCheckboxField,
    PlaceField,
    SubmissionKeyField,
    no_control_chars,
    scope_ids,
    select_choices,
    single_line,
    strip_text,
)

TEXT = [no_control_chars, single_line]
LONG = _l("Keep this under %(max)d characters.")


def location_field(label: str) -> SelectField:
    return PlaceField(label, coerce=_int_or_none, validators=[Optional()], validate_choice=False)


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # refused by the service: "choose a building from the list"


class DeviceForm(FlaskForm):
    device_type = SelectField(
        _l("Type of device"),
        choices=select_choices(translated(DEVICE_TYPES.items()), _l("Choose…")),
        validators=[InputRequired(message=_l("Choose the type of device."))],
    )
    make = StringField(
        _l("Make"),
        filters=[strip_text],
        validators=[
            InputRequired(message=_l("Enter the make, for example Dell.")),
            Length(max=80, message=LONG),
            *TEXT,
        ],
    )
    model = StringField(
        _l("Model"),
        filters=[strip_text],
        validators=[
            InputRequired(message=_l("Enter the model, for example Latitude 7440.")),
            Length(max=80, message=LONG),
            *TEXT,
        ],
    )
    serial = StringField(
        _l("Serial number"),
        filters=[strip_text],
        validators=[
            InputRequired(message=_l("Enter the serial number from the label.")),
            Length(max=64, message=LONG),
            *TEXT,
        ],
    )
    asset_tag = StringField(
        _l("Hospital asset tag"), filters=[strip_text],
        validators=[Optional(), Length(max=40, message=LONG), *TEXT],
    )
    department = StringField(
        _l("Department"),
        filters=[strip_text],
        validators=[InputRequired(message=_l("Enter your department.")),
                    Length(max=120, message=LONG), *TEXT],
    )
    location_id = location_field(_l("Building"))
    room = StringField(_l("Room"), filters=[strip_text],
                       validators=[Optional(), Length(max=80, message=LONG), *TEXT])
    photo = FileField(_l("Photo of the serial label"))


class LockdownForm(FlaskForm):
    devices = MultiCheckboxField(_l("Devices to lock down"), coerce=int, validate_choice=False)
    preferred_times = StringField(
        _l("When suits you"),
        filters=[strip_text],
        validators=[
            InputRequired(message=_l("Say when an officer can come, for example weekdays 9–11.")),
            Length(max=300, message=LONG),
            *TEXT,
        ],
    )
    location_id = location_field(_l("Building"))
    room = StringField(_l("Room"), filters=[strip_text],
                       validators=[Optional(), Length(max=80, message=LONG), *TEXT])
    submission_key = SubmissionKeyField()


class StolenForm(FlaskForm):
    last_seen_at = BoundedDateTimeField(
        _l("When did you last see it?"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(message=_l("Enter when you last saw it."))],
    )
    location_id = location_field(_l("Where did you last see it?"))
    where = StringField(
        _l("Room or other details"),
        filters=[strip_text],
        validators=[Optional(), Length(max=200, message=LONG), *TEXT],
    )
    description = TextAreaField(
        _l("Anything else we should know"),
        filters=[strip_text],
        validators=[Optional(), Length(max=2000, message=LONG), no_control_chars],
    )
    submission_key = SubmissionKeyField()

    def validate_last_seen_at(self, field) -> None:
        now = timezones.local_now().replace(tzinfo=None)
        if field.data and field.data > now + FUTURE_TOLERANCE:
            raise ValidationError(_l("The time you last saw it cannot be in the future."))


class LockRecordForm(FlaskForm):
    device_id = HiddenField()
    lock_id = StringField(
        "Lock ID",
        filters=[strip_text],
        validators=[InputRequired(message="Enter the lock ID."), Length(max=40), *TEXT],
    )
    locked_on = BoundedDateField("Installed on",
                                 validators=[InputRequired(message="Enter the date.")])


class LookupForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        "Serial number, part of it, or asset tag", validators=[Optional(), Length(max=80)]
    )


class RecoveredForm(FlaskForm):
    note = TextAreaField(
        "Where and how it was recovered",
        filters=[strip_text],
        validators=[Optional(), Length(max=1000), no_control_chars],
    )


class ConfirmForm(FlaskForm):
    """A button-only form."""


def lock_form_for(device) -> LockRecordForm:
    """The lock form of one device on a lockdown ticket page (ids carry the device id)."""
    return scope_ids(LockRecordForm(formdata=None, device_id=device.id), f"device-{device.id}")
