"""Seminar reminders: SEMINAR_REMINDER_HOURS before a session, once per registration.

Each reminder is claimed with a conditional UPDATE (reminder_sent_at IS NULL) before it is
queued, and the outbox dedupe key `seminar-reminder:<registration id>` backs that up, so
running `flask seminars remind` often, or several workers at once, never sends twice.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from app.core.database import use_case
from app.core.i18n import in_language
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models.base import utcnow
from app.models.seminars import CONFIRMED, Registration, SeminarSession
from app.ops.jobs import periodic
from app.services import outbox
from app.services.seminars import mail_context, new_cancel_link

# --- reminders -------------------------------------------------------------------------


def _reminder_candidates(now) -> list[Registration]:
    default = current_app.config["SEMINAR_REMINDER_HOURS"]
    longest = max(default, db.session.scalar(select(func.max(SeminarSession.reminder_hours)))
                  or 0)
    rows = db.session.scalars(
        select(Registration).join(Registration.session).where(
            Registration.status == CONFIRMED,
            Registration.reminder_sent_at.is_(None),
            SeminarSession.cancelled_at.is_(None),
            SeminarSession.starts_at > now,
            SeminarSession.starts_at <= now + timedelta(hours=longest),
        ).order_by(Registration.id)
    )
    return [r for r in rows
            if r.session.starts_at <= now + timedelta(hours=r.session.reminder_hours or default)]


def _claim_reminder(registration_id: int, now) -> bool:
    """Mark the reminder as sent; False when another run (or worker) already did."""
    result = db.session.execute(
        update(Registration)
        .where(Registration.id == registration_id, Registration.reminder_sent_at.is_(None),
               Registration.status == CONFIRMED)
        .values(reminder_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


@use_case
def send_reminders(now=None) -> int:
    """Remind confirmed people SEMINAR_REMINDER_HOURS before their session, once each."""
    now = now or utcnow()
    sent = 0
    for registration in _reminder_candidates(now):
        if not _claim_reminder(registration.id, now):
            continue
        context = mail_context(registration)
        context["cancel_url"] = new_cancel_link(registration)
        with in_language(registration.language):
            outbox.enqueue(registration.email, "seminars/reminder",
                           _l("Reminder: %(title)s", title=registration.session.seminar.title),
                           dedupe_key=f"seminar-reminder:{registration.id}", **context)
        sent += 1
    return sent


@periodic("seminars.remind", every_seconds=300)
def remind_job() -> int:
    return send_reminders()
