"""The virtual walk through the web: start it, the walk page, its buttons, what dispatch
sees when it fires, saved walks, and the escort page's "start a virtual walk instead"."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.models.base import utcnow
from app.models.walks import SafetyTimerTicket, SavedWalk, VirtualWalk
from app.services import walks
from tests.fixtures.many_forms import id_problems
from tests.helpers import sign_in, soup, text


def walk_data(campus, **overrides) -> dict:
    data = {"from_place": str(campus["garage"].id), "from_other": "",
            "to_place": str(campus["rail"].id), "to_other": "", "minutes": "10",
            "phone": "(555) 010-1234", "name": "Pat Walker", "emergency_phone": "555 010 9999",
            "submission_key": "walk-" + "a" * 20}
    return data | overrides


def started(client, campus, **overrides) -> str:
    """Start a walk through the form; the walk page's path (its private link)."""
    response = client.post("/walk/", data=walk_data(campus, **overrides))
    assert response.status_code == 303, response.get_data(as_text=True)
    path = response.headers["Location"]
    assert re.fullmatch(r"/walk/[A-Za-z0-9_-]{40,}", path)
    return path


def walk_count(db) -> int:
    return db.session.scalar(select(func.count(VirtualWalk.id)))


def test_the_start_page_says_what_is_kept_and_shows_the_emergency_number(client, campus):
    page = soup(client.get("/walk/"))
    assert page.h1.text == "Start a virtual walk"
    words = page.get_text(" ")
    assert "911" in words and "dispatch is alerted at once" in words
    assert "we keep only a count of walks that ended safely" in words
    for label in ("Where are you starting from?", "Where are you going?",
                  "How many minutes should it take?", "Phone number dispatch can call you on",
                  "An emergency contact's phone (optional)"):
        assert label in [tag.get_text(" ", strip=True) for tag in page.find_all("label")]
    assert page.find("input", {"name": "save"}) is None, "only members can save a walk"


def test_starting_a_walk_shows_the_time_left_and_the_buttons(client, db, campus):
    path = started(client, campus, minutes="10")
    response = client.get(path)
    assert "no-store" in response.headers["Cache-Control"]
    page = soup(response)
    assert page.h1.text == "Your walk"
    assert page.select_one("#walk-time").text in ("10:00", "9:59")
    assert page.select_one("[data-walk-seconds]")["data-walk-seconds"] in ("600", "599")
    buttons = [b.get_text(" ", strip=True) for b in page.select("main button")]
    assert {"Help now", "I'm safe", "Add 5 minutes"} <= set(buttons)
    assert "From Garage A, Level 3 to Medical Center Light Rail Station" in text(page, strip=True)
    assert walk_count(db) == 1


def test_help_now_opens_a_p1_and_the_page_says_dispatch_was_alerted(client, db, campus):
    path = started(client, campus)
    response = client.post(f"{path}/help")
    assert response.status_code == 303 and response.headers["Location"] == path
    page = soup(client.get(path))
    alert = page.select_one("[role=alert].walk-alerted")
    assert "Dispatch has been alerted" in alert.get_text()
    assert "You pressed Help now" in alert.get_text()
    assert {"tel:5550104400", "tel:911"} <= {a["href"] for a in alert.find_all("a")}
    [ticket] = db.session.scalars(select(SafetyTimerTicket)).all()
    assert ticket.priority == 1 and ticket.reason == "help_now"
    follow = page.find("a", string=re.compile(ticket.reference))["href"]
    assert "Why dispatch was alerted" in text(client.get(follow))


def test_a_walk_that_runs_out_tells_the_walker_dispatch_was_alerted(client, db, campus):
    path = started(client, campus, minutes="5")
    assert walks.fire_due_walks(now=utcnow() + timedelta(minutes=5, seconds=5)) == 1
    page = soup(client.get(path))
    assert page.h1.text == "Dispatch has been alerted"
    assert "Your safety timer ran out" in text(page, strip=True)
    assert page.find("a", href="tel:5550104400") is not None


def test_im_safe_deletes_the_walk_and_its_link_opens_nothing(client, db, campus):
    path = started(client, campus)
    response = client.post(f"{path}/safe")
    assert response.headers["Location"] == "/walk/ended"
    assert "You are safe" in text(client.get("/walk/ended"))
    assert walk_count(db) == 0
    gone = client.get(path)
    assert gone.status_code == 404 and "Walk not found" in text(gone)
    assert walks.fire_due_walks(now=utcnow() + timedelta(days=1)) == 0


def test_add_five_minutes_is_limited(app, client, db, campus):
    path = started(client, campus, minutes="5")
    for _ in range(app.config["WALK_MAX_EXTENSIONS"]):
        client.post(f"{path}/more-time")
    page = soup(client.get(path))
    assert "You cannot add more time to this walk." in text(page, strip=True)
    assert page.find("button", string="Add 5 minutes") is None
    refused = client.post(f"{path}/more-time", follow_redirects=True)
    assert "You cannot add more time to this walk" in text(refused)
    walk = db.session.scalars(select(VirtualWalk)).one()
    assert walk.extensions == app.config["WALK_MAX_EXTENSIONS"]


