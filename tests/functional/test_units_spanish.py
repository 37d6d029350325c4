"""The unit requests in Spanish: every page a nurse opens (the unit, the four forms, the
confirmation, the follow page, My unit, the employees-only page) is in Spanish, and the
refusal of a patient identifier explains itself in Spanish (tests/spanish.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models.tickets import Ticket
from tests.functional.test_units import FORM_DATA, book
from tests.helpers import soup
from tests.spanish import SPANISH, assert_spanish


@pytest.fixture()
def nurse(login_as, make_nurse, research_tower):
    return login_as(user=make_nurse(research_tower["5B"], name="Nina Nurse"))


@pytest.mark.parametrize("path", ["/units/", "/units/unit", "/units/mine",
                                  *(f"/units/{slug}" for slug in FORM_DATA)])
def test_each_unit_page_is_in_spanish(nurse, path):
    response = nurse.get(path, headers=SPANISH)
    assert response.status_code == 200
    assert_spanish(response)


@pytest.mark.parametrize("slug", list(FORM_DATA))
def test_a_booking_its_confirmation_follow_page_and_my_unit_are_in_spanish(nurse, slug):
    response = book(nurse, slug, headers=SPANISH)
    assert response.status_code == 303
    confirmation = nurse.get(response.headers["Location"], headers=SPANISH)
    assert_spanish(confirmation)
    follow = nurse.get(soup(confirmation).select_one(".private-link a")["href"], headers=SPANISH)
    assert_spanish(follow)
    mine = nurse.get("/units/mine", headers=SPANISH)
    assert_spanish(mine)
    assert soup(mine).select(".card")


@pytest.mark.parametrize(("risk", "words"), [
    ("MRN 4471203, agitated", "Esto parece un número de historia clínica"),
    ("born 03/04/1961", "Esto parece una fecha de nacimiento"),
    ("Mr. Jones is agitated", "Esto parece el nombre de un paciente"),
])
def test_an_identifier_is_refused_in_spanish_and_nothing_is_written(nurse, db, risk, words):
    response = book(nurse, "standby", headers=SPANISH, risk=risk)
    assert response.status_code == 400
    assert_spanish(response)
    assert words in soup(response).select_one(".error-summary").get_text()
    assert db.session.scalar(select(func.count(Ticket.id))) == 0


def test_a_time_error_is_explained_in_spanish(nurse):
    response = book(nurse, "standby", headers=SPANISH, when="later", date="2020-01-01",
                    time="15:00")
    assert response.status_code == 400
    assert_spanish(response)


def test_the_employees_only_page_is_in_spanish(login_as, research_tower):
    visitor = login_as(None, affiliation="visitor")
    response = visitor.get("/units/", headers=SPANISH)
    assert response.status_code == 403
    assert_spanish(response)
