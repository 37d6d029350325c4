"""Alert subscribers: double opt-in, one-click unsubscribe (RFC 8058), and each alert and
update mailed exactly once per subscriber, ahead of a queued APB mailing (real SMTP)."""
from __future__ import annotations

from sqlalchemy import func, select

from app.models.alerts import CONFIRMED, PENDING, UNSUBSCRIBED, AlertDelivery, AlertSubscriber
from app.services import alert_sending, alerts, apb_sending
from app.services.alerts import AlertDraft
from app.services.outbox import deliver_due
from tests.fixtures.auth import emails_to, link_in
from tests.helpers import run_threads, soup


def deliver_all() -> None:
    alert_sending.fanout()
    for _ in range(10):
        deliver_due("test-worker", 50)


def test_subscribing_takes_a_confirmation_from_the_emailed_link(client, db):
    client.post("/alerts/subscribe", data={"email": "Night.Nurse@Example.org"})
    subscriber = db.session.scalar(select(AlertSubscriber))
    assert (subscriber.email, subscriber.status) == ("night.nurse@example.org", PENDING)
    [mail] = emails_to(db, "night.nurse@example.org")
    link = link_in(mail).replace("http://localhost", "")
    assert "/alerts/subscribe/confirm/" in link
    client.post(link)
    db.session.expire_all()
    assert db.session.get(AlertSubscriber, subscriber.id).status == CONFIRMED


def test_a_forged_confirmation_link_changes_nothing(client, db):
    client.post("/alerts/subscribe", data={"email": "someone@example.org"})
    response = client.post("/alerts/subscribe/confirm/not-a-real-token")
    assert response.status_code == 400 and "does not work" in soup(response).h1.get_text()
    assert db.session.scalar(select(AlertSubscriber.status)) == PENDING


def test_each_alert_and_its_update_reach_each_subscriber_once(db, make_alert,
                                                            make_alert_subscriber, make_user,
                                                            smtp_server):
    subscribers = [make_alert_subscriber() for _ in range(4)]
    make_alert_subscriber(status=PENDING)
    make_alert_subscriber(status=UNSUBSCRIBED)
    dispatcher = make_user(roles=("dispatcher",))
    fire = make_alert(headline="Fire in Garage B", issuer=dispatcher)
    deliver_all()
    alerts.post_update(dispatcher, fire.id, AlertDraft("All clear in Garage B", "Open again.",
                                                       "minor", 30, all_clear=True))
    deliver_all()
    deliver_all()
    received = sorted((m["To"], m["Subject"]) for m in smtp_server.messages)
    expected = sorted([(s.email, "[Severe] Campus alert: Fire in Garage B") for s in subscribers]
                      + [(s.email, "All clear: All clear in Garage B") for s in subscribers])
    assert received == expected


def test_two_workers_fanning_out_at_once_queue_one_mail_each(app, db, make_alert,
                                                             make_alert_subscriber):
    for _ in range(30):
        make_alert_subscriber()
    make_alert(headline="Fire in Garage B")
    app.config["OUTBOX_BATCH_SIZE"] = 7

    def worker():
        with app.app_context():
            alert_sending.fanout()

    try:
        run_threads(worker, [(), ()])
    finally:
        app.config["OUTBOX_BATCH_SIZE"] = 50
    db.session.rollback()
    assert db.session.scalar(select(func.count(AlertDelivery.id))) == 30


def test_an_alert_held_for_confirmation_is_mailed_only_once_confirmed(
        db, make_alert, make_alert_subscriber, make_user, smtp_server):
    make_alert_subscriber()
    held = make_alert(headline="Armed intruder", severity="extreme")
    deliver_all()
    assert smtp_server.messages == []
    alerts.confirm(make_user(roles=("dispatcher",)), held.id)
    deliver_all()
    assert [m["Subject"] for m in smtp_server.messages] == [
        "[Extreme] Campus alert: Armed intruder"]


def test_an_alert_goes_out_ahead_of_a_queued_apb_mailing(app, db, make_alert, make_issue,
                                                         make_subscriber,
                                                         make_alert_subscriber, smtp_server):
    for _ in range(12):
        make_subscriber()
    make_issue(fanned_out=False)
    apb_sending.fanout()  # 12 APB messages queued and due
    watcher = make_alert_subscriber()
    make_alert(headline="Fire in Garage B")
    alert_sending.fanout()
    deliver_due("test-worker", 5)  # one small batch: the alert must be in it, first
    assert smtp_server.messages[0]["To"] == watcher.email
    assert smtp_server.messages[0]["Subject"].endswith("Fire in Garage B")
    for _ in range(5):
        deliver_due("test-worker", 5)
    assert len(smtp_server.messages) == 13


def test_alert_mail_has_one_click_unsubscribe_that_works_by_post(client, db, make_alert,
                                                                 make_alert_subscriber,
                                                                 smtp_server):
    subscriber = make_alert_subscriber()
    make_alert(headline="Fire in Garage B", instruction="Leave Garage B by the stairs.")
    deliver_all()
    [message] = smtp_server.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    body = smtp_server.text_of(message)
    assert "Leave Garage B by the stairs." in body and link in body
    path = link.replace("http://localhost", "")
    assert "Stop campus alerts" in soup(client.get(path)).h1.get_text()
    assert db.session.get(AlertSubscriber, subscriber.id).status == CONFIRMED  # GET only asks
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(AlertSubscriber, subscriber.id).status == UNSUBSCRIBED
