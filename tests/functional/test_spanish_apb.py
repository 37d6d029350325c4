"""The APB in the subscriber's language: the language is kept from the page they subscribed
on, and each issue's mail wraps the editor's (untranslated) content in their language."""
from __future__ import annotations

from sqlalchemy import select

from app.models.apb import Subscriber
from app.models.outbox import OutboxMessage
from app.services import apb, apb_sending
from app.services.outbox import deliver_due
from tests.functional.test_apb import link_in
from tests.spanish import SPANISH, assert_spanish, english_left


def test_subscribing_in_spanish_keeps_the_language(client, db):
    client.post("/apb/subscribe", data={"email": "ana@example.org"}, headers=SPANISH)
    client.post("/apb/subscribe", data={"email": "bob@example.org"})
    languages = dict(db.session.execute(select(Subscriber.email, Subscriber.language)).all())
    assert languages == {"ana@example.org": "es", "bob@example.org": "en"}


def test_an_issue_reaches_each_subscriber_in_their_language(db, make_issue, make_subscriber,
                                                            smtp_server):
    spanish = make_subscriber(email="ana@example.org")
    spanish.language = "es"
    english = make_subscriber(email="bob@example.org")
    db.session.commit()
    make_issue(title="Winter parking", summary="Garage C closes early.", fanned_out=False)
    apb_sending.fanout()
    deliver_due("test", 50)
    [ana] = smtp_server.to(spanish.email)
    [bob] = smtp_server.to(english.email)
    ana_text, bob_text = smtp_server.text_of(ana), smtp_server.text_of(bob)
    assert "Winter parking" in ana_text and "Garage C closes early." in ana_text
    assert "Darse de baja con un clic" in ana_text and "Léalo en la web" in ana_text
    assert english_left(ana_text.replace("Winter parking", "")
                        .replace("Garage C closes early.", "")) == []
    ana_html = smtp_server.html_of(ana)
    assert 'lang="es"' in ana_html and "Darse de baja con un clic" in ana_html
    assert "Unsubscribe in one click" in bob_text and 'lang="en"' in smtp_server.html_of(bob)


def test_the_mailed_confirm_and_unsubscribe_pages_open_in_the_subscribers_language(
        client, db, app):
    """From a mail client that says nothing of its language: Spanish, as subscribed."""
    client.post("/apb/subscribe", data={"email": "ana@example.org"}, headers=SPANISH)
    message = db.session.scalar(select(OutboxMessage))
    fresh = app.test_client()  # no language cookie, no Accept-Language
    confirm = fresh.get(link_in(message, "/apb/confirm/"))
    assert_spanish(confirm)
    assert_spanish(fresh.post(link_in(message, "/apb/confirm/")))
    assert db.session.scalar(select(Subscriber.language)) == "es"
    subscriber = db.session.scalar(select(Subscriber))
    unsubscribe_path = "/apb/unsubscribe/" + apb.unsubscribe_url(subscriber).rsplit("/", 1)[1]
    assert_spanish(fresh.get(unsubscribe_path))
