"""Issuing campus alerts: a second dispatcher for an extreme one, updates that supersede,
expiry by the clock, audit of every step, and the script's `flask alerts issue`."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models.alerts import CampusAlert
from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.services import alert_banner, alerts
from app.services.alerts import AlertDraft, AlertError
from tests.helpers import run_threads


def audit_actions(db, alert_id):
    return [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "campus_alert",
                                 AuditEvent.object_id == str(alert_id)).order_by(AuditEvent.seq))]


def test_an_extreme_alert_waits_for_a_second_dispatcher(db, make_alert, make_user):
    issuer = make_user(roles=("dispatcher",))
    alert = make_alert(severity="extreme", issuer=issuer)
    assert alert.awaiting_confirmation
    assert alert_banner.notices() == []
    with pytest.raises(AlertError, match="second dispatcher"):
        alerts.confirm(issuer, alert.id)
    colleague = make_user(roles=("dispatcher",))
    alerts.confirm(colleague, alert.id)
    assert [n.id for n in alert_banner.notices()] == [alert.id]
    assert audit_actions(db, alert.id) == ["alert.issued", "alert.confirmed"]


def test_a_supervisors_extreme_alert_goes_out_at_once(db, make_alert, make_user):
    alert = make_alert(severity="extreme", issuer=make_user(roles=("supervisor",)))
    assert not alert.awaiting_confirmation
    assert [n.id for n in alert_banner.notices()] == [alert.id]


def test_an_admin_or_officer_cannot_be_the_second_dispatcher(db, make_alert, make_user):
    alert = make_alert(severity="extreme", issuer=make_user(roles=("admin",)))
    for roles in (("admin",), ("officer",)):
        with pytest.raises(AlertError, match="dispatcher or a supervisor"):
            alerts.confirm(make_user(roles=roles), alert.id)
    assert db.session.get(CampusAlert, alert.id).awaiting_confirmation


def test_a_severe_alert_from_a_dispatcher_needs_no_confirmation(db, make_alert):
    alert = make_alert(severity="severe")
    assert not alert.awaiting_confirmation
    assert audit_actions(db, alert.id) == ["alert.issued"]


def test_an_alert_leaves_the_banner_at_its_expiry(db, make_alert):
    start = utcnow()
    alert = make_alert(minutes=30, now=start)
    assert [n.id for n in alert_banner.notices(now=start + timedelta(minutes=29))] == [alert.id]
    assert alert_banner.notices(now=start + timedelta(minutes=30)) == []
    assert alerts.active_alerts(now=start + timedelta(minutes=30)) == []


def test_an_alert_that_starts_later_is_not_shown_before(db, make_alert):
    now = utcnow()
    alert = make_alert(starts_at=now + timedelta(hours=1), now=now)
    assert alert_banner.notices(now=now) == []
    assert [n.id for n in alert_banner.notices(now=now + timedelta(minutes=61))] == [alert.id]


def test_an_all_clear_supersedes_the_alert(db, make_alert, make_user):
    dispatcher = make_user(roles=("dispatcher",))
    first = make_alert(severity="severe", issuer=dispatcher)
    clear = alerts.post_update(dispatcher, first.id, AlertDraft(
        "All clear at the North Garage", "You may leave the building.", "minor", 30,
        all_clear=True))
    shown = alert_banner.notices()
    assert [(n.id, n.all_clear, n.is_update) for n in shown] == [(clear.id, True, True)]
    assert db.session.get(CampusAlert, first.id).superseded_at is not None
    assert audit_actions(db, clear.id) == ["alert.updated"]


def test_an_extreme_update_keeps_the_old_alert_until_confirmed(db, make_alert, make_user):
    dispatcher = make_user(roles=("dispatcher",))
    first = make_alert(severity="severe", issuer=dispatcher)
    worse = alerts.post_update(dispatcher, first.id, AlertDraft(
        "Shots fired near the garage", "Run, hide, fight.", "extreme", 60))
    assert [n.id for n in alert_banner.notices()] == [first.id]
    alerts.confirm(make_user(roles=("dispatcher",)), worse.id)
    assert [n.id for n in alert_banner.notices()] == [worse.id]


def test_two_dispatchers_updating_at_once_make_one_update(app, db, make_alert, make_user):
    first = make_alert(severity="moderate")
    dispatchers = [make_user(roles=("dispatcher",)) for _ in range(2)]
    ids = [d.id for d in dispatchers]
    outcomes = []

    def update(user_id):
        with app.app_context():
            from app.extensions import db as session_db
            user = session_db.session.get(type(dispatchers[0]), user_id)
            try:
                alerts.post_update(user, first.id, AlertDraft("Update", "Keep away.", "minor", 30))
                outcomes.append("posted")
            except AlertError:
                outcomes.append("refused")
            finally:
                session_db.session.remove()

    run_threads(update, [(i,) for i in ids])
    assert sorted(outcomes) == ["posted", "refused"]
    db.session.rollback()
    updates = db.session.scalars(select(CampusAlert).where(CampusAlert.supersedes_id == first.id))
    assert len(list(updates)) == 1


@pytest.mark.parametrize(("draft", "message"), [
    (AlertDraft("", "Do this.", "severe", 30), "headline"),
    (AlertDraft("x" * 161, "Do this.", "severe", 30), "headline"),
    (AlertDraft("Two\nlines", "Do this.", "severe", 30), "headline"),
    (AlertDraft("Fire", " ", "severe", 30), "what people should do"),
    (AlertDraft("Fire", "Do this.", "catastrophic", 30), "severity"),
    (AlertDraft("Fire", "Do this.", "severe", 0), "1 minute to 7 days"),
    (AlertDraft("Fire", "Do this.", "severe", 10**9), "1 minute to 7 days"),
    (AlertDraft("Fire", "Do this.", "severe", 30, location_ids=(987654,)), "places"),
])
def test_a_bad_alert_is_refused_and_nothing_is_written(db, make_user, draft, message):
    with pytest.raises(AlertError, match=message):
        alerts.issue(make_user(roles=("dispatcher",)), draft)
    assert db.session.scalar(select(CampusAlert.id)) is None
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.object_type == "campus_alert")) is None


def test_a_script_issues_an_alert_audited_like_the_form(app, db, make_user, campus):
    make_user(roles=("supervisor",), email="shift.lead@example.org")
    runner = app.test_cli_runner()
    result = runner.invoke(args=[
        "alerts", "issue", "--headline", "Fire alarm in Garage A", "--instruction",
        "Leave Garage A by the stairs.", "--severity", "severe", "--minutes", "45",
        "--place", "Garage A, Level 3"])
    assert result.exit_code == 0, result.output
    alert = db.session.scalar(select(CampusAlert))
    assert (alert.where, alert.issued_via, alert.awaiting_confirmation) == (
        "Garage A, Level 3", "cli", False)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "alert.issued"))
    assert "via=cli" in event.detail
    extreme = runner.invoke(args=[
        "alerts", "issue", "--headline", "Armed intruder", "--instruction", "Run, hide, fight.",
        "--severity", "extreme", "--minutes", "60"])
    assert "held until a dispatcher confirms it" in extreme.output
    by_supervisor = runner.invoke(args=[
        "alerts", "issue", "--headline", "Armed intruder", "--instruction", "Run, hide, fight.",
        "--severity", "extreme", "--minutes", "60", "--by", "shift.lead@example.org"])
    assert "(active)" in by_supervisor.output


def test_a_script_naming_an_unknown_place_or_account_issues_nothing(app, db, campus):
    runner = app.test_cli_runner()
    for extra in (["--place", "Nowhere"], ["--by", "nobody@example.org"]):
        result = runner.invoke(args=[
            "alerts", "issue", "--headline", "Fire", "--instruction", "Leave.",
            "--severity", "minor", "--minutes", "5", *extra])
        assert result.exit_code != 0
    assert db.session.scalar(select(CampusAlert.id)) is None


def another_process_issues(db, headline: str) -> None:
    """An alert written as another process would: straight to the table, this process's
    copy not told."""
    now = utcnow()
    db.session.add(CampusAlert(identifier=f"urn:uuid:{headline}", headline=headline,
                               instruction="Keep away.", severity="minor", starts_at=now,
                               expires_at=now + timedelta(hours=1), confirmed_at=now))
    db.session.commit()


def test_the_banner_copy_is_trusted_for_its_window_then_checked(app, db, make_alert,
                                                                monkeypatch):
    monkeypatch.setitem(app.config, "ALERT_CACHE_SECONDS", 3600)
    assert alert_banner.notices() == []
    another_process_issues(db, "Elsewhere")
    assert alert_banner.notices() == []  # within the window: no query, the copy is used
    mine = make_alert(headline="Issued here")
    assert {n.headline for n in alert_banner.notices()} == {"Elsewhere", mine.headline}
    monkeypatch.setitem(app.config, "ALERT_CACHE_SECONDS", 0)
    another_process_issues(db, "Elsewhere again")
    assert "Elsewhere again" in {n.headline for n in alert_banner.notices()}
