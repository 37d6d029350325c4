"""A write that lost a race anywhere outside the dispatch pages answers a friendly 409
("someone else changed it first"), never a 500, and keeps nothing half-written."""
from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError


def test_a_lost_race_outside_dispatch_is_a_409_page_not_a_500(custom_app):
    app = custom_app()

    def lost_race():
        raise StaleDataError("UPDATE statement on table 'ticket' expected to update 1 row")

    app.add_url_rule("/test-lost-race", "test_lost_race", lost_race)
    response = app.test_client().get("/test-lost-race")
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "This changed while you were working on it" in text
    assert "nothing you sent was saved" in text
