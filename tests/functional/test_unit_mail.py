"""Every unit request mails its requesting employee a confirmation, through the outbox and
a real SMTP server: what was booked (kind, unit, room, when), the reference and the private
link (at SITE_URL, never the request's host), the unit phone dispatch will call; never the
free text (the risk, the concern, the items: it may be clinical). In the request's language."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.timezones import to_local
from app.models.base import utcnow
from app.models.outbox import OutboxMessage
from app.models.units import UnitRequest
from app.services.outbox import deliver_due
from tests.functional.test_units import FORM_DATA, book
from tests.spanish import SPANISH, english_sentences

SITE = "https://portal.security.example.org"


@pytest.fixture()
def site_url(app):
    before, app.config["SITE_URL"] = app.config["SITE_URL"], SITE
    yield
    app.config["SITE_URL"] = before


@pytest.fixture()
def nurse_user(make_nurse, research_tower):
    return make_nurse(research_tower["5B"], name="Nina Nurse", email="nina@hospital.example.org")


def delivered(smtp_server) -> tuple[str, str]:
    deliver_due("test", 50)
    [message] = smtp_server.messages
    assert message["To"] == "nina@hospital.example.org"
    return message["Subject"], smtp_server.text_of(message)


def test_a_standby_booked_for_three_pm_is_confirmed_by_mail(login_as, nurse_user, db,
                                                             smtp_server, site_url):
    nurse = login_as(user=nurse_user)
    tomorrow = to_local(utcnow() + timedelta(days=1)).date()
    response = book(nurse, "standby", when="later", date=tomorrow.isoformat(), time="15:00")
    assert response.status_code == 303
    standby = db.session.scalar(select(UnitRequest))
    subject, body = delivered(smtp_server)
    assert standby.reference in subject
    assert "Patient standby" in body and standby.reference in body
    assert "Research Tower · Floor 5 · 5B · 5-112" in body
    assert to_local(standby.requested_for).strftime("%H:%M") in body
    assert "(555) 010-5050" in body  # the unit phone dispatch calls
    link = next(word for word in body.split() if "/track/" in word)
    assert link.startswith(f"{SITE}/track/")
    assert "localhost" not in body
    for word in ("agitated", "struck", "restraints"):  # the risk, in the nurse's words
        assert word not in body.lower()


@pytest.mark.parametrize("slug", ["consult", "elopement-watch", "valuables"])
def test_every_unit_request_is_confirmed_without_its_free_text(slug, login_as, nurse_user, db,
                                                               smtp_server, site_url):
    nurse = login_as(user=nurse_user)
    assert book(nurse, slug).status_code == 303
    ticket = db.session.scalar(select(UnitRequest))
    subject, body = delivered(smtp_server)
    assert ticket.reference in subject and ticket.KIND_LABEL in body
    assert "As soon as possible" in body or slug == "consult"
    for name, value in FORM_DATA[slug].items():
        if name != "duration_minutes":
            assert value not in body


def test_the_same_form_sent_twice_mails_once(login_as, nurse_user, db, smtp_server):
    nurse = login_as(user=nurse_user)
    page = nurse.get("/units/standby")
    key = page.get_data(as_text=True).split('name="submission_key"')[1].split('value="')[1]
    key = key.split('"')[0]
    data = {"when": "now", "room": "5-112", "phone": "(555) 010-5050", "submission_key": key,
            **FORM_DATA["standby"]}
    nurse.post("/units/standby", data=data)
    nurse.post("/units/standby", data=data)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_a_spanish_request_is_confirmed_in_spanish(login_as, nurse_user, db, smtp_server,
                                                   site_url):
    nurse = login_as(user=nurse_user)
    assert book(nurse, "standby", headers=SPANISH).status_code == 303
    standby = db.session.scalar(select(UnitRequest))
    assert standby.language == "es"
    subject, body = delivered(smtp_server)
    assert subject == f"Su solicitud para la unidad {standby.reference}"
    assert "Presencia de seguridad con un paciente" in body
    assert "Lo antes posible" in body and "(555) 010-5050" in body
    left = [sentence for sentence in english_sentences() if sentence in body]
    assert left == []
