"""The outbox: the only way the portal sends mail.

`enqueue` adds a message to the caller's transaction, so a change and its mail are
committed together or not at all. `deliver_due` (run by `flask outbox deliver` and the
worker) sends what is due, retries with backoff and records errors.

Delivery is safe with several workers at once: a worker first *claims* a batch with one
conditional UPDATE (only rows that are unclaimed or whose claim has expired; on PostgreSQL
the candidate rows are picked with FOR UPDATE SKIP LOCKED), commits the claim, and only then
talks to the SMTP server, outside any transaction. A worker that crashes between claim and
send leaves a claim that expires after OUTBOX_CLAIM_SECONDS, and another worker delivers.
"""
from __future__ import annotations

import logging
import os
import re
import smtplib
import socket
import uuid
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from flask import current_app
from flask_mail import Connection, Message
from sqlalchemy import func, or_, select, update

from app.core.database import use_case
from app.extensions import db, mail
from app.models.base import utcnow
from app.models.outbox import OutboxMessage
from app.ops.jobs import periodic
from app.services.mail_render import Rendered, render

log = logging.getLogger(__name__)

# Errors that mean the connection is gone: the rest of the batch is retried later.
CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError,
                     TimeoutError, socket.gaierror)
LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")
# One bare address: no line breaks, spaces, commas, semicolons or angle brackets, which
# would add recipients or headers.
ONE_ADDRESS = re.compile(r"^[^\s,;<>()\"]+@[^\s,;<>()\"@]+$")


class OutboxError(ValueError):
    """A message that must not be queued (a recipient that is not one plain address)."""


def one_address(to: str) -> str:
    """`to` if it is exactly one plain address, else OutboxError (never a header injection)."""
    if not isinstance(to, str) or not ONE_ADDRESS.match(to):
        raise OutboxError("A message goes to exactly one plain email address.")
    return to


def enqueue(
    to: str,
    template: str,
    subject: str,
    dedupe_key: str | None = None,
    extra: Extra | None = None,
    **context,
) -> OutboxMessage | None:
    """Render `email/<template>.txt` (and `.html` when present) into a pending message.

    With a `dedupe_key` the same message is queued at most once: a second call with the
    same key returns None and queues nothing. `extra` carries headers (List-Unsubscribe),
    attachments (small text files: an iCalendar invitation) and the message's priority.
    """
    if _queued(dedupe_key):
        return None
    to, subject = one_address(to), _one_line(subject)
    return _add(to, Rendered(subject, *render(template, subject, **context)), dedupe_key,
                extra or Extra())


def _queued(dedupe_key: str | None) -> bool:
    return bool(dedupe_key) and db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None


def enqueue_rendered(to: str, rendered: Rendered, dedupe_key: str | None = None,
                     extra: Extra | None = None) -> OutboxMessage | None:
    """`enqueue` for a message already rendered."""
    if _queued(dedupe_key):
        return None
    return _add(one_address(to), rendered, dedupe_key, extra or Extra())


def _add(to: str, rendered: Rendered, dedupe_key: str | None, extra: Extra) -> OutboxMessage:
    message = OutboxMessage(
        to_address=to, subject=_one_line(rendered.subject), text_body=rendered.text,
        html_body=rendered.html, headers=dict(extra.headers), dedupe_key=dedupe_key,
        attachments=[a.as_dict() for a in extra.attachments], priority=extra.priority)
    db.session.add(message)
    return message


@dataclass(frozen=True)
class Claimed:
    """A claimed message, copied out of the session so sending needs no transaction."""
    id: int
    to: str
    subject: str
    text: str
    html: str | None
    headers: dict
    attempts: int
    attachments: list = field(default_factory=list)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: str

    def as_dict(self) -> dict:
        return asdict(self)


NORMAL, URGENT = 0, 10  # OutboxMessage.priority: higher is claimed first


@dataclass(frozen=True)
class Extra:
    """Besides the body: headers, text attachments, priority (URGENT before any NORMAL)."""
    headers: dict = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)
    priority: int = NORMAL


