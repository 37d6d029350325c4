"""The APB newsletter: writing, publishing, subscribing and sending each issue once.

Sending is exactly-once per subscriber: publishing only marks the issue published; the
`apb.fanout` job then creates, in batches, one IssueDelivery row (unique per issue and
subscriber) and one outbox message (dedupe key) per confirmed subscriber in the same
transaction. Publishing twice, two workers, or a run that crashed halfway can therefore
neither send twice nor skip anyone: the next run carries on from the rows that exist.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

import markdown
import nh3
from flask import current_app
from sqlalchemy import select

from app.core import tokens
from app.core.database import use_case
from app.core.i18n import known_language
from app.core.i18n import lazy_gettext as _l
from app.core.search import icontains
from app.core.urls import external_url
from app.extensions import db
from app.models.accounts import User
from app.models.apb import (
    CONFIRMED,
    DRAFT,
    PENDING,
    PUBLISHED,
    SCHEDULED,
    UNSUBSCRIBED,
    NewsletterIssue,
    Subscriber,
)
from app.models.base import utcnow
from app.ops.jobs import periodic
from app.services import audit
from app.services.apb_sending import (  # noqa: F401  (importable from here, as before)
    DeliveryCounts,
    delivery_counts,
    fanout,
    fanout_batch,
    mail_bodies,
    unsubscribe_url,
)
from app.services.mail_quota import enqueue_typed

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
    "dl",
    "dt",
    "dd",
    "sup",
    "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
UNSUBSCRIBE_MAX_AGE = 10 * 365 * 24 * 3600


class ApbError(Exception):
    """A request that cannot be done; the message is shown on the form."""


def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe in readers' pages and emails (sanitised by nh3)."""
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def _slug_base(title: str, when: datetime) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80].strip("-")
    return f"{when:%Y-%m}-{words or 'issue'}"


def _unique_slug(title: str, when: datetime) -> str:
    base = _slug_base(title, when)
    slug, n = base, 2
    while db.session.scalar(select(NewsletterIssue.id).where(NewsletterIssue.slug == slug)):
        slug, n = f"{base}-{n}", n + 1
    return slug


def normalise_email(email: str) -> str:
    return email.strip().lower()


# Writing and publishing -----------------------------------------------------------------


@use_case
def save_issue(
    editor: User,
    issue_id: int | None,
    title: str,
    summary: str,
    body: str,
    version: int | None = None,
) -> NewsletterIssue:
    """Create a draft or save changes; a published issue shows its "updated" time."""
    if issue_id is None:
        issue = NewsletterIssue(author=editor, slug=_unique_slug(title, utcnow()))
        db.session.add(issue)
    else:
        issue = _issue_for_update(issue_id)
        if version is not None and issue.version != version:
            raise ApbError(
                "Someone else saved this issue while you were editing it. "
                "Reload it to see their changes, then edit again."
            )
        issue.version += 1
        if issue.is_published:
            issue.edited_at = utcnow()
    issue.title, issue.summary, issue.body_markdown = title.strip(), summary.strip(), body
    issue.body_html = render_markdown(body)
    db.session.flush()
    audit.record("apb.saved", editor, "newsletter_issue", issue.id)
    return issue


def _issue_for_update(issue_id: int) -> NewsletterIssue:
    issue = db.session.scalar(
        select(NewsletterIssue).where(NewsletterIssue.id == issue_id).with_for_update()
    )
    if issue is None:
        raise ApbError("That issue does not exist.")
    return issue


@use_case
def publish_now(editor: User, issue_id: int) -> NewsletterIssue:
    """Publish an issue; publishing one already published changes and sends nothing."""
    issue = _issue_for_update(issue_id)
    if not issue.is_published:
        _publish(issue)
        audit.record("apb.published", editor, "newsletter_issue", issue.id)
    return issue


def _publish(issue: NewsletterIssue) -> None:
    issue.status, issue.published_at, issue.publish_at = PUBLISHED, utcnow(), None


@use_case
def schedule(editor: User, issue_id: int, publish_at: datetime) -> NewsletterIssue:
    issue = _issue_for_update(issue_id)
    if issue.is_published:
        raise ApbError("This issue is already published.")
    if publish_at <= utcnow():
        raise ApbError("Choose a publication time in the future, or publish now.")
    issue.status, issue.publish_at = SCHEDULED, publish_at
    audit.record(
        "apb.scheduled", editor, "newsletter_issue", issue.id, detail=f"at={publish_at.isoformat()}"
    )
    return issue


@use_case
def unschedule(editor: User, issue_id: int) -> NewsletterIssue:
    issue = _issue_for_update(issue_id)
    if issue.status == SCHEDULED:
        issue.status, issue.publish_at = DRAFT, None
        audit.record("apb.unscheduled", editor, "newsletter_issue", issue.id)
    return issue


@periodic("apb.publish_due", every_seconds=60)
@use_case
def publish_due() -> int:
    """Publish scheduled issues whose time has come (idempotent)."""
    due = db.session.scalars(
        select(NewsletterIssue)
        .where(NewsletterIssue.status == SCHEDULED, NewsletterIssue.publish_at <= utcnow())
        .with_for_update()
    ).all()
    for issue in due:
        _publish(issue)
        audit.record("apb.published", None, "newsletter_issue", issue.id, detail="scheduled")
    return len(due)


