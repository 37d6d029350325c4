"""The issue's "done when", on phones: a nurse on 5B books a standby for 3 p.m. in room
5-112, the dispatcher sees "Research Tower · 5B · 5-112" on the board and assigns it, the
officer's phone shows the full path and the unit's phone, and the night charge nurse sees it
on My unit. Then each other unit request kind reaches the board the same way, and the
escort form's location field filters as one types. Every page is checked with axe-core."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.core.timezones import local_today
from tests.browser.journey import expect, sign_in
from tests.fixtures.browser import PHONE, WAIT_MS

pytestmark = pytest.mark.browser


@pytest.fixture()
def phone(browser):
    """Another phone for each person (its own cookies)."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport=PHONE)
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def send(page, assert_accessible) -> str:
    with page.expect_navigation():
        page.get_by_role("button", name="Send the request").click()
    expect(page).to_have_url(re.compile(r"/units/confirmation/"))
    assert_accessible(page)
    return page.locator(".reference").inner_text()


def test_a_nurse_books_a_standby_for_three_and_the_night_nurse_sees_it(
        live_server, phone, assert_accessible, make_user, make_nurse, research_tower):
    dispatcher = make_user(roles=("dispatcher",))
    officer = make_user(roles=("officer",), name="Xavier Officer", display_name="Officer X")
    day_nurse = make_nurse(research_tower["5B"], name="Day Nurse")
    night_nurse = make_nurse(research_tower["5B"], name="Night Charge Nurse")

    nurse = phone()
    sign_in(nurse, live_server, day_nurse, assert_accessible)
    nurse.goto(live_server + "/units/")
    assert_accessible(nurse)
    nurse.get_by_role("link", name="Patient standby").click()
    expect(nurse.get_by_role("heading", name="Patient standby")).to_be_visible()
    assert_accessible(nurse)
    nurse.get_by_label("At a later time").check()
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    nurse.get_by_role("textbox", name=re.compile("^Date")).fill(tomorrow)
    nurse.get_by_role("textbox", name=re.compile("^Time")).fill("15:00")
    nurse.get_by_label("Room or place on the unit").select_option(label="5-112")
    nurse.get_by_label("The risk, in a few words").fill("MRN 00482913")
    with nurse.expect_navigation():
        nurse.get_by_role("button", name="Send the request").click()
    expect(nurse.locator(".error-summary")).to_contain_text("Leave out the patient's name")
    assert_accessible(nurse)
    nurse.get_by_label("The risk, in a few words").fill("agitated, has struck staff before")
    nurse.get_by_label("Restraints are planned").check()
    reference = send(nurse, assert_accessible)

    desk = phone()
    sign_in(desk, live_server, dispatcher)
    desk.goto(live_server + "/dispatch/")
    row = desk.locator(f"tr[data-reference='{reference}']")
    expect(row).to_contain_text("Research Tower · 5B · 5-112")
    assert_accessible(desk)
    row.get_by_role("link", name=reference).click()
    expect(desk.locator("main")).to_contain_text("Research Tower · Floor 5 · 5B · 5-112")
    desk.get_by_label("Officer", exact=True).select_option(label="Officer X")
    desk.get_by_role("button", name="Assign", exact=True).click()
    expect(desk.locator(".flashes")).to_contain_text("Assigned to Officer X.")

    beat = phone()
    sign_in(beat, live_server, officer)
    beat.goto(live_server + "/dispatch/mine")
    beat.locator("li.assignment", has_text=reference).get_by_role("link").first.click()
    expect(beat.locator("main")).to_contain_text("Research Tower · Floor 5 · 5B · 5-112")
    expect(beat.get_by_role("link", name="Call 5B: (555) 010-5050")).to_have_attribute(
        "href", "tel:5550105050")
    assert_accessible(beat)

    night = phone()
    sign_in(night, live_server, night_nurse)
    night.goto(live_server + "/units/mine")
    card = night.locator(".card", has_text=reference)
    expect(card).to_contain_text("15:00")
    expect(card).to_contain_text("Assigned")
    expect(card).to_contain_text("Day Nurse")
    assert_accessible(night)


@pytest.mark.parametrize(("link", "fill"), [
    ("Unit security consult", {"What worries the unit": "A visitor keeps coming back"}),
    ("Elopement-risk watch", {"What to watch for, in a few words": "tries stairwell doors"}),
    ("Valuables pickup", {"What to collect or return": "Wallet and phone for the safe"}),
])
def test_each_other_unit_request_reaches_the_board(live_server, phone, assert_accessible,
                                                   make_user, make_nurse, research_tower,
                                                   link, fill):
    nurse = phone()
    sign_in(nurse, live_server, make_nurse(research_tower["5B"]))
    nurse.goto(live_server + "/units/")
    nurse.get_by_role("link", name=link).click()
    nurse.get_by_label("Or type the room or place").fill("5-112")
    for label, value in fill.items():
        nurse.get_by_label(label).fill(value)
    reference = send(nurse, assert_accessible)

    desk = phone()
    sign_in(desk, live_server, make_user(roles=("dispatcher",)))
    desk.goto(live_server + "/dispatch/")
    expect(desk.locator(f"tr[data-reference='{reference}']")).to_contain_text(
        "Research Tower · 5B · 5-112")


def test_the_location_field_filters_as_one_types(live_server, page, assert_accessible,
                                                 research_tower):
    page.goto(live_server + "/escorts/")
    page.get_by_label("Type to filter the list").first.fill("tower 5b")
    expect(page.get_by_label("Where should the officer meet you?")).to_have_value(
        str(research_tower["5B"].id))
    assert_accessible(page)


def test_a_nurse_books_in_spanish_and_a_time_left_under_now_is_asked_about(
        live_server, phone, assert_accessible, make_nurse, research_tower):
    """In Spanish on a phone: a 3 p.m. time left behind after switching back to "Now" is
    not booked for now; the message sits on the time, in view, and the nurse fixes it."""
    nurse = phone()
    sign_in(nurse, live_server, make_nurse(research_tower["5B"], name="Enfermera Noche"))
    nurse.goto(live_server + "/units/")
    nurse.locator("header a.language-link").click()
    expect(nurse.locator("html")).to_have_attribute("lang", "es")
    assert_accessible(nurse)
    nurse.get_by_role("link", name="Presencia de seguridad con un paciente").click()
    assert_accessible(nurse)
    nurse.get_by_label("Más tarde").check()
    nurse.get_by_role("textbox", name=re.compile("^Hora")).fill("15:00")
    nurse.get_by_label("Ahora").check()
    nurse.get_by_label("El riesgo, en pocas palabras").fill("agitado")
    with nurse.expect_navigation():
        nurse.get_by_role("button", name="Enviar la solicitud").click()
    time_box = nurse.get_by_role("textbox", name=re.compile("^Hora"))
    expect(time_box).to_be_visible()
    expect(nurse.locator(".error-summary")).to_contain_text("eligió “Ahora”")
    assert_accessible(nurse)
    nurse.get_by_label("Más tarde").check()
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    nurse.get_by_role("textbox", name=re.compile("^Fecha")).fill(tomorrow)
    with nurse.expect_navigation():
        nurse.get_by_role("button", name="Enviar la solicitud").click()
    expect(nurse.get_by_role("heading", name="Solicitud recibida")).to_be_visible()
    assert_accessible(nurse)
    reference = nurse.locator(".reference").inner_text()
    nurse.goto(live_server + "/units/mine")
    expect(nurse.locator(".card", has_text=reference)).to_contain_text("15:00")
    expect(nurse.locator("html")).to_have_attribute("lang", "es")
    assert_accessible(nurse)
