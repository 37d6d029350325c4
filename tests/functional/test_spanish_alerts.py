"""Campus alerts in Spanish: the public pages and the banner, subscribing in Spanish (the
confirmation mail, the subscriber's language), and the alert mail whose fixed parts are in
each subscriber's language, rendered once per language (real SMTP)."""
from __future__ import annotations

import re

from flask import template_rendered
from sqlalchemy import select

from app.models.alerts import AlertSubscriber
from app.services import alert_sending
from app.services.outbox import deliver_due
from tests.fixtures.auth import emails_to, link_in
from tests.helpers import soup
from tests.spanish import SPANISH, assert_spanish, english_left


def test_the_alert_pages_and_the_banner_are_in_spanish(client, make_alert):
    alert = make_alert(headline="Incendio en el garaje B", instruction="Salga por la escalera.")
    for path in ("/alerts/", f"/alerts/{alert.id}", "/alerts/subscribe", "/"):
        page = client.get(path, headers=SPANISH)
        assert page.status_code == 200
        assert_spanish(page)
    banner = soup(client.get("/", headers=SPANISH)).select_one("#campus-alerts")
    assert "Alerta del campus" in banner.text and "Grave" in banner.text
    assert "En todo el campus" in banner.text


def test_bad_links_are_in_spanish(client):
    for path in ("/alerts/subscribe/confirm/not-a-token", "/alerts/unsubscribe/not-a-token"):
        response = client.get(path, headers=SPANISH)
        assert response.status_code == 400
        assert_spanish(response)


def test_subscribing_in_spanish_keeps_the_language(client, db):
    response = client.post("/alerts/subscribe", data={"email": "ana@example.org"},
                           headers=SPANISH)
    assert_spanish(response)
    assert db.session.scalar(select(AlertSubscriber.language)) == "es"
    [mail] = emails_to(db, "ana@example.org")
    assert mail.subject == "Confirme: alertas del campus por correo electrónico"
    assert english_left(mail.text_body) == []
    link = link_in(mail).replace("http://localhost", "")
    assert_spanish(client.get(link))  # from the mail: a browser that says nothing
    assert_spanish(client.post(link, headers=SPANISH))


def unsubscribes(body: str) -> int:
    """Whom the mail's unsubscribe link unsubscribes (its own signed link, per subscriber)."""
    token = re.search(r"/alerts/unsubscribe/(\S+)", body).group(1)
    return alert_sending.subscriber_for_unsubscribe(token).id


def test_each_subscriber_gets_the_alert_in_their_language_rendered_once_per_language(
        app, db, make_alert, make_alert_subscriber, smtp_server):
    spanish = [make_alert_subscriber() for _ in range(3)]
    english = [make_alert_subscriber() for _ in range(2)]
    for subscriber in spanish:
        subscriber.language = "es"
    db.session.commit()
    make_alert(headline="Incendio en el garaje B", instruction="Salga por la escalera.")
    renders = []

    def count(_app, template, **_extra):
        if template.name == "email/campus_alert.txt":
            renders.append(template.name)

    with template_rendered.connected_to(count, app):
        alert_sending.fanout()
    assert len(renders) == 2  # one per language, not one per subscriber
    deliver_due("test-worker", 50)
    for subscriber in spanish:
        [message] = smtp_server.to(subscriber.email)
        assert message["Subject"] == "[Grave] Alerta del campus: Incendio en el garaje B"
        body = smtp_server.text_of(message)
        assert "Qué hacer:" in body and "Salga por la escalera." in body
        assert english_left(body) == [], english_left(body)
        assert unsubscribes(body) == subscriber.id
    for subscriber in english:
        [message] = smtp_server.to(subscriber.email)
        assert message["Subject"] == "[Severe] Campus alert: Incendio en el garaje B"
        body = smtp_server.text_of(message)
        assert "What to do:" in body and unsubscribes(body) == subscriber.id


def test_the_unsubscribe_page_opened_from_a_spanish_mail_is_in_spanish(client, db,
                                                                       make_alert_subscriber):
    subscriber = make_alert_subscriber()
    subscriber.language = "es"
    db.session.commit()
    link = alert_sending.unsubscribe_url(subscriber).replace("http://localhost", "")
    assert_spanish(client.get(link))
    assert_spanish(client.post(link))


def test_a_confirmed_subscriber_s_language_is_not_changed_by_someone_typing_their_address(
        client, db, make_alert_subscriber):
    subscriber = make_alert_subscriber(email="ana@example.org")
    client.post("/alerts/subscribe", data={"email": "ana@example.org"}, headers=SPANISH)
    db.session.expire_all()
    assert db.session.get(AlertSubscriber, subscriber.id).language == "en"
