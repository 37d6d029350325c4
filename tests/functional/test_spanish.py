"""The portal in Spanish: how the language is chosen, what the cookie holds, staff pages in
English, and a Spanish request that keeps its language (mail, dispatch)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.core.i18n import in_language
from app.models.escorts import EscortRequest
from app.models.outbox import OutboxMessage
from app.web.templating import localtime
from tests.functional.test_escorts import form_data
from tests.helpers import soup, text
from tests.spanish import assert_spanish

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}


def test_a_browser_that_prefers_spanish_gets_the_page_in_spanish(client, campus):
    page = soup(client.get("/escorts/", headers=SPANISH))
    assert page.html["lang"] == "es"
    assert page.h1.text == "Pedir un acompañamiento de seguridad"
    assert "¿Dónde debe encontrarle el agente?" in page.text
    groups = [g["label"] for g in page.select("#from_place optgroup")]
    assert "Estacionamientos" in groups and "No está en la lista" in groups
    assert "Otro (descríbalo)" in [o.text for o in page.select("#from_place option")]


def test_without_a_preference_the_page_is_in_english(client):
    page = soup(client.get("/escorts/", headers={"Accept-Language": "fr, de;q=0.8"}))
    assert page.html["lang"] == "en" and page.h1.text == "Request an escort"
    assert soup(client.get("/escorts/")).html["lang"] == "en"


def test_the_language_link_comes_first_in_the_header_and_names_the_other_language(client):
    page = soup(client.get("/escorts/"))
    header = page.select_one("header.site-header")
    first_link = header.find("a")
    assert first_link.text == "Español" and first_link["lang"] == "es"
    assert first_link["hreflang"] == "es"
    assert first_link["href"] == "/language/es?next=/escorts/"
    assert page.find("div", class_="emergency-banner").find_next("header") is header
    spanish = soup(client.get("/escorts/", headers=SPANISH)).select_one("header a")
    assert spanish.text == "English" and spanish["hreflang"] == "en"


def test_every_page_names_its_alternate_language(client):
    page = soup(client.get("/escorts/?x=1"))
    alternate = page.find("link", rel="alternate", hreflang="es")
    assert alternate["href"] == "/language/es?next=/escorts/?x%3D1"


def test_choosing_spanish_sets_a_cookie_that_holds_only_the_language(client):
    response = client.get("/language/es?next=/escorts/")
    assert response.status_code == 303 and response.headers["Location"] == "/escorts/"
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1
    assert cookies[0].startswith("lang=es;") and "HttpOnly" in cookies[0]
    assert client.get_cookie("lang").value == "es"
    assert client.get_cookie("session") is None


def test_the_choice_beats_the_browser_preference(client):
    client.get("/language/en?next=/")
    page = soup(client.get("/escorts/", headers=SPANISH))
    assert page.html["lang"] == "en"


def test_the_language_link_goes_back_only_to_this_site(client):
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example", ""):
        response = client.get("/language/es", query_string={"next": target})
        assert response.headers["Location"] == "/"
    assert client.get("/language/fr?next=/").status_code == 404
    assert client.get_cookie("lang").value == "es"


def test_a_forged_cookie_is_ignored(client):
    client.set_cookie("lang", "<script>")
    assert soup(client.get("/escorts/")).html["lang"] == "en"


def test_staff_pages_stay_in_english_with_the_spanish_cookie(client_request):
    client_request.login("dispatcher")
    client_request.set_cookie("lang", "es")
    page = client_request.get("dispatch.queue")
    assert page.html["lang"] == "en"
    assert page.select_one("header a.language-link") is None
    assert "Services" in page.select_one("nav").text


def test_dates_are_written_in_the_page_language(app):
    moment = datetime(2026, 12, 1, 23, 30)  # UTC: 18:30 in the site's zone (New York)
    with app.test_request_context("/"):
        assert localtime(moment) == "Tue 01 Dec 2026, 18:30"
        with in_language("es"):
            assert localtime(moment) == "mar 1 dic 2026, 18:30"
            assert localtime(moment, "%d %B %Y") == "1 de diciembre de 2026"
            assert localtime(moment, "%H:%M") == "18:30"


def test_a_spanish_escort_request_sends_a_spanish_mail_and_marks_the_ticket(
        client, db, campus, client_request):
    response = client.post("/escorts/", data=form_data(campus), headers=SPANISH)
    assert response.status_code == 303
    confirmation = soup(client.get(response.headers["Location"], headers=SPANISH))
    assert confirmation.h1.text == "Acompañamiento solicitado"
    ticket = db.session.scalar(select(EscortRequest))
    assert ticket.language == "es"
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.subject == f"Su solicitud de acompañamiento {ticket.reference}"
    assert "Recibimos su solicitud de acompañamiento de seguridad." in mail.text_body
    assert "We have your escort request" not in mail.text_body
    assert 'lang="es"' in mail.html_body and "Siga su solicitud" in mail.html_body
    client_request.login("dispatcher")
    page = client_request.get("dispatch.ticket", ticket_id=ticket.id)
    assert "Prefers Spanish" in page.select_one(".lead").text
    assert "call back with an interpreter" in page.text
    board = client_request.get("dispatch.queue")
    row = board.find("tr", attrs={"data-reference": ticket.reference})
    assert "Prefers Spanish" in row.text


def test_an_english_request_is_not_marked(client, db, campus, client_request):
    client.post("/escorts/", data=form_data(campus))
    ticket = db.session.scalar(select(EscortRequest))
    assert ticket.language == "en"
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.subject.startswith("Your escort request")
    client_request.login("dispatcher")
    assert "Prefers Spanish" not in text(client_request.get_response("dispatch.queue"))


def test_form_errors_are_in_spanish(client, campus):
    response = client.post("/escorts/", data=form_data(campus, phone="", party_size="x"),
                           headers=SPANISH)
    page = soup(response)
    assert response.status_code == 400
    assert page.select_one(".error-summary h2").text == "Hay un problema"
    assert "Escriba un número de teléfono para que el agente pueda llamarle." in page.text
    assert "Escriba un número entero, por ejemplo 2." in page.text


def test_dv_pages_keep_the_choice_and_leave_nothing_more_behind(client):
    client.get("/support/request")  # the first visit makes the session its forms need
    english = client.get("/support/request")
    client.get("/language/es?next=/support/request")
    spanish = client.get("/support/request")
    assert soup(spanish).html["lang"] == "es"
    assert spanish.headers.getlist("Set-Cookie") == english.headers.getlist("Set-Cookie")
    assert spanish.headers["Cache-Control"] == english.headers["Cache-Control"]
    assert "no-store" in spanish.headers["Cache-Control"]
    page = soup(spanish)
    assert page.find("a").get("id") == "quick-exit"  # still first in tab order
    link = page.select_one("a.language-link")
    assert "noreferrer" in link["rel"] and link["href"] == "/language/en?next=/support/request"


def test_choosing_a_language_on_a_dv_page_sets_only_the_language_cookie(client):
    response = client.get("/language/es?next=/support/request")
    assert response.headers["Location"] == "/support/request"
    assert [c.split("=")[0] for c in response.headers.getlist("Set-Cookie")] == ["lang"]
    assert {cookie.key for cookie in client._cookies.values()} == {"lang"}


def test_lazy_messages_with_typed_values_are_escaped_in_pages(app):
    """Flask-Babel's own lazy strings reach Jinja as markup; the portal's are text."""
    from flask import render_template_string

    from app.core.i18n import lazy_gettext

    with app.test_request_context("/"):
        message = lazy_gettext("Escort from %(start)s to %(destination)s",
                               start="<script>x</script>", destination="B")
        with in_language("es"):
            html = render_template_string("{{ message }}", message=message)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.startswith("Acompañamiento desde")


def test_a_refused_sign_in_is_explained_in_spanish(client, make_user):
    """The sign-in page's refusals (a service's messages, not the form's) follow the page."""
    make_user(email="rosa@example.org")
    refused = client.post("/login", data={"email": "rosa@example.org", "password": "wrong"},
                          headers=SPANISH)
    assert "El correo electrónico o la contraseña no son correctos." in refused.get_data(
        as_text=True)
    assert_spanish(refused)
