"""Forms of the APB newsletter."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from app.core.i18n import lazy_gettext as _l
from app.web.forms import BoundedDateTimeField, no_control_chars, single_line, strip_text


class IssueForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[strip_text],
        validators=[InputRequired(message="Enter a title."), Length(max=160), no_control_chars,
                    single_line],  # it is the subject line of every subscriber's email
    )
    summary = TextAreaField(
        "Summary",
        validators=[
            InputRequired(message="Enter a one- or two-sentence summary."),
            Length(max=400),
            no_control_chars,
        ],
    )
    body = TextAreaField(
        "Text (Markdown)",
        validators=[InputRequired(message="Write the text of the issue."), Length(max=100_000)],
    )
    publish_at = BoundedDateTimeField("Publish at", format="%Y-%m-%dT%H:%M",
                                      validators=[Optional()])
    version = HiddenField()


class SubscribeForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        filters=[strip_text],
        validators=[
            InputRequired(message=_l("Enter your email address.")),
            Length(max=254),
            Email(
                message=_l("Enter an email address like name@example.org."),
                check_deliverability=False
            ),
        ],
    )


class ActionForm(FlaskForm):
    """A button-only form (publish, confirm, resubscribe): CSRF token and nothing else."""
