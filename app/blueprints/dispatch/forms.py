"""Forms of the dispatch console, the officers' page and the closed history.

Every action form carries the ticket `version` and the last event id the member of staff
saw, so the service can tell them what changed instead of overwriting someone else's work.
Choices that come from the database (officers, next statuses) are offered by the view and
checked again by the service, which gives the clear message for a forged value.
"""
from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from app.models.tickets import CANCELLED, PRIORITIES, STATUS_LABELS
from app.services.dispatch import (
    BULK_OUTCOMES,
    DETAIL_MAX,
    ETA_MAX_MINUTES,
    NOTE_MAX,
    OUTCOMES,
    REASON_MAX,
)
from app.web.forms import BoundedDateField, FastSelect, select_choices

STALE = "This page is out of date. Reload the ticket and try again."
SEARCH_LENGTH = Length(max=100, message="Search for at most 100 characters.")
PRIORITY_CHOICES = select_choices([(1, "P1 – urgent"), (2, "P2 – soon"), (3, "P3 – routine")])


def optional_int(value):
    """Coerce for optional selects: "" means any/none, anything else must be an integer."""
    if value in (None, "", "None"):
        return None
    return int(value)


class TicketActionForm(FlaskForm):
    version = IntegerField(widget=HiddenInput(),
                           validators=[InputRequired(STALE), NumberRange(min=1, message=STALE)])
    seen_events = IntegerField(widget=HiddenInput(),
                                 validators=[Optional(), NumberRange(min=0, message=STALE)])


class AcknowledgeForm(TicketActionForm):
    pass


class PriorityForm(TicketActionForm):
    priority = SelectField("New priority", coerce=int, choices=PRIORITY_CHOICES,
                           validators=[InputRequired("Choose a priority.")])
    reason = StringField("Reason for the change", validators=[
        DataRequired("Give a reason for changing the priority."),
        Length(max=REASON_MAX, message=f"Keep the reason under {REASON_MAX} characters."),
    ])


class AssignForm(TicketActionForm):
    officer_id = SelectField("Officer", coerce=optional_int, validate_choice=False,
                             validators=[InputRequired("Choose an officer.")])


class MoveForm(TicketActionForm):
    status = SelectField("Move to", validate_choice=False,
                         validators=[DataRequired("Choose the next status.")])
    eta_minutes = IntegerField(
        "Expected arrival, in minutes", validators=[
            Optional(),
            NumberRange(min=1, max=ETA_MAX_MINUTES,
                        message=f"Give a number of minutes from 1 to {ETA_MAX_MINUTES}."),
        ])
    note = TextAreaField("Note", validators=[
        Optional(), Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX} characters."),
    ])


class OfficerStepForm(TicketActionForm):
    """En route (with an optional arrival estimate) or on scene, from the officer's phone."""

    eta_minutes = MoveForm.eta_minutes
    note = MoveForm.note


class NoteForm(TicketActionForm):
    body = TextAreaField("Internal note", validators=[
        DataRequired("Write the note first."),
        Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX} characters."),
    ])
    for_shift_report = BooleanField("Put this note on the shift report")


class MessageForm(TicketActionForm):
    body = TextAreaField("Message to the requester", validators=[
        DataRequired("Write the message first."),
        Length(max=NOTE_MAX, message=f"Keep the message under {NOTE_MAX} characters."),
    ])


class CloseForm(TicketActionForm):
    """Resolve or cancel; the view sets `status` and the outcome choices that go with it."""

    outcome = SelectField("Outcome", validate_choice=False,
                          validators=[DataRequired("Choose the outcome.")])
    detail = TextAreaField("Details", validators=[
        Optional(),
        Length(max=DETAIL_MAX, message=f"Keep the details under {DETAIL_MAX} characters."),
    ])

    def set_status(self, status: str) -> CloseForm:
        self.closing_status = status
        self.outcome.choices = [("", "Choose…"), *OUTCOMES[status].items()]
        return self


class BulkCloseForm(FlaskForm):
    """Close the rows ticked on the board as duplicates or junk, with one reason."""

    ticket_ids = SelectMultipleField("Tickets", coerce=int, validate_choice=False,
                                     validators=[DataRequired("Select the tickets to close.")])
    outcome = SelectField("Close as", choices=select_choices(
        (k, OUTCOMES[CANCELLED][k]) for k in BULK_OUTCOMES))
    reason = StringField("Reason, for the record", validators=[
        DataRequired("Give the reason, for the record."),
        Length(max=REASON_MAX, message=f"Keep the reason under {REASON_MAX} characters."),
    ])


def move_choices(statuses) -> list[tuple[str, str]]:
    return [("", "Choose…")] + [(s, STATUS_LABELS[s]) for s in statuses]


FAST = FastSelect()


class QueueFilterForm(FlaskForm):
    """The GET filter form above the queue."""

    class Meta:
        csrf = False

    q = SearchField("Search", validators=[Optional(), SEARCH_LENGTH])
    kind = SelectField("Kind", validate_choice=True, validators=[Optional()], widget=FAST)
    status = SelectField("Status", validators=[Optional()], widget=FAST)
    priority = SelectField("Priority", coerce=optional_int, validators=[Optional()], widget=FAST)
    location_id = SelectField("Building", coerce=optional_int, validators=[Optional()],
                              widget=FAST)
    unit_id = SelectField("Unit", coerce=optional_int, validators=[Optional()], widget=FAST)
    officer_id = SelectField("Officer", coerce=optional_int, validators=[Optional()], widget=FAST)
    overdue = BooleanField("Overdue only")

    def fill(self, kinds, statuses, locations, officers, units=()) -> QueueFilterForm:
        self.kind.choices = [("", "Any kind"), *kinds]
        self.status.choices = [("", "Any open status")] + [(s, STATUS_LABELS[s]) for s in statuses]
        self.priority.choices = [(None, "Any priority")] + [(p, f"P{p}") for p in PRIORITIES]
        self.location_id.choices = [(None, "Any building or place"), *locations]
        self.unit_id.choices = [(None, "Any unit"), *units]
        self.officer_id.choices = [(None, "Anyone"), (0, "Nobody assigned"), *officers]
        return self


class HistoryForm(FlaskForm):
    """The GET search form over closed tickets."""

    class Meta:
        csrf = False

    date_from = BoundedDateField("Closed from", validators=[Optional()],
                          render_kw={"autocomplete": "off"})
    date_to = BoundedDateField("Closed to", validators=[Optional()],
                               render_kw={"autocomplete": "off"})
    kind = SelectField("Kind", validators=[Optional()])
    q = SearchField("Search", validators=[Optional(), SEARCH_LENGTH])

    def validate_date_to(self, field) -> None:
        start, end = self.date_from.data, field.data
        if start and end and end < start:
            raise ValidationError("The end date must be on or after the start date.")
        if start and end and end - start > timedelta(days=366):
            raise ValidationError("Choose a range of at most a year.")
