"""The APB (All Points Bulletin) newsletter: issues, subscribers and per-issue deliveries."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.outbox import OutboxMessage

DRAFT, SCHEDULED, PUBLISHED = "draft", "scheduled", "published"
PENDING, CONFIRMED, UNSUBSCRIBED = "pending", "confirmed", "unsubscribed"


class NewsletterIssue(db.Model):
    __tablename__ = "newsletter_issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(String(400))
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    publish_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    edited_at: Mapped[datetime | None]
    fanout_done_at: Mapped[datetime | None]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    author: Mapped[User | None] = relationship()

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED


class Subscriber(db.Model):
    __tablename__ = "subscriber"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    status: Mapped[str] = mapped_column(String(14), default=PENDING, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The language of the page they subscribed or confirmed on: the issue mail's own words.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]


class IssueDelivery(db.Model):
    """One row per (issue, subscriber): the unique key makes each send happen once."""

    __tablename__ = "issue_delivery"
    __table_args__ = (UniqueConstraint("issue_id", "subscriber_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("newsletter_issue.id", ondelete="CASCADE"))
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id", ondelete="CASCADE"))
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    outbox_message: Mapped[OutboxMessage | None] = relationship()
