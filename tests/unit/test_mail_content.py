"""What a reader finds in the mail: clean text, absolute links, one line per line."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from jinja2 import meta
from sqlalchemy import select

from app.models.outbox import OutboxMessage
from app.services import apb_sending, outbox

EMAIL_DIR = Path(__file__).resolve().parents[2] / "app" / "templates" / "email"
HOSTILE_MARKDOWN = """Watch for **tailgaters** at the [garage doors](/apb/) and
[the map](https://maps.example.org/garage).

<script>alert("stolen")</script>
<span onclick="steal()">Hidden trap</span>

- Badge in
- Wait for the door
"""


def issue_mail(db, make_issue, make_subscriber) -> OutboxMessage:
    issue = make_issue(body=HOSTILE_MARKDOWN)
    apb_sending._enqueue_issue(issue, make_subscriber(email="reader@example.org"))
    db.session.commit()
    return db.session.scalar(select(OutboxMessage))


def test_the_apb_text_part_is_the_sanitised_issue_without_markdown(app, db, make_issue,
                                                                     make_subscriber):
    text = issue_mail(db, make_issue, make_subscriber).text_body
    assert "tailgaters" in text and "**" not in text and "](" not in text
    assert "alert" not in text and "<script" not in text and "onclick" not in text
    assert "Hidden trap" in text  # the words the sanitiser kept stay
    assert re.search(r"^- Badge in\n- Wait for the door$", text, re.M)


def test_links_in_the_apb_mail_are_absolute_at_site_url(app, db, make_issue, make_subscriber):
    mail = issue_mail(db, make_issue, make_subscriber)
    site = app.config["SITE_URL"].rstrip("/")
    assert f'href="{site}/apb/"' in mail.html_body and 'href="/' not in mail.html_body
    assert f"garage doors ({site}/apb/)" in mail.text_body
    assert "the map (https://maps.example.org/garage)" in mail.text_body


class Sample:
    """Stands for any template value: every attribute exists and is shown as text."""

    def __init__(self, name: str = "sample") -> None:
        self._name = name

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if name.endswith(("_at", "_for")):
            return datetime(2026, 12, 1, 15, 0)
        return Sample(name)

    def __str__(self) -> str:
        return f"value of {self._name}"


def literal_starts(source: str) -> list[str]:
    """The text each template line starts with, when it starts with text (not a tag)."""
    starts = []
    for line in source.splitlines():
        literal = re.split(r"\{[{%#]", line, maxsplit=1)[0].strip()
        if len(literal) >= 3:
            starts.append(literal)
        elif value := re.match(r"\{\{ *(\w+) *\}\}", line):  # a line that is one value
            starts.append(str(Sample(value.group(1))))
    return starts


TEMPLATES = sorted(p for p in EMAIL_DIR.rglob("*.txt"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(EMAIL_DIR)))
def test_every_text_email_keeps_each_line_on_its_own_line(app, path):
    from flask import render_template

    name = "email/" + str(path.relative_to(EMAIL_DIR))
    source = path.read_text()
    sources = [source] + [(EMAIL_DIR.parent / inc).read_text()
                          for inc in re.findall(r'include "([^"]+)"', source)]
    names = set().union(*(meta.find_undeclared_variables(app.jinja_env.parse(src))
                          for src in sources))
    if any("session." in src for src in sources):
        names.add("session")  # a seminar session, not Flask's (a Jinja global)
    context = {n: Sample(n) for n in names if n != "config"}
    with app.test_request_context():
        rendered = render_template(name, **context)
    lines = [line.strip() for line in rendered.splitlines()]
    for literal in (s for src in sources for s in literal_starts(src)):
        if literal in rendered:
            assert any(line.startswith(literal) for line in lines), (
                f"{name}: {literal!r} is run together with the line before:\n{rendered}")


def test_seminar_mail_puts_the_room_and_the_request_on_separate_lines(app, db, make_session):
    from flask import render_template

    session = make_session(place="room 2")
    with app.test_request_context():
        text = render_template("email/seminars/confirm_email.txt", session=session,
                               seminar=session.seminar, registration=Sample("registration"),
                               confirm_url="https://portal.example.org/seminars/confirm/x")
    assert "room 2Please" not in text
    assert re.search(r"^Where: room 2\n\nPlease confirm", text, re.M), text


def test_console_mail_lists_attachments_by_name_and_size(app, db, capsys, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_CONSOLE", True)
    invitation = outbox.Attachment("seminar-7.ics", "text/calendar", "BEGIN:VCALENDAR\r\n" * 30)
    outbox.enqueue("ana@example.org", "apb_confirm", "Confirm",
                   extra=outbox.Extra(attachments=[invitation]),
                   confirm_url="https://portal.example.org/apb/confirm/x")
    db.session.commit()
    assert outbox.deliver_due("test", 10).sent == 1
    out = capsys.readouterr().out
    assert "seminar-7.ics" in out and "text/calendar" in out
    assert f"{len(invitation.content.encode())} bytes" in out
