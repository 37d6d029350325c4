"""The Open311 rules one by one: the status mapping, the building, what status_notes may
carry, and which services exist at all."""
from __future__ import annotations

import pytest

from app.models.reports import OUTCOMES as REPORT_OUTCOMES
from app.models.tickets import CLOSED_STATUSES, OPEN_STATUSES, TicketEvent
from app.services import dispatch, open311
from app.services.followup import REQUESTER_CANCELLED
from app.services.open311_requests import open311_address, status_notes, status_of

# FixMyStreet's Open311 statuses (mySociety's open311-adapter), upper-cased as the issue
# writes them.
FIXMYSTREET = {"OPEN", "CLOSED", "FIXED", "IN_PROGRESS", "ACTION_SCHEDULED", "INVESTIGATING",
               "DUPLICATE", "NOT_COUNCILS_RESPONSIBILITY", "NO_FURTHER_ACTION",
               "INTERNAL_REFERRAL"}
ALL_OUTCOMES = (set(REPORT_OUTCOMES) | set(dispatch.OUTCOME_LABELS) | {REQUESTER_CANCELLED})


class FakeTicket:
    def __init__(self, status, outcome=None, events=(), requester_id=None):
        self.status, self.outcome, self.events = status, outcome, list(events)
        self.requester_id = requester_id

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES


@pytest.mark.parametrize("status", OPEN_STATUSES)
def test_every_open_status_is_open_and_has_an_extended_name(status):
    ticket = FakeTicket(status)
    assert status_of(ticket) == "open"
    assert status_of(ticket, extended=True) in FIXMYSTREET


@pytest.mark.parametrize("status", CLOSED_STATUSES)
@pytest.mark.parametrize("outcome", sorted(ALL_OUTCOMES) + [None])
def test_every_outcome_of_every_closed_ticket_has_an_extended_name(status, outcome):
    ticket = FakeTicket(status, outcome)
    assert status_of(ticket) == "closed"
    assert status_of(ticket, extended=True) in FIXMYSTREET


def test_the_telling_outcomes_keep_their_meaning():
    def extended(outcome):
        return status_of(FakeTicket("resolved", outcome), extended=True)

    assert extended("referred") == "NOT_COUNCILS_RESPONSIBILITY"
    assert extended("duplicate") == "DUPLICATE"
    assert extended("unfounded") == "NO_FURTHER_ACTION"
    assert extended("completed") == "FIXED"


def test_the_address_is_the_building_and_nothing_is_no_address(make_location):
    lobby = make_location("Main Lobby")
    assert open311_address(lobby) == ("Main Lobby", lobby.id)
    assert open311_address(None) == ("", None)


def test_status_notes_carry_staff_status_notes_never_messages_or_internal_notes():
    staff, requester = 7, 9
    events = [
        TicketEvent(kind="created", body="Report received", visible_to_requester=True),
        TicketEvent(kind="note", actor_id=staff, body="internal: caller sounded drunk"),
        TicketEvent(kind="message_out", actor_id=staff, body="Hi Ann, are you safe?",
                    visible_to_requester=True),
        TicketEvent(kind="message_in", actor_id=requester, body="I am Ann",
                    visible_to_requester=True),
        TicketEvent(kind="status", actor_id=staff, body="Officer checking the east lifts",
                    visible_to_requester=True),
        TicketEvent(kind="status", actor_id=staff, body="Box removed by facilities",
                    visible_to_requester=True),
        TicketEvent(kind="outcome", actor_id=staff, body="Resolved", visible_to_requester=True),
    ]
    notes = status_notes(FakeTicket("resolved", "completed", events, requester_id=requester))
    assert notes == "Box removed by facilities Resolved"


def test_no_service_is_a_dv_request_or_an_escort():
    kinds = {service.kind for service in open311.SERVICES.values()}
    assert kinds == {open311.REPORT, open311.OUTREACH}
    assert all(service.published_by_default for service in open311.SERVICES.values())


def test_by_default_every_service_is_published(db):
    assert open311.published_codes() == set(open311.SERVICES)