@dataclass
class Delivery:
    """What one pass of `deliver_due` did."""
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.failed


def default_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def deliver_due(worker_id: str | None = None, batch_size: int | None = None) -> Delivery:
    """Claim up to `batch_size` due messages and send them over one SMTP connection.

    Each message is then marked sent, or gets its error, one more attempt and a later
    `next_attempt_at` (exponential backoff, capped), or "failed" after OUTBOX_MAX_ATTEMPTS.
    """
    config = current_app.config
    token = f"{(worker_id or default_worker_id())[:50]}:{uuid.uuid4().hex[:12]}"
    batch = claim_due(token, batch_size or config["OUTBOX_BATCH_SIZE"])
    result = Delivery()
    if batch:
        _send_batch(batch, token, result)
    return result


def _claimable(now) -> tuple:
    return (OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_by.is_(None), OutboxMessage.claim_expires_at < now))


def due_first(now, batch_size: int):
    """The ids of the next `batch_size` claimable messages, highest priority first, locked
    (others' skipped). Its order is the partial index ix_outbox_due's, so a batch is read
    off the index's front however large the backlog (a mailing of thousands)."""
    return (select(OutboxMessage.id).where(*_claimable(now)).order_by(
        OutboxMessage.priority.desc(), OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(batch_size).with_for_update(skip_locked=True))


@use_case
def claim_due(token: str, batch_size: int) -> list[Claimed]:
    """Mark up to `batch_size` due, unclaimed messages as ours (`claimed_by=token`)."""
    now = utcnow()
    candidates = due_first(now, batch_size).scalar_subquery()
    lease = timedelta(seconds=current_app.config["OUTBOX_CLAIM_SECONDS"])
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates), *_claimable(now))
        .values(claimed_by=token, claim_expires_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.claimed_by == token)
        .order_by(OutboxMessage.priority.desc(), OutboxMessage.id)
    )
    return [
        Claimed(m.id, m.to_address, m.subject, m.text_body, m.html_body, dict(m.headers or {}),
                m.attempts, list(m.attachments or []))
        for m in rows
    ]


def _send_batch(batch: list[Claimed], token: str, result: Delivery) -> None:
    if current_app.config["MAIL_CONSOLE"]:
        for message in batch:
            _print_to_console(message)
            mark_sent(message.id, token)
            result.sent += 1
        return
    try:
        with _connect() as connection:
            for message in batch:
                _send_one(connection, message, token, result)
    except Exception as error:
        # The server could not be reached (or dropped us): every message not yet settled
        # keeps its place and is retried later.
        for message in batch:
            if _still_claimed(message.id, token):
                _record_failure(message, token, error, result)


def _send_one(connection: Connection, message: Claimed, token: str, result: Delivery) -> None:
    try:
        connection.send(build_message(message))
    except CONNECTION_ERRORS:
        raise
    except Exception as error:  # recipient refused, bad header: this message only
        _record_failure(message, token, error, result)
        return
    mark_sent(message.id, token)
    result.sent += 1


class _TimedConnection(Connection):
    """Flask-Mail's connection, with the configured socket timeout (it sets none)."""

    def configure_host(self):
        timeout = current_app.config["MAIL_TIMEOUT"]
        state = self.mail
        cls = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = cls(state.server, state.port, timeout=timeout)
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


def _connect() -> Connection:
    """A connection built from the current config (so a test can point it elsewhere)."""
    state = mail.init_mail(current_app.config, testing=False)
    state.suppress = bool(current_app.config.get("MAIL_SUPPRESS_SEND", False))
    return _TimedConnection(state)


def build_message(message: Claimed) -> Message:
    """Plain text with an HTML alternative, plus the message's extra headers."""
    headers = {
        _one_line(name): _one_line(value) for name, value in (message.headers or {}).items()
    }
    mail = Message(
        subject=_one_line(message.subject),
        recipients=[one_address(message.to)],
        body=message.text,
        html=message.html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=headers or None,
    )
    for item in message.attachments:
        mail.attach(_one_line(item["filename"]), item["content_type"], item["content"])
    return mail


