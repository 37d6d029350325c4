"""Every public page, asked for in Spanish, is in Spanish: lang="es" and none of the
portal's English left in its visible text (tests/spanish.py says how that is checked)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.blueprints.main.catalog import SERVICES
from tests.fixtures.support import form_data as dv_form_data
from tests.functional.test_escorts import form_data as escort_form_data
from tests.helpers import soup
from tests.spanish import SPANISH, assert_spanish, english_left

PAGES = ["/", "/services", "/accessibility", "/privacy", "/escorts/", "/support/",
         "/support/browse-safely", "/support/request", "/track/", "/login", "/register",
         "/forgot-password", "/check-email", "/verify/resend", "/apb/", "/apb/subscribe",
         "/walk/", "/walk/ended", "/alerts/", "/alerts/subscribe"]


@pytest.mark.parametrize("path", PAGES)
def test_public_page_is_in_spanish(client, campus, path):
    response = client.get(path, headers=SPANISH)
    assert response.status_code == 200
    assert_spanish(response)


@pytest.mark.parametrize("slug", [service.slug for service in SERVICES])
def test_every_guidance_page_is_in_spanish(client, slug):
    assert_spanish(client.get(f"/services/{slug}", headers=SPANISH))


def test_error_pages_are_in_spanish(client):
    response = client.get("/no-such-page", headers=SPANISH)
    assert response.status_code == 404
    assert_spanish(response)
    assert soup(response).h1.text == "No encontramos la página"


def test_the_check_finds_english(client, campus):
    """The harness itself: the English page fails it."""
    assert "Request an escort" in " ".join(english_left(client.get("/escorts/")))


def test_escort_confirmation_and_errors_are_in_spanish(client, campus):
    assert_spanish(client.post("/escorts/", data=escort_form_data(campus, phone=""),
                               headers=SPANISH))
    response = client.post("/escorts/", data=escort_form_data(campus), headers=SPANISH)
    assert_spanish(client.get(response.headers["Location"], headers=SPANISH))


def test_dv_request_its_confirmation_and_follow_page_are_in_spanish(client):
    assert_spanish(client.post("/support/request", data=dv_form_data(phone=""),
                               headers=SPANISH, follow_redirects=True))
    response = client.post("/support/request", data=dv_form_data(), headers=SPANISH,
                           follow_redirects=True)
    assert_spanish(response)
    link = soup(response).select_one("a.private-link")["href"]
    assert_spanish(client.get(link, headers=SPANISH))


def follow_link(client, campus, **headers) -> str:
    response = client.post("/escorts/", data=escort_form_data(campus), headers=headers)
    page = soup(client.get(response.headers["Location"], headers=headers))
    link = page.select_one(".private-link a")["href"]
    return "/" + link.split("/", 3)[3]  # the path: the test client's cookies are for localhost


def test_escort_follow_up_and_cancel_pages_are_in_spanish(client, campus):
    link = follow_link(client, campus, **SPANISH)
    page = client.get(link, headers=SPANISH)
    assert_spanish(page)
    cancel = soup(page).find("a", string="Cancelar esta solicitud")["href"]
    assert_spanish(client.get(cancel, headers=SPANISH))


def test_the_follow_up_page_keeps_the_language_of_the_request(client, campus):
    """Opened later from an English browser, the link of a Spanish request is in Spanish,
    unless the person chooses English with the language link."""
    link = follow_link(client, campus, **SPANISH)
    assert_spanish(client.get(link))
    client.get("/language/en?next=/")
    assert soup(client.get(link)).html["lang"] == "en"


@pytest.mark.parametrize("path", ["/track/ESC-AAAAAA/not-a-token"])
def test_track_pages_are_in_spanish(client, path):
    assert_spanish(client.get(path, headers=SPANISH))


def test_a_visitor_signs_up_for_a_seminar_in_spanish(client, db, make_session):
    """Sign-up, confirmation mail and page, confirmed mail with its invitation, the
    reminder and the cancel pages: all in Spanish, because the person signed up in Spanish."""
    from app.models.seminars import Registration
    from app.services.seminar_reminders import send_reminders
    from tests.fixtures.seminars import link_in, mails_to

    session = make_session(capacity=1, starts_in=timedelta(hours=20))
    assert_spanish(client.get("/seminars/", headers=SPANISH))
    assert_spanish(client.get(f"/seminars/{session.seminar.slug}", headers=SPANISH))
    url = f"/seminars/sessions/{session.id}/register"
    assert_spanish(client.get(url, headers=SPANISH))
    assert_spanish(client.post(url, data={"name": "", "email": "x"}, headers=SPANISH))
    sent = client.post(url, data={"name": "Ana", "email": "ana@example.org"}, headers=SPANISH)
    assert_spanish(client.get(sent.headers["Location"], headers=SPANISH))
    assert db.session.scalar(select(Registration.language)) == "es"
    ask = mails_to(db, "ana@example.org")[0]
    assert ask.subject.startswith("Confirme su lugar") and "Hola, Ana:" in ask.text_body
    confirm = link_in(ask, "confirm")
    assert_spanish(client.get(confirm))  # from the mail: a browser without the header
    client.post(confirm, headers=SPANISH)
    confirmed = mails_to(db, "ana@example.org")[-1]
    assert confirmed.subject.startswith("Su lugar está confirmado")
    assert english_left(confirmed.text_body) == []
    send_reminders()
    reminder = mails_to(db, "ana@example.org")[-1]
    assert reminder.subject.startswith("Recordatorio:")
    assert english_left(reminder.text_body) == []
    cancel = link_in(reminder, "cancel")
    assert_spanish(client.get(cancel, headers=SPANISH))
    assert_spanish(client.post(cancel, headers=SPANISH))


REPORT_CATEGORIES = ["suspicious_package", "suspicious_person", "suspicious_substance",
                     "hazardous_material", "unauthorized_person", "theft", "other"]


@pytest.mark.parametrize("path", ["/report/", *[f"/report/{c}" for c in REPORT_CATEGORIES],
                                  "/outreach/", "/outreach/presentation", "/outreach/survey",
                                  "/outreach/detail"])
def test_report_and_outreach_pages_are_in_spanish(client, path):
    assert_spanish(client.get(path, headers=SPANISH))


def test_a_report_in_spanish_gets_spanish_pages_and_mail(client, db):
    from app.models.outbox import OutboxMessage
    from app.models.reports import IncidentReport
    from tests.fixtures.reports import report_data

    data = report_data(contact_email="ana@example.org", contact_name="Ana",
                       location_detail="Vestíbulo principal")  # what the person typed
    assert_spanish(client.post("/report/suspicious_package", data={**data, "description": ""},
                               headers=SPANISH))
    response = client.post("/report/suspicious_package", data=data, headers=SPANISH)
    sent = client.get(response.headers["Location"], headers=SPANISH)
    assert_spanish(sent)
    assert db.session.scalar(select(IncidentReport.language)) == "es"
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.subject.startswith("Recibimos su aviso")
    assert english_left(mail.text_body) == []


def test_an_outreach_request_in_spanish(client, db):
    from app.models.outbox import OutboxMessage
    from tests.functional.test_outreach import CONTACT, VALID

    data = {**VALID["survey"], **CONTACT, "submission_key": "s" * 32}
    response = client.post("/outreach/survey", data=data, headers=SPANISH)
    assert_spanish(client.get(response.headers["Location"], headers=SPANISH))
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.subject.startswith("Recibimos su solicitud")
    assert english_left(mail.text_body) == []


def test_creating_an_account_in_spanish(client, db):
    from app.models.outbox import OutboxMessage

    data = {"name": "Ana", "email": "ana@example.org", "affiliation": "patient",
            "password": "caballo correcto batería grapa", "confirm_password": "x"}
    assert_spanish(client.post("/register", data=data, headers=SPANISH))
    data["confirm_password"] = data["password"]
    response = client.post("/register", data=data, headers=SPANISH, follow_redirects=True)
    assert_spanish(response)
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.subject == "Confirme su correo electrónico"
    assert english_left(mail.text_body) == [] and english_left(mail.html_body) == []


def test_subscribing_to_the_apb_in_spanish(client, db):
    from app.models.outbox import OutboxMessage

    response = client.post("/apb/subscribe", data={"email": "ana@example.org"},
                           headers=SPANISH, follow_redirects=True)
    assert_spanish(response)
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.subject == "Confirme su suscripción al boletín APB"
    assert english_left(mail.text_body) == []
