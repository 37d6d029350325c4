"""Forms of campus alerts: issuing one, posting an update."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.models.alerts import SEVERITIES, SEVERITY_LABELS
from app.services.alerts import MAX_HEADLINE, MAX_INSTRUCTION
from app.web.forms import (
    BoundedDateTimeField,
    MultiCheckboxField,
    no_control_chars,
    place_choices,
    select_choices,
    single_line,
    strip_text,
)

DURATIONS = {
    "15": "15 minutes", "30": "30 minutes", "60": "1 hour", "120": "2 hours",
    "240": "4 hours", "480": "8 hours", "720": "12 hours", "1440": "1 day",
    "4320": "3 days", "10080": "7 days",
}


class _Message(FlaskForm):
    headline = StringField(
        "Headline", filters=[strip_text],
        validators=[InputRequired(message="Write a headline."), Length(max=MAX_HEADLINE),
                    no_control_chars, single_line])
    instruction = TextAreaField(
        "What people should do", filters=[strip_text],
        validators=[InputRequired(message="Say what people should do."),
                    Length(max=MAX_INSTRUCTION), no_control_chars])
    severity = RadioField(
        "Severity", choices=select_choices({s: SEVERITY_LABELS[s] for s in SEVERITIES}),
        validators=[InputRequired(message="Choose a severity.")])
    minutes = SelectField("Shown for", choices=select_choices(DURATIONS), default="60",
                          validators=[InputRequired(message="Choose how long it is shown.")])


class AlertForm(_Message):
    starts_at = BoundedDateTimeField("Starts at", format="%Y-%m-%dT%H:%M",
                                     validators=[Optional()])
    locations = MultiCheckboxField("Where", coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locations.choices = select_choices(place_choices())


class UpdateForm(_Message):
    """An update keeps its alert's places; "all clear" says the danger is over."""

    all_clear = BooleanField("All clear: the danger is over")
