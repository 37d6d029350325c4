"""The virtual walk in Spanish: the start page, its errors, the walk page and its
messages, the ended and not-found pages, and a walk that keeps its language (the SAF-
ticket it opens says "Prefers Spanish" to dispatch, its follow-up page is in Spanish)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models.base import utcnow
from app.models.walks import SafetyTimerTicket, VirtualWalk
from app.services import walks
from tests.functional.test_walks import walk_data
from tests.helpers import soup
from tests.spanish import SPANISH, assert_spanish


def started_in_spanish(client, campus, **overrides) -> str:
    response = client.post("/walk/", data=walk_data(campus, **overrides), headers=SPANISH)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def test_the_start_page_and_its_errors_are_in_spanish(client, campus):
    page = client.get("/walk/", headers=SPANISH)
    assert_spanish(page)
    assert soup(page).h1.text == "Iniciar una caminata virtual"
    wrong = client.post("/walk/", data=walk_data(campus, minutes="500", phone=""),
                        headers=SPANISH)
    assert wrong.status_code == 400
    assert_spanish(wrong)
    assert "Elija entre 5 y 120 minutos." in soup(wrong).text


def test_a_member_sees_the_start_page_with_saved_walks_in_spanish(client, db, campus,
                                                                   make_user):
    from tests.helpers import sign_in

    sign_in(client, make_user(roles=()))
    client.post("/walk/", data=walk_data(campus, save="y"), headers=SPANISH)
    assert_spanish(client.get("/walk/", headers=SPANISH))


def test_the_walk_page_its_buttons_and_messages_are_in_spanish(client, db, campus):
    path = started_in_spanish(client, campus)
    page = client.get(path, headers=SPANISH)
    assert_spanish(page)
    script = soup(page).select_one("[data-walk-seconds]")
    assert script["data-text-shared"] == "Su ubicación se comparte con esta caminata."
    more = client.post(f"{path}/more-time", headers=SPANISH, follow_redirects=True)
    assert_spanish(more)
    assert "Se añadieron cinco minutos más." in soup(more).text
    stop = client.post(f"{path}/position/stop", headers=SPANISH, follow_redirects=True)
    assert_spanish(stop)
    ended = client.post(f"{path}/safe", headers=SPANISH, follow_redirects=True)
    assert_spanish(ended)
    assert soup(ended).h1.text == "Está a salvo"
    gone = client.get(path, headers=SPANISH)
    assert gone.status_code == 404
    assert_spanish(gone)


def test_a_refusal_on_the_walk_page_is_in_spanish(app, client, db, campus):
    path = started_in_spanish(client, campus)
    for _ in range(app.config["WALK_MAX_EXTENSIONS"] + 1):
        response = client.post(f"{path}/more-time", headers=SPANISH, follow_redirects=True)
    assert_spanish(response)
    assert "No puede añadir más tiempo a esta caminata." in soup(response).text


def test_a_spanish_walk_that_runs_out_keeps_spanish_and_dispatch_sees_it(
        client, db, campus, client_request):
    path = started_in_spanish(client, campus, minutes="5")
    assert db.session.scalar(select(VirtualWalk.language)) == "es"
    assert walks.fire_due_walks(now=utcnow() + timedelta(minutes=5, seconds=5)) == 1
    ticket = db.session.scalar(select(SafetyTimerTicket))
    assert ticket.language == "es"
    alerted = client.get(path)  # later, from a browser that says nothing of its language
    assert_spanish(alerted)
    assert soup(alerted).h1.text == "Se avisó a la central de despacho"
    follow = soup(alerted).find("a", href=lambda href: href and ticket.reference in href)["href"]
    follow_page = client.get(follow)
    assert_spanish(follow_page)
    assert "Por qué se avisó a la central de despacho" in soup(follow_page).text
    assert "Se agotó el temporizador de seguridad" in soup(follow_page).text
    client_request.login("dispatcher")
    page = client_request.get("dispatch.ticket", ticket_id=ticket.id)
    assert "Prefers Spanish" in page.select_one(".lead").text
    assert "Safety timer ran out" in page.text  # staff read English


def test_help_now_in_spanish_opens_a_ticket_marked_spanish(client, db, campus):
    path = started_in_spanish(client, campus)
    client.post(f"{path}/help", headers=SPANISH)
    assert db.session.scalar(select(SafetyTimerTicket.language)) == "es"
    assert_spanish(client.get(path, headers=SPANISH))


def test_an_english_walk_stays_english(client, db, campus):
    response = client.post("/walk/", data=walk_data(campus))
    path = response.headers["Location"]
    assert db.session.scalar(select(VirtualWalk.language)) == "en"
    assert soup(client.get(path, headers=SPANISH)).html["lang"] == "en"
    client.get("/language/es?next=/")
    assert soup(client.get(path)).html["lang"] == "es"  # the person's own choice wins


def test_pressing_im_safe_after_the_alarm_reads_in_spanish_on_the_follow_page(
        client, db, campus):
    """The note the walk writes for dispatch is stored in English; the walker's own timeline
    shows it in the walk's language."""
    path = started_in_spanish(client, campus, minutes="5")
    walks.fire_due_walks(now=utcnow() + timedelta(minutes=5, seconds=5))
    safe = soup(client.get(path)).find("form", action=lambda a: a and a.endswith("/safe"))
    client.post(safe["action"], data={"csrf_token": ""}, headers=SPANISH)
    ticket = db.session.scalar(select(SafetyTimerTicket))
    assert any(event.body == walks.SAFE_MESSAGE for event in ticket.events)
    alerted = soup(client.get(path))
    follow = alerted.find("a", href=lambda href: href and ticket.reference in href)["href"]
    follow_page = client.get(follow)
    assert_spanish(follow_page)
    assert "Pulsé «Estoy a salvo» en la página de la caminata." in soup(follow_page).text
