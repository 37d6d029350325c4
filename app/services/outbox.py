"""The outbox: the only way the portal sends mail.

`enqueue` adds a message to the caller's transaction, so a change and its mail are
committed together or not at all. `deliver_due` (run by `flask outbox deliver` and the
worker) sends what is due, retries with backoff and records errors.
"""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from app.extensions import db
from app.models.outbox import OutboxMessage


def enqueue(
    to: str,
    template: str,
    subject: str,
    dedupe_key: str | None = None,
    headers: dict | None = None,
    **context,
) -> OutboxMessage | None:
    """Render `email/<template>.txt` (and `.html` when present) into a pending message.

    With a `dedupe_key` the same message is queued at most once: a second call with the
    same key returns None and queues nothing.
    """
    if dedupe_key and db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ):
        return None
    context.setdefault("subject", subject)
    text = render_template(f"email/{template}.txt", **context)
    html = _render_optional(f"email/{template}.html", context)
    message = OutboxMessage(
        to_address=to,
        subject=subject,
        text_body=text,
        html_body=html,
        headers=headers or {},
        dedupe_key=dedupe_key,
    )
    db.session.add(message)
    return message


def _render_optional(name: str, context: dict) -> str | None:
    from jinja2 import TemplateNotFound

    try:
        return render_template(name, **context)
    except TemplateNotFound:
        return None