# Subscribing ---------------------------------------------------------------------------


@use_case
def subscribe(email: str, user: User | None = None, language: str = "en") -> None:
    """Start a double opt-in. The caller says the same thing whatever the address's state.
    `language` (the page's) becomes the language of the confirmation and of every issue."""
    email = normalise_email(email)
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.email == email))
    if subscriber is None:
        subscriber = Subscriber(email=email, status=PENDING)
        db.session.add(subscriber)
        db.session.flush()
    elif subscriber.status == CONFIRMED:
        return
    subscriber.status = PENDING
    subscriber.language = known_language(language) or "en"
    if user is not None and getattr(user, "is_authenticated", False):
        subscriber.user_id = user.id
    token = tokens.sign("apb-confirm", {"s": subscriber.id, "e": email})
    # Past the address's quota the mail is skipped: the page says the same either way.
    enqueue_typed(email, "apb_confirm", _l("Confirm your APB subscription"),
                  confirm_url=external_url("apb.confirm", token=token))
    audit.record("apb.subscribe_requested", user, "subscriber", subscriber.id)


def _subscriber_from(purpose: str, token: str, max_age: int) -> Subscriber:
    payload = tokens.unsign(purpose, token, max_age)
    subscriber_id = payload.get("s") if isinstance(payload, dict) else payload
    subscriber = (
        db.session.get(Subscriber, subscriber_id) if isinstance(subscriber_id, int) else None
    )
    if subscriber is None or (isinstance(payload, dict) and payload.get("e") != subscriber.email):
        raise tokens.InvalidToken()
    return subscriber


@use_case
def confirm(token: str, language: str | None = None) -> Subscriber:
    """Confirm a subscription from the emailed link (InvalidToken when forged or expired);
    a language the person chose on the confirm page replaces the one they subscribed in."""
    subscriber = subscriber_for_confirm(token)
    subscriber.language = known_language(language) or subscriber.language
    if subscriber.status != CONFIRMED:
        subscriber.status, subscriber.confirmed_at = CONFIRMED, utcnow()
        subscriber.unsubscribed_at = None
        audit.record("apb.confirmed", None, "subscriber", subscriber.id)
    return subscriber


def subscriber_for_confirm(token: str) -> Subscriber:
    """Whose confirmation link this is (InvalidToken when forged or expired)."""
    return _subscriber_from("apb-confirm", token, current_app.config["EMAIL_TOKEN_MAX_AGE"])


def subscriber_for_unsubscribe(token: str) -> Subscriber:
    return _subscriber_from("apb-unsubscribe", token, UNSUBSCRIBE_MAX_AGE)


@use_case
def unsubscribe(token: str) -> Subscriber:
    """One-click unsubscribe (RFC 8058); no sign-in needed, safe to repeat."""
    subscriber = subscriber_for_unsubscribe(token)
    if subscriber.status != UNSUBSCRIBED:
        subscriber.status, subscriber.unsubscribed_at = UNSUBSCRIBED, utcnow()
        audit.record("apb.unsubscribed", None, "subscriber", subscriber.id)
    return subscriber


@use_case
def resubscribe(token: str) -> Subscriber:
    """Undo an unsubscribe from the same link: the address was confirmed before."""
    subscriber = subscriber_for_unsubscribe(token)
    if subscriber.status == UNSUBSCRIBED and subscriber.confirmed_at is not None:
        subscriber.status, subscriber.unsubscribed_at = CONFIRMED, None
        audit.record("apb.resubscribed", None, "subscriber", subscriber.id)
    return subscriber


def subscription_of(user: User) -> Subscriber | None:
    return db.session.scalar(
        select(Subscriber).where(Subscriber.email == normalise_email(user.email))
    )


# Reading -------------------------------------------------------------------------------


def published_issues(query: str = "", page: int = 1, per_page: int = 10):
    """Published issues newest first, optionally searched, as a Flask-SQLAlchemy page."""
    stmt = select(NewsletterIssue).where(NewsletterIssue.status == PUBLISHED)
    words = [w for w in query.split() if w][:8]
    for word in words:
        word = word[:60]
        stmt = stmt.where(
            icontains(NewsletterIssue.title, word)
            | icontains(NewsletterIssue.summary, word)
            | icontains(NewsletterIssue.body_markdown, word)
        )
    stmt = stmt.order_by(NewsletterIssue.published_at.desc(), NewsletterIssue.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def published_issue(slug: str) -> NewsletterIssue | None:
    return db.session.scalar(
        select(NewsletterIssue).where(
            NewsletterIssue.slug == slug, NewsletterIssue.status == PUBLISHED
        )
    )


def latest_issues(limit: int = 20) -> list[NewsletterIssue]:
    return list(
        db.session.scalars(
            select(NewsletterIssue)
            .where(NewsletterIssue.status == PUBLISHED)
            .order_by(NewsletterIssue.published_at.desc())
            .limit(limit)
        )
    )


def all_issues() -> list[NewsletterIssue]:
    return list(
        db.session.scalars(select(NewsletterIssue).order_by(NewsletterIssue.created_at.desc()))
    )
