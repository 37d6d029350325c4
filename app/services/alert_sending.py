"""Alert subscribers (double opt-in, one-click unsubscribe) and mailing each alert once.

Separate from the APB: an address subscribes to campus alerts on its own. Exactly once per
subscriber, as for the APB: the `alerts.fanout` job creates, batch by batch, one
AlertDelivery row (unique per alert and subscriber) and one outbox message (dedupe key) per
confirmed subscriber in one transaction, for every alert and every update once it is out.
The messages are URGENT in the outbox, so they are sent ahead of a queued APB mailing.
"""
from __future__ import annotations

from functools import partial

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.core import actor as actors
from app.core import tokens
from app.core.database import use_case
from app.core.i18n import DEFAULT_LANGUAGE, in_language, known_language
from app.core.i18n import lazy_gettext as _l
from app.core.urls import external_url
from app.extensions import db
from app.models.accounts import User
from app.models.alerts import (
    CONFIRMED,
    PENDING,
    SEVERITY_NAMES,
    UNSUBSCRIBED,
    AlertDelivery,
    AlertSubscriber,
    CampusAlert,
)
from app.models.base import utcnow
from app.ops.jobs import periodic
from app.services import audit, outbox
from app.services.apb_sending import fan_out
from app.services.mail_quota import enqueue_typed

UNSUBSCRIBE_MAX_AGE = 10 * 365 * 24 * 3600


@use_case
def subscribe(email: str, user: User | None = None) -> None:
    """Start a double opt-in. The caller says the same thing whatever the address's state."""
    email = email.strip().lower()
    subscriber = db.session.scalar(select(AlertSubscriber).where(AlertSubscriber.email == email))
    if subscriber is None:
        subscriber = AlertSubscriber(email=email, status=PENDING)
        db.session.add(subscriber)
        db.session.flush()
    if subscriber.status == CONFIRMED:
        return  # not even the language changes: anyone may type a confirmed address
    subscriber.status = PENDING
    subscriber.language = actors.bound().language  # their mails' language, once confirmed
    token = tokens.sign("alerts-confirm", {"s": subscriber.id, "e": email})
    with in_language(subscriber.language):
        enqueue_typed(email, "alerts_confirm", _l("Confirm: campus alerts by email"),
                      confirm_url=external_url("alerts.confirm_subscription", token=token))
    audit.record("alerts.subscribe_requested", user, "alert_subscriber", subscriber.id)


def _subscriber_from(purpose: str, token: str, max_age: int) -> AlertSubscriber:
    payload = tokens.unsign(purpose, token, max_age)
    subscriber_id = payload.get("s") if isinstance(payload, dict) else None
    subscriber = (db.session.get(AlertSubscriber, subscriber_id)
                  if isinstance(subscriber_id, int) else None)
    if subscriber is None or payload.get("e") != subscriber.email:
        raise tokens.InvalidToken()
    return subscriber


def subscriber_for_confirm(token: str) -> AlertSubscriber:
    """Whose confirmation link this is (InvalidToken when forged or expired)."""
    return _subscriber_from("alerts-confirm", token, current_app.config["EMAIL_TOKEN_MAX_AGE"])


@use_case
def confirm_subscription(token: str) -> AlertSubscriber:
    """Confirm from the emailed link (InvalidToken when forged or expired)."""
    subscriber = subscriber_for_confirm(token)
    if subscriber.status != CONFIRMED:
        subscriber.status, subscriber.confirmed_at = CONFIRMED, utcnow()
        subscriber.unsubscribed_at = None
        audit.record("alerts.subscribed", None, "alert_subscriber", subscriber.id)
    return subscriber


def subscriber_for_unsubscribe(token: str) -> AlertSubscriber:
    return _subscriber_from("alerts-unsubscribe", token, UNSUBSCRIBE_MAX_AGE)


