"""Sending each published APB issue once: the `apb.fanout` job, the mail, delivery counts.

Exactly-once per subscriber: the job creates, in batches, one IssueDelivery row (unique per
issue and subscriber) and one outbox message (dedupe key) per confirmed subscriber in the
same transaction, so two workers or a crashed run neither send twice nor skip anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core import tokens
from app.core.database import use_case
from app.core.i18n import in_language
from app.core.urls import external_url
from app.extensions import db
from app.models.apb import CONFIRMED, PUBLISHED, IssueDelivery, NewsletterIssue, Subscriber
from app.models.base import utcnow
from app.models.outbox import OutboxMessage
from app.ops.jobs import periodic
from app.services import mail_text, outbox


@periodic("apb.fanout", every_seconds=30)
def fanout() -> int:
    """Queue each published issue for every confirmed subscriber, batch by batch."""
    queued = 0
    pending = db.session.scalars(
        select(NewsletterIssue.id).where(
            NewsletterIssue.status == PUBLISHED, NewsletterIssue.fanout_done_at.is_(None)
        )
    ).all()
    for issue_id in pending:
        queued += fan_out(fanout_batch, issue_id, current_app.config["OUTBOX_BATCH_SIZE"])
    return queued


def fan_out(batch, item_id: int, batch_size: int, max_collisions: int = 5) -> int:
    """Run `batch(item_id, batch_size)` (one transaction, how many it queued) until it queues
    nothing; a unique-row collision means another worker queued the same rows first, so look
    again. The APB and campus alerts both fan out this way."""
    queued, collisions = 0, 0
    while collisions < max_collisions:
        try:
            count = batch(item_id, batch_size)
        except IntegrityError:
            collisions += 1  # another worker queued the same rows first; look again
            continue
        if count == 0:
            break
        queued += count
    return queued


@use_case
def fanout_batch(issue_id: int, batch_size: int) -> int:
    """Queue one batch; 0 means the issue has reached every confirmed subscriber."""
    issue = db.session.get(NewsletterIssue, issue_id)
    already = select(IssueDelivery.id).where(
        IssueDelivery.issue_id == issue_id, IssueDelivery.subscriber_id == Subscriber.id
    )
    batch = db.session.scalars(
        select(Subscriber)
        .where(Subscriber.status == CONFIRMED, ~already.exists())
        .order_by(Subscriber.id)
        .limit(batch_size)
    ).all()
    if not batch:
        issue.fanout_done_at = utcnow()
        return 0
    bodies = mail_bodies(issue)  # the editor's content: the same in every language
    for language, readers in groupby(sorted(batch, key=_language), key=_language):
        with in_language(language):
            for subscriber in readers:
                message = _enqueue_issue(issue, subscriber, bodies)
                db.session.add(IssueDelivery(issue_id=issue.id, subscriber_id=subscriber.id,
                                             outbox_message=message))
    return len(batch)


def _language(subscriber: Subscriber) -> str:
    return subscriber.language


def unsubscribe_url(subscriber: Subscriber) -> str:
    token = tokens.sign("apb-unsubscribe", subscriber.id)
    return external_url("apb.unsubscribe", token=token)


def mail_bodies(issue: NewsletterIssue) -> dict[str, str]:
    """The issue's body for mail: both parts from the sanitised HTML (never the Markdown),
    links made absolute at SITE_URL. Keys `body_html` and `body_text` (template context)."""
    body_html = mail_text.absolute_links(issue.body_html, current_app.config["SITE_URL"])
    return {"body_html": body_html, "body_text": mail_text.html_to_text(body_html)}


def _enqueue_issue(issue: NewsletterIssue, subscriber: Subscriber,
                   bodies: dict[str, str] | None = None) -> OutboxMessage | None:
    """The issue's mail to one subscriber, in the language the caller set (in_language)."""
    link = unsubscribe_url(subscriber)
    return outbox.enqueue(
        subscriber.email,
        "apb_issue",
        f"APB: {issue.title}",
        dedupe_key=f"apb:{issue.id}:{subscriber.id}",
        extra=outbox.Extra(headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }),
        issue=issue,
        **(bodies or mail_bodies(issue)),
        issue_url=external_url("apb.issue", slug=issue.slug),
        unsubscribe_url=link,
    )


@dataclass(frozen=True)
class DeliveryCounts:
    sent: int
    pending: int
    failed: int
    not_yet_queued: int


def delivery_counts(issue: NewsletterIssue) -> DeliveryCounts:
    rows = db.session.execute(
        select(OutboxMessage.status, func.count())
        .join(IssueDelivery, IssueDelivery.outbox_message_id == OutboxMessage.id)
        .where(IssueDelivery.issue_id == issue.id)
        .group_by(OutboxMessage.status)
    ).all()
    by_status = dict(rows)
    remaining = 0
    if issue.is_published and issue.fanout_done_at is None:
        delivered = select(IssueDelivery.id).where(
            IssueDelivery.issue_id == issue.id, IssueDelivery.subscriber_id == Subscriber.id
        )
        remaining = db.session.scalar(
            select(func.count(Subscriber.id)).where(
                Subscriber.status == CONFIRMED, ~delivered.exists()
            )
        )
    return DeliveryCounts(
        by_status.get("sent", 0),
        by_status.get("pending", 0),
        by_status.get("failed", 0),
        remaining or 0,
    )
