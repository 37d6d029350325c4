"""Forms of the support section: the person's request and reply, the advocate's actions."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
)

from app.blueprints.auth.forms import code_field
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import translated
from app.models.support import CONTACT_METHODS, HELP_KINDS
from app.services.support import CLOSE_CHOICES, MESSAGE_MAX
from app.web.forms import (
    BoundedDateField,
    BoundedDateTimeField,
    MultiCheckboxField,
    SubmissionKeyField,
    no_control_chars,
    phone_number,
    select_choices,
    single_line,
    strip_text,
)

TEXT = [strip_text]
BAD_EMAIL = _l("Enter an email address, like name@example.org.")
NO_HELP_CHOSEN = (_l("Choose at least one kind of help. "
                  "If you are not sure, choose “Help reaching an advocate”."))


def _line(max_length: int):
    return [Optional(), Length(max=max_length, message=_l("Keep this under %(max)d characters.")),
            no_control_chars, single_line]


class RequestForm(FlaskForm):
    help_kinds = MultiCheckboxField(
        _l("What help would you like?"), choices=select_choices(translated(HELP_KINDS)),
        validators=[DataRequired(message=NO_HELP_CHOSEN)])
    details = TextAreaField(
        _l("Anything you want us to know"), filters=TEXT,
        validators=[Optional(), Length(max=4000, message=_l("Keep this under 4000 characters.")),
                    no_control_chars])
    preferred_name = StringField(_l("What name should we ask for?"), filters=TEXT,
                                 validators=_line(80))
    contact_method = RadioField(
        _l("How can we safely reach you?"), choices=select_choices(translated(CONTACT_METHODS)),
        validators=[InputRequired(message=_l("Choose a safe way for us to reach you."))])
    phone = StringField(_l("Safe phone number"), filters=TEXT,
                        validators=[*_line(30), phone_number])
    email = StringField(_l("Safe email address"), filters=TEXT,
                        validators=[*_line(254), Email(message=BAD_EMAIL)])
    email_is_safe = BooleanField(_l("This address is safe: nobody else reads it"))
    in_person_place = StringField(_l("Where can we meet you?"), filters=TEXT, validators=_line(200))
    in_person_time = StringField(_l("When can we meet you there?"), filters=TEXT,
                                 validators=_line(200))
    safe_times = StringField(_l("Safe times to contact you"), filters=TEXT, validators=_line(200))
    may_leave_message = RadioField(
        _l("May we leave a message?"), choices=select_choices([("no", _l("No")), ("yes",
            _l("Yes"))]),
        validators=[InputRequired(message=_l("Say whether we may leave a message."))])
    code_word = StringField(_l("A code word"), filters=TEXT, validators=_line(60))
    show_in_my_requests = BooleanField(_l("Show this request in “My requests” on my account"))
    submission_key = SubmissionKeyField()

    # What the chosen contact method needs: (field, message). Checked after the field
    # validators, because Optional() stops a field's chain when it is empty.
    NEEDED = {
        "phone": (("phone", _l("Enter a safe phone number, or choose another way to reach you.")),),
        "email": (("email", _l("Enter a safe email address, or choose another way to reach you.")),
                  ("email_is_safe", _l("Only give an address nobody else reads: tick the box, "
                                    "or choose another way to reach you."))),
        "in_person": (("in_person_place", _l("Say where we can meet you, or choose another way.")),
                      ("in_person_time", _l("Say when we can meet you, or choose another way."))),
    }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, message in self.NEEDED.get(self.contact_method.data, ()):
            field = self[name]
            if not field.data and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def contact_value(self) -> str | None:
        return {"phone": self.phone.data, "email": self.email.data}.get(self.contact_method.data)


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"), filters=TEXT,
        validators=[DataRequired(message=_l("Write your message first.")),
                    Length(max=MESSAGE_MAX,
                           message=_l("Keep your message under %(max)d characters.")),
                    no_control_chars])


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Internal note (advocates only)", filters=TEXT,
        validators=[DataRequired(message="Write the note first."),
                    Length(max=2000, message="Keep the note under 2000 characters."),
                    no_control_chars])


class MessageForm(FlaskForm):
    body = TextAreaField(
        "Message to the person (shown on their private page)", filters=TEXT,
        validators=[DataRequired(message="Write the message first."),
                    Length(max=2000, message="Keep the message under 2000 characters."),
                    no_control_chars])


class CloseForm(FlaskForm):
    version = HiddenField()
    outcome = SelectField("Outcome", choices=select_choices(CLOSE_CHOICES, "Choose…"),
                          validators=[DataRequired(message="Choose how the request ended.")])
    note = TextAreaField("Closing note (advocates only)", filters=TEXT,
                         validators=[Optional(), Length(max=2000), no_control_chars])


class EscortForm(FlaskForm):
    meet = StringField("Who the officer meets (a first name or a description)", filters=TEXT,
                       validators=[DataRequired(message="Say who the officer meets."),
                                   *_line(120)[1:]])
    meet_at = StringField("Meet at", filters=TEXT,
                          validators=[DataRequired(message="Say where the officer meets them."),
                                      *_line(200)[1:]])
    going_to = StringField("Going to (car park, transit stop…)", filters=TEXT,
                           validators=[DataRequired(message="Say where they are going."),
                                       *_line(200)[1:]])
    when = BoundedDateTimeField("When (leave empty for as soon as possible)",
                                validators=[Optional()])
    phone = StringField("Phone dispatch may call", filters=TEXT,
                        validators=[*_line(30), phone_number])


class AlertForm(FlaskForm):
    person_description = TextAreaField(
        "Description of the person to keep out", filters=TEXT,
        validators=[DataRequired(message="Describe the person to keep out."),
                    Length(max=1000, message="Keep this under 1000 characters."), no_control_chars])
    keep_out_of = StringField("Where (building, unit, entrance)", filters=TEXT,
                              validators=[DataRequired(message="Say where the alert applies."),
                                          *_line(300)[1:]])
    valid_until = BoundedDateField("Until (date, optional)", validators=[Optional()])
    instructions = TextAreaField(
        "What dispatch should do", filters=TEXT,
        validators=[Optional(), Length(max=1000, message="Keep this under 1000 characters."),
                    no_control_chars])


class DecisionForm(FlaskForm):
    """Approve or decline a request about the advocate role: giving the role is granting
    access to every DV record, so it needs a fresh code from the advocate's own factor."""

    code = code_field("Your code from your authenticator app")