@use_case
def unsubscribe(token: str) -> AlertSubscriber:
    """One-click unsubscribe (RFC 8058): no sign-in, safe to repeat."""
    subscriber = subscriber_for_unsubscribe(token)
    if subscriber.status != UNSUBSCRIBED:
        subscriber.status, subscriber.unsubscribed_at = UNSUBSCRIBED, utcnow()
        audit.record("alerts.unsubscribed", None, "alert_subscriber", subscriber.id)
    return subscriber


def unsubscribe_url(subscriber: AlertSubscriber) -> str:
    token = tokens.sign("alerts-unsubscribe", {"s": subscriber.id, "e": subscriber.email})
    return external_url("alerts.unsubscribe", token=token)


# Mailing each alert once -------------------------------------------------------------------


@periodic("alerts.fanout", every_seconds=10)
def fanout() -> int:
    """Queue every alert and update that is out for every confirmed subscriber."""
    queued = 0
    pending = db.session.scalars(
        select(CampusAlert.id).where(CampusAlert.confirmed_at.is_not(None),
                                     CampusAlert.fanout_done_at.is_(None))
        .order_by(CampusAlert.id)).all()
    for alert_id in pending:
        renders: dict[str, outbox.Rendered] = {}  # one render per language, every batch
        queued += fan_out(partial(fanout_batch, renders=renders), alert_id,
                          current_app.config["OUTBOX_BATCH_SIZE"])
    return queued


@use_case
def fanout_batch(alert_id: int, batch_size: int,
                 renders: dict[str, outbox.Rendered] | None = None) -> int:
    """Queue one batch; 0 means the alert has reached every confirmed subscriber.
    `renders` keeps the alert's mail per language across batches."""
    renders = {} if renders is None else renders
    alert = db.session.get(CampusAlert, alert_id)
    already = select(AlertDelivery.id).where(
        AlertDelivery.alert_id == alert_id, AlertDelivery.subscriber_id == AlertSubscriber.id)
    batch = db.session.scalars(
        select(AlertSubscriber)
        .where(AlertSubscriber.status == CONFIRMED, ~already.exists())
        .order_by(AlertSubscriber.id).limit(batch_size)).all()
    if not batch:
        alert.fanout_done_at = utcnow()
        return 0
    for subscriber in batch:
        language = known_language(subscriber.language) or DEFAULT_LANGUAGE
        if language not in renders:
            renders[language] = _render_alert(alert, language)
        message = _enqueue_alert(alert, subscriber, renders[language])
        db.session.add(AlertDelivery(alert_id=alert.id, subscriber_id=subscriber.id,
                                     outbox_message=message))
    return len(batch)


def subject(alert: CampusAlert) -> str:
    """The subject in the current language; the headline is dispatch's own words."""
    if alert.all_clear:
        return _("All clear: %(headline)s", headline=alert.headline)
    severity = _(SEVERITY_NAMES.get(alert.severity, alert.severity))
    if alert.supersedes_id:
        return _("[%(severity)s] Campus alert update: %(headline)s", severity=severity,
                 headline=alert.headline)
    return _("[%(severity)s] Campus alert: %(headline)s", severity=severity,
             headline=alert.headline)


# Stands in the rendered mail for each subscriber's own unsubscribe link.
UNSUBSCRIBE_SLOT = "UNSUBSCRIBE-LINK-SLOT"


def _render_alert(alert: CampusAlert, language: str) -> outbox.Rendered:
    """The alert's mail in `language`, with a slot for the unsubscribe link."""
    with in_language(language):
        title = subject(alert)
        return outbox.Rendered(title, *outbox.render(
            "campus_alert", title, alert=alert,
            alert_url=external_url("alerts.alert", alert_id=alert.id),
            unsubscribe_url=UNSUBSCRIBE_SLOT))


def _enqueue_alert(alert: CampusAlert, subscriber: AlertSubscriber,
                   rendered: outbox.Rendered):
    link = unsubscribe_url(subscriber)
    return outbox.enqueue_rendered(
        subscriber.email, rendered.with_text(UNSUBSCRIBE_SLOT, link),
        dedupe_key=f"alert:{alert.id}:{subscriber.id}",
        extra=outbox.Extra(priority=outbox.URGENT, headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }))