def test_shared_position_is_kept_then_erased_by_stop(client, db, campus):
    path = started(client, campus)
    response = client.post(f"{path}/position",
                           data={"latitude": "39.29041", "longitude": "-76.61229",
                                 "accuracy": "8"})
    assert response.status_code == 200 and response.json == {"kept": True}
    assert "We have your position from" in text(client.get(path))
    client.post(f"{path}/position/stop")
    walk = db.session.scalars(select(VirtualWalk)).one()
    assert walk.latitude is None and walk.longitude is None


def test_dispatch_sees_the_walk_and_the_walker_does_not_see_the_emergency_contact(
        client, login_as, db, campus):
    path = started(client, campus)
    client.post(f"{path}/position", data={"latitude": "39.2904", "longitude": "-76.6122",
                                          "accuracy": "15"})
    walks.fire_due_walks(now=utcnow() + timedelta(minutes=11))
    ticket = db.session.scalars(select(SafetyTimerTicket)).one()
    desk = login_as("dispatcher")
    board = text(desk.get("/dispatch/"))
    assert ticket.reference in board and "Safety timer ran out" in board
    details = text(desk.get(f"/dispatch/tickets/{ticket.id}"), strip=True)
    for words in ("Safety timer ran out", "Garage A, Level 3", "555 010 9999",
                  "39.2904, -76.6122 within about 15 m", "Pat Walker"):
        assert words in details, words
    follow = soup(client.get(path)).find("a", string=re.compile(ticket.reference))["href"]
    assert "555 010 9999" not in text(client.get(follow))


def test_a_member_saves_a_walk_starts_it_again_and_deletes_it(client, db, campus, make_user):
    member = make_user(name="Mo Member")
    sign_in(client, member)
    assert soup(client.get("/walk/")).find("input", {"name": "save"}) is not None
    started(client, campus, save="y")
    saved = db.session.scalars(select(SavedWalk)).one()
    page = soup(client.get("/walk/"))
    assert "Garage A, Level 3 to Medical Center Light Rail Station" in text(page, strip=True)
    response = client.post(f"/walk/saved/{saved.id}/start")
    assert response.status_code == 303 and response.headers["Location"].startswith("/walk/")
    assert walk_count(db) == 2
    client.post(f"/walk/saved/{saved.id}/delete")
    assert db.session.scalar(select(func.count(SavedWalk.id))) == 0


def test_someone_elses_saved_walk_is_not_found(client, db, campus, make_user):
    owner, other = make_user(), make_user()
    sign_in(client, owner)
    started(client, campus, save="y")
    saved_id = db.session.scalars(select(SavedWalk.id)).one()
    intruder = client.application.test_client()
    sign_in(intruder, other)
    assert intruder.post(f"/walk/saved/{saved_id}/start").status_code == 404
    assert intruder.post(f"/walk/saved/{saved_id}/delete").status_code == 404
    assert db.session.scalar(select(func.count(SavedWalk.id))) == 1


def test_the_escort_page_offers_a_virtual_walk_with_its_places(client, make_escort, campus):
    escort = make_escort()
    page = soup(client.get(f"/track/{escort.reference}/{escort.token}"))
    link = page.find("a", string="Start a virtual walk instead")
    assert "Officer delayed?" in text(page, strip=True)
    form = soup(client.get(link["href"]))
    assert form.select_one("#from_place option[selected]")["value"] == str(campus["garage"].id)
    assert form.select_one("#to_place option[selected]")["value"] == str(campus["rail"].id)


def test_a_double_submit_leads_to_the_one_walk_it_started(client, db, campus):
    first = started(client, campus, submission_key="walk-" + "d" * 20)
    again = client.post("/walk/", data=walk_data(campus, submission_key="walk-" + "d" * 20))
    assert again.status_code == 303 and again.headers["Location"] == first
    assert walk_count(db) == 1


def test_a_double_tap_on_a_saved_walk_starts_one_walk(client, db, campus, make_user):
    sign_in(client, make_user())
    started(client, campus, save="y")
    saved_id = db.session.scalars(select(SavedWalk.id)).one()
    page = soup(client.get("/walk/"))
    key = page.select_one(f"#submission_key-{saved_id}")["value"]
    taps = [client.post(f"/walk/saved/{saved_id}/start", data={"submission_key": key})
            for _ in range(2)]
    assert taps[0].headers["Location"] == taps[1].headers["Location"]
    assert walk_count(db) == 2  # the first walk (from the form) and this one


def test_the_start_page_with_saved_walks_has_unique_ids(client, campus, make_user):
    sign_in(client, make_user())
    started(client, campus, save="y", submission_key="walk-" + "1" * 20)
    started(client, campus, save="y", minutes="20", submission_key="walk-" + "2" * 20)
    html = client.get("/walk/").get_data(as_text=True)
    assert html.count("Start this walk") == 2
    assert id_problems(html) == []


def test_pages_of_several_forms_have_unique_ids_with_csrf_on_as_in_production(
        client, custom_app, campus, make_user):
    """The tests turn CSRF off; production renders a token input in every form."""
    member = make_user()
    sign_in(client, member)
    walk_page = started(client, campus, save="y", submission_key="walk-" + "3" * 20)
    started(client, campus, save="y", minutes="20", submission_key="walk-" + "4" * 20)
    production = custom_app(WTF_CSRF_ENABLED=True).test_client()
    sign_in(production, member)
    for path in ("/walk/", walk_page):
        html = production.get(path).get_data(as_text=True)
        assert html.count('name="csrf_token"') >= 2, path
        assert id_problems(html) == [], path
