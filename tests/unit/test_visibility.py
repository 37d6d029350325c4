"""app.services.visibility: each role x ticket kind x assignment, one rule at a time."""
from __future__ import annotations

import pytest

from app.models.devices import LockdownRequest
from app.models.escorts import EscortRequest
from app.models.reports import IncidentReport
from app.models.support import SupportRequest
from app.services import visibility

KINDS = {"escort": EscortRequest, "incident": IncidentReport, "lockdown": LockdownRequest,
         "dv": SupportRequest}
ORDINARY = ("escort", "incident", "lockdown")
ROLES = ("dispatcher", "officer", "advocate", "admin", "trainer", "editor", None)


@pytest.fixture()
def people(make_user):
    return {role: make_user(roles=(role,) if role else ()) for role in ROLES}


def ticket(kind: str, officer=None, requester=None):
    made = KINDS[kind]()
    made.assigned_officer_id = officer.id if officer else None
    made.requester_id = requester.id if requester else None
    return made


def expected_staff(role, kind, assigned) -> bool:
    if kind == "dv":
        return role == "advocate"
    return role == "dispatcher" or (role == "officer" and assigned)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("assigned", (False, True))
def test_who_on_staff_may_see_each_kind_of_ticket(people, kind, assigned):
    for role, user in people.items():
        seen = ticket(kind, officer=user if assigned else None)
        want = expected_staff(role, kind, assigned)
        assert visibility.staff_may_see(user, seen) is want, (role, kind, assigned)
        assert visibility.staff_may_act(user, seen) is want
        assert visibility.may_see_photo(user, seen) is want


@pytest.mark.parametrize("kind", ORDINARY)
def test_an_officer_never_sees_a_ticket_assigned_to_another_officer(people, make_user, kind):
    other = make_user(roles=("officer",))
    seen = ticket(kind, officer=other)
    assert not visibility.staff_may_see(people["officer"], seen)
    assert not visibility.on_officer_page(people["officer"], seen)
    assert visibility.staff_may_see(other, seen) and visibility.on_officer_page(other, seen)


@pytest.mark.parametrize("kind", KINDS)
def test_the_dispatch_board_never_shows_a_dv_request(people, make_user, kind):
    both = make_user(roles=("dispatcher", "advocate"))
    for user in (people["dispatcher"], both):
        assert visibility.on_dispatch_board(user, ticket(kind)) is (kind != "dv")
    for role in ("officer", "advocate", "admin", None):
        assert not visibility.on_dispatch_board(people[role], ticket(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_the_officer_pages_show_own_assignments_only(people, kind):
    for role, user in people.items():
        assert not visibility.on_officer_page(user, ticket(kind)), role
        mine = ticket(kind, officer=user)
        assert visibility.on_officer_page(user, mine) is (kind != "dv"), role


def test_an_officer_assigned_to_a_dv_request_still_cannot_see_it(people):
    dv = ticket("dv", officer=people["officer"])
    assert not visibility.staff_may_see(people["officer"], dv)
    assert visibility.staff_may_see(people["advocate"], dv)


@pytest.mark.parametrize("kind", KINDS)
def test_a_requester_follows_own_ordinary_tickets_only(people, make_user, kind):
    member, stranger = people[None], make_user()
    own = ticket(kind, requester=member)
    assert visibility.requester_may_follow(member, own) is (kind != "dv")
    assert not visibility.requester_may_follow(stranger, own)
    assert not visibility.requester_may_follow(None, own)
    assert visibility.link_may_show(own) is (kind != "dv")


def test_a_ticket_marked_confidential_is_treated_as_dv_whatever_its_kind(people):
    marked = ticket("escort", officer=people["officer"])
    marked.confidential = True
    assert not visibility.staff_may_see(people["dispatcher"], marked)
    assert not visibility.staff_may_see(people["officer"], marked)
    assert visibility.staff_may_see(people["advocate"], marked)
    assert not visibility.link_may_show(marked)


def test_nobody_signed_out_sees_any_ticket():
    for kind in KINDS:
        assert not visibility.staff_may_see(None, ticket(kind))


def test_device_lookup_and_photos_are_for_dispatchers_and_officers(people):
    allowed = {role for role, user in people.items() if visibility.may_see_devices(user)}
    assert allowed == {"dispatcher", "officer"}
    assert not visibility.may_see_devices(None)


@pytest.mark.parametrize("kind", KINDS)
def test_a_supervisor_reads_every_ordinary_ticket_and_acts_on_none(make_user, kind):
    supervisor = make_user(roles=("supervisor",))
    seen = ticket(kind)
    readable = kind != "dv"
    assert visibility.staff_may_read(supervisor, seen) is readable
    assert visibility.board_may_show(supervisor, seen) is readable
    assert visibility.may_see_photo(supervisor, seen) is readable
    assert visibility.staff_may_act(supervisor, seen) is False
    assert visibility.on_dispatch_board(supervisor, seen) is False
    confidential = ticket(kind)
    confidential.confidential = True
    assert visibility.staff_may_read(supervisor, confidential) is False


def test_a_supervisor_who_dispatches_acts_but_never_on_dv(make_user):
    both = make_user(roles=("supervisor", "dispatcher"))
    assert visibility.staff_may_act(both, ticket("escort")) is True
    assert visibility.board_may_show(both, ticket("dv")) is False