def _one_line(value: object) -> str:
    """`value` as one header line: each run of line breaks (and the spaces around) is a space."""
    return LINE_BREAKS.sub(" ", str(value)).strip()


def _print_to_console(message: Claimed) -> None:
    """Development: show the mail (with its links) in the terminal instead of sending it."""
    attached = "".join(
        f"Attachment: {item.get('filename')} ({item.get('content_type')}, "
        f"{len(str(item.get('content', '')).encode())} bytes)\n"
        for item in message.attachments or ()
    )
    print(
        f"\n----- mail to {message.to} -----\nSubject: {message.subject}\n\n"
        f"{message.text}\n{attached}----- end of mail -----\n",
        flush=True,
    )


def _still_claimed(message_id: int, token: str) -> bool:
    db.session.rollback()
    return bool(
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.id == message_id,
                OutboxMessage.claimed_by == token,
                OutboxMessage.status == "pending",
            )
        )
    )


@use_case
def mark_sent(message_id: int, token: str) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == token)
        .values(status="sent", sent_at=utcnow(), claimed_by=None, claim_expires_at=None,
                last_error=None)
        .execution_options(synchronize_session=False)
    )


def _record_failure(message: Claimed, token: str, error: BaseException, result: Delivery) -> None:
    text = describe_error(error)
    gave_up = mark_failed(message.id, token, message.attempts + 1, text)
    if gave_up:
        result.failed += 1
    else:
        result.retrying += 1
    result.errors.append(text)
    log.warning("outbox message %s not delivered (attempt %s): %s",
                message.id, message.attempts + 1, text)


def backoff(attempts: int) -> timedelta:
    """Delay before the next try: base * 2^(attempts-1), capped."""
    config = current_app.config
    base = config["OUTBOX_BACKOFF_SECONDS"]
    return timedelta(seconds=min(config["OUTBOX_BACKOFF_CAP_SECONDS"], base * 2 ** (attempts - 1)))


@use_case
def mark_failed(message_id: int, token: str, attempts: int, error: str) -> bool:
    """Record a failed try; returns True when the message has now given up ("failed")."""
    gave_up = attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == token)
        .values(
            attempts=attempts,
            last_error=error,
            status="failed" if gave_up else "pending",
            next_attempt_at=utcnow() + backoff(attempts),
            claimed_by=None,
            claim_expires_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return gave_up


def describe_error(error: BaseException) -> str:
    """The error's type and message, with the SMTP password (if any) blanked out."""
    text = f"{type(error).__name__}: {error}"
    secret = current_app.config.get("MAIL_PASSWORD")
    if secret:
        text = text.replace(secret, "***")
    return _one_line(text)[:500]


def status_counts() -> dict[str, int]:
    """How many messages are pending, sent and failed (for `flask outbox status`)."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
    )
    counts = {"pending": 0, "sent": 0, "failed": 0}
    counts.update({status: count for status, count in rows})
    return counts


def oldest_pending():
    """The creation time of the oldest pending message, or None."""
    return db.session.scalar(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == "pending")
    )


MAX_BATCHES_PER_RUN = 10


@periodic("outbox.deliver", every_seconds=10)
def deliver_job() -> Delivery:
    """The worker's outbox pass: batch after batch while batches come back full (a big APB
    mailing), at most MAX_BATCHES_PER_RUN, so the other jobs get their turn."""
    size = current_app.config["OUTBOX_BATCH_SIZE"]
    total = Delivery()
    for _ in range(MAX_BATCHES_PER_RUN):
        result = deliver_due(default_worker_id(), size)
        total.sent += result.sent
        total.retrying += result.retrying
        total.failed += result.failed
        total.errors += result.errors
        if result.claimed < size or result.retrying or result.failed:
            break
    return total
