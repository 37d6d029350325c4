"""The outbox against a real SMTP server on loopback: delivery, outages, retries, workers."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select, text, update

from app.models.base import utcnow
from app.models.outbox import OutboxMessage
from app.services import outbox
from tests.helpers import run_threads


def add_message(db, n: int = 1, **fields) -> OutboxMessage:
    message = OutboxMessage(
        to_address=fields.pop("to_address", f"person{n}@example.org"),
        subject=fields.pop("subject", f"Message {n}"),
        text_body=fields.pop("text_body", f"Plain text {n}"),
        html_body=fields.pop("html_body", f"<p>HTML {n}</p>"),
        headers=fields.pop("headers", {}),
        **fields,
    )
    db.session.add(message)
    db.session.commit()
    return message


def reload(db, message_id: int) -> OutboxMessage:
    db.session.rollback()  # a fresh read, not an old WAL snapshot
    return db.session.get(OutboxMessage, message_id)


def test_delivers_plain_text_html_and_extra_headers(app, db, smtp_server):
    unsubscribe = "<https://portal.example.org/apb/unsubscribe/abc>"
    message = add_message(db, headers={"List-Unsubscribe": unsubscribe})

    result = outbox.deliver_due("test", 10)

    assert (result.sent, result.retrying, result.failed) == (1, 0, 0)
    [received] = smtp_server.messages
    assert received["To"] == "person1@example.org"
    assert received["Subject"] == "Message 1"
    assert received["List-Unsubscribe"] == unsubscribe
    assert "multipart/alternative" in [part.get_content_type() for part in received.walk()]
    assert smtp_server.text_of(received).strip() == "Plain text 1"
    assert smtp_server.html_of(received).strip() == "<p>HTML 1</p>"
    stored = reload(db, message.id)
    assert stored.status == "sent" and stored.sent_at is not None
    assert stored.claimed_by is None and stored.last_error is None


def test_enqueue_renders_the_template_and_is_delivered(app, db, smtp_server):
    with app.test_request_context():
        outbox.enqueue("reader@example.org", "ticket_message", "A new message",
                       ticket=SimpleNamespace(reference="ESC-TEST01"), body="On our way",
                       follow_up_url="https://portal.example.org/track/ESC-TEST01/tok")
        db.session.commit()
    outbox.deliver_due("test", 10)
    [received] = smtp_server.messages
    assert "ESC-TEST01" in smtp_server.text_of(received)
    assert smtp_server.html_of(received) is None


def test_text_attachments_such_as_an_invitation_arrive_with_the_mail(app, db, smtp_server):
    invitation = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    with app.test_request_context():
        outbox.enqueue("reader@example.org", "ticket_message", "Your seat",
                       extra=outbox.Extra(attachments=[
                           outbox.Attachment("seminar.ics", "text/calendar", invitation)]),
                       ticket=SimpleNamespace(reference="SEM-1"), body=None, follow_up_url=None)
        db.session.commit()
    outbox.deliver_due("test", 10)
    [received] = smtp_server.messages
    [part] = list(received.iter_attachments())
    assert part.get_filename() == "seminar.ics"
    assert part.get_content_type() == "text/calendar"
    assert "BEGIN:VCALENDAR" in part.get_content()


def test_header_values_cannot_inject_new_headers(app, db, smtp_server):
    add_message(db, headers={"List-Unsubscribe": "<x>\r\nBcc: victim@example.org"})
    outbox.deliver_due("test", 10)
    [received] = smtp_server.messages
    assert received["Bcc"] is None
    assert smtp_server.envelopes[0][1] == ["person1@example.org"]


def test_smtp_outage_keeps_mail_pending_with_error_and_backoff(app, db, smtp_server):
    message = add_message(db)
    smtp_server.stop()

    before = utcnow()
    result = outbox.deliver_due("test", 10)

    assert (result.sent, result.retrying) == (0, 1)
    stored = reload(db, message.id)
    assert stored.status == "pending"
    assert stored.attempts == 1
    assert "Connection" in stored.last_error or "refused" in stored.last_error.lower()
    assert stored.next_attempt_at >= before + timedelta(seconds=59)
    assert stored.claimed_by is None

    smtp_server.start()
    assert outbox.deliver_due("test", 10).sent == 0, "not due yet: the backoff holds"
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()
    assert outbox.deliver_due("test", 10).sent == 1
    assert len(smtp_server.messages) == 1
    assert reload(db, message.id).status == "sent"


def test_backoff_doubles_and_is_capped(app):
    with app.app_context():
        assert outbox.backoff(1) == timedelta(seconds=60)
        assert outbox.backoff(2) == timedelta(seconds=120)
        assert outbox.backoff(3) == timedelta(seconds=240)
        assert outbox.backoff(30) == timedelta(seconds=app.config["OUTBOX_BACKOFF_CAP_SECONDS"])


def test_gives_up_after_max_attempts(app, db, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    message = add_message(db)
    smtp_server.stop()
    for attempt in range(1, 4):
        db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
        db.session.commit()
        result = outbox.deliver_due("test", 10)
        assert reload(db, message.id).attempts == attempt
    assert result.failed == 1
    stored = reload(db, message.id)
    assert stored.status == "failed"
    smtp_server.start()
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()
    assert outbox.deliver_due("test", 10).claimed == 0
    assert smtp_server.messages == []


def test_error_text_never_holds_the_smtp_password(app, db, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "hunter2-secret")
    with app.app_context():
        text = outbox.describe_error(RuntimeError("login failed for hunter2-secret\r\nx"))
    assert "hunter2-secret" not in text
    assert "\n" not in text and "\r" not in text


def test_a_crash_between_claim_and_send_is_delivered_after_the_claim_expires(
    app, db, smtp_server
):
    message = add_message(db)
    claimed = outbox.claim_due("crashed-worker:1", 10)  # ... and the worker dies here
    assert [c.id for c in claimed] == [message.id]

    assert outbox.deliver_due("other", 10).claimed == 0, "the claim is still fresh"
    db.session.execute(
        update(OutboxMessage).values(claim_expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()

    assert outbox.deliver_due("other", 10).sent == 1
    assert len(smtp_server.messages) == 1
    assert reload(db, message.id).status == "sent"
    outbox.mark_sent(message.id, "crashed-worker:1")  # a late wake-up changes nothing
    assert reload(db, message.id).sent_at is not None


def test_several_workers_at_once_never_send_a_message_twice(app, db, smtp_server):
    total = 40
    for n in range(total):
        add_message(db, n)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            with app.app_context():
                while outbox.deliver_due(f"worker-{worker}", 3).claimed:
                    pass
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    run_threads(work, [(i,) for i in range(4)])

    assert errors == []
    subjects = sorted(str(m["Subject"]) for m in smtp_server.wait_for(total))
    assert subjects == sorted(f"Message {n}" for n in range(total))
    db.session.rollback()
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == ["sent"] * total


def test_console_mode_prints_the_mail_and_marks_it_sent(app, db, capsys, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_CONSOLE", True)
    message = add_message(db, text_body="Verify: https://portal.example.org/verify/abc")
    assert outbox.deliver_due("test", 10).sent == 1
    out = capsys.readouterr().out
    assert "person1@example.org" in out
    assert "https://portal.example.org/verify/abc" in out
    assert reload(db, message.id).status == "sent"


def test_status_counts(app, db, smtp_server):
    add_message(db, 1)
    add_message(db, 2, status="failed")
    assert outbox.status_counts() == {"pending": 1, "sent": 0, "failed": 1}
    outbox.deliver_due("test", 10)
    assert outbox.status_counts() == {"pending": 0, "sent": 1, "failed": 1}


def test_the_worker_job_keeps_going_while_batches_are_full(app, db, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_BATCH_SIZE", 4)
    for n in range(10):
        add_message(db, n)
    result = outbox.deliver_job()
    assert result.sent == 10
    assert len(smtp_server.wait_for(10)) == 10


def test_the_outbox_commands(app, db, smtp_server):
    add_message(db, 1)
    runner = app.test_cli_runner()
    status = runner.invoke(args=["outbox", "status"])
    assert "pending=1 sent=0 failed=0" in status.output
    assert "oldest pending since" in status.output
    deliver = runner.invoke(args=["outbox", "deliver"])
    assert deliver.exit_code == 0
    assert "sent 1, retrying later 0, failed 0" in deliver.output
    smtp_server.stop()
    add_message(db, 2)
    deliver = runner.invoke(args=["outbox", "deliver"])
    assert "sent 0, retrying later 1, failed 0" in deliver.output
    assert "error: " in deliver.output


def test_a_backlog_is_claimed_highest_priority_first_without_sorting_it(app, db):
    """An APB mailing of thousands queued, then an urgent alert: each batch is claimed by
    walking one index in the claim's order and stopping at the batch, not by sorting the
    whole backlog every few seconds (the plan has no sort on either database)."""
    now = utcnow()
    db.session.execute(OutboxMessage.__table__.insert(), [
        {"to_address": f"reader{n}@example.org", "subject": "APB", "text_body": "News",
         "headers": {}, "attachments": [], "priority": 0, "status": "pending",
         "attempts": 0, "next_attempt_at": now, "created_at": now} for n in range(5000)])
    db.session.commit()
    urgent = add_message(db, 9, priority=10)
    dialect = db.engine.dialect.name
    db.session.execute(text("ANALYZE outbox_message" if dialect == "postgresql" else "ANALYZE"))
    compiled = outbox.due_first(utcnow(), 50).compile(dialect=db.engine.dialect)
    explain = "EXPLAIN" if dialect == "postgresql" else "EXPLAIN QUERY PLAN"
    plan = " ".join(str(row) for row in db.session.connection().exec_driver_sql(
        f"{explain} {compiled}", compiled.params if dialect == "postgresql"
        else tuple(compiled.params[name] for name in compiled.positiontup)))
    assert "ix_outbox_due" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan
    claimed = outbox.claim_due("worker-1", 50)
    assert claimed[0].id == urgent.id and len(claimed) == 50
