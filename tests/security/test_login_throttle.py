"""A stranger's failures slow the stranger, not the account's owner."""
from __future__ import annotations

import threading
from urllib.parse import urlsplit

from sqlalchemy import select

from app.blueprints.auth.known_device import COOKIE
from app.models.login_throttle import LoginCounter
from tests.fixtures.accounts import TEST_PASSWORD, totp_code
from tests.fixtures.auth import STRONG_PASSWORD, emails_to, error_text, link_in
from tests.helpers import post_login, run_threads

STRANGER = {"REMOTE_ADDR": "198.51.100.7"}
OWNER = {"REMOTE_ADDR": "203.0.113.20"}
OWNER_ELSEWHERE = {"REMOTE_ADDR": "192.0.2.44"}


def strangers_burst(app, email: str, attempts: int = 50) -> list:
    stranger = app.test_client()
    return [post_login(stranger, email, f"wrong guess number {n}", STRANGER)
            for n in range(attempts)]


def path_of(response) -> str:
    return urlsplit(response.headers.get("Location", "")).path


def burst_mails(db, email: str) -> list:
    return [m for m in emails_to(db, email) if m.subject == "Unsuccessful sign-ins to your account"]


def test_a_strangers_fifty_failures_do_not_stop_the_owner_on_their_known_device(app, db,
                                                                                 make_user):
    owner = make_user(roles=("dispatcher",), email="night.dispatcher@example.org")
    device = app.test_client()
    assert path_of(post_login(device, owner.email, TEST_PASSWORD, OWNER)) == "/dispatch/"
    device.post("/logout", environ_base=OWNER)

    answers = strangers_burst(app, owner.email)
    assert "paused" in error_text(answers[-1]), "the stranger is slowed"
    again = post_login(app.test_client(), owner.email, TEST_PASSWORD, STRANGER)
    assert "paused" in error_text(again), "even the right password waits, from the stranger"

    back = post_login(device, owner.email, TEST_PASSWORD, OWNER)
    assert path_of(back) == "/dispatch/", error_text(back)
    [mail] = burst_mails(db, owner.email)
    assert "198.51.100.0/24" in mail.text_body and "198.51.100.7" not in mail.text_body
    assert "10 times" in mail.text_body and "/forgot-password" in mail.text_body


def test_the_owners_known_device_works_even_on_the_strangers_network(app, db, make_user):
    owner = make_user(roles=("dispatcher",))
    device = app.test_client()
    assert path_of(post_login(device, owner.email, TEST_PASSWORD, STRANGER)) == "/dispatch/"
    device.post("/logout", environ_base=STRANGER)
    strangers_burst(app, owner.email, attempts=15)
    assert path_of(post_login(device, owner.email, TEST_PASSWORD, STRANGER)) == "/dispatch/"


def test_with_a_second_factor_the_owner_gets_in_from_a_new_device(app, db, make_user):
    owner = make_user(roles=("advocate",))
    strangers_burst(app, owner.email, attempts=15)
    fresh = app.test_client()
    step_one = post_login(fresh, owner.email, TEST_PASSWORD, OWNER_ELSEWHERE)
    assert path_of(step_one) == "/login/code", error_text(step_one)
    step_two = fresh.post("/login/code", data={"code": totp_code(owner)},
                          environ_base=OWNER_ELSEWHERE)
    assert path_of(step_two) == "/support/advocate/"
    assert len(burst_mails(db, owner.email)) == 1


def test_during_a_burst_a_wrong_password_answers_alike_with_or_without_a_factor(app, db,
                                                                              make_user):
    """The pause must not tell a guesser which accounts exist or have a second factor."""
    with_factor, without = make_user(roles=("admin",)), make_user(roles=("dispatcher",))
    answers = []
    for email in (with_factor.email, without.email, "nobody@example.org"):
        strangers_burst(app, email, attempts=12)
        response = post_login(app.test_client(), email, "another wrong guess", OWNER_ELSEWHERE)
        answers.append(error_text(response))
    assert answers[0] == answers[1] == answers[2] and "paused" in answers[0]


def test_without_a_known_device_or_second_factor_a_burst_holds_new_clients_back(app, db,
                                                                               make_user):
    owner = make_user(roles=("dispatcher",))
    strangers_burst(app, owner.email, attempts=12)
    response = post_login(app.test_client(), owner.email, TEST_PASSWORD, OWNER_ELSEWHERE)
    assert "paused" in error_text(response)
    assert "device you have used before" in error_text(response)


def test_a_password_reset_lets_the_owner_in_from_a_new_device_after_a_burst(app, db,
                                                                            make_user):
    owner = make_user(roles=("dispatcher",))
    strangers_burst(app, owner.email, attempts=12)
    fresh = app.test_client()
    fresh.post("/forgot-password", data={"email": owner.email}, environ_base=OWNER_ELSEWHERE)
    [mail] = [m for m in emails_to(db, owner.email) if m.subject == "Reset your password"]
    link = urlsplit(link_in(mail)).path
    fresh.post(link, data={"password": STRONG_PASSWORD, "confirm_password": STRONG_PASSWORD},
               environ_base=OWNER_ELSEWHERE)
    response = post_login(fresh, owner.email, STRONG_PASSWORD, OWNER_ELSEWHERE)
    assert path_of(response) == "/dispatch/", error_text(response)


def test_a_forged_or_another_accounts_known_device_cookie_counts_for_nothing(app, db,
                                                                           make_user):
    owner, other = make_user(roles=("dispatcher",)), make_user(roles=("officer",))
    others_device = app.test_client()
    assert post_login(others_device, other.email, TEST_PASSWORD, OWNER).status_code == 302
    others_device.post("/logout", environ_base=OWNER)
    strangers_burst(app, owner.email, attempts=12)
    refused = post_login(others_device, owner.email, TEST_PASSWORD, OWNER)
    assert "paused" in error_text(refused)
    forged = app.test_client()
    forged.set_cookie(COOKIE, f'[[{owner.id}, "device"]]')
    assert "paused" in error_text(post_login(forged, owner.email, TEST_PASSWORD, OWNER))


def test_one_address_trying_many_accounts_is_slowed_and_others_are_not(app, db, make_user):
    victim = make_user(roles=("officer",))
    stranger = app.test_client()
    for n in range(app.config["LOGIN_CLIENT_MAX_FAILURES"]):
        post_login(stranger, f"guess{n}@example.org", "wrong guess here", STRANGER)
    assert "paused" in error_text(post_login(stranger, victim.email, TEST_PASSWORD, STRANGER))
    assert path_of(post_login(app.test_client(), victim.email, TEST_PASSWORD, OWNER)) == \
        "/dispatch/mine"


def test_failures_counted_at_the_same_moment_are_all_counted(app, db, make_user):
    """Every worker counts on the same rows, under a row lock: no failure is lost."""
    email = make_user().email
    barrier, errors = threading.Barrier(6), []

    def attempt(n: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                post_login(app.test_client(), email, "wrong guess here",
                           {"REMOTE_ADDR": f"192.0.2.{n + 1}"})
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    run_threads(attempt, [(n,) for n in range(6)], timeout=None)
    assert not errors
    db.session.commit()
    counts = sorted(db.session.scalars(select(LoginCounter.failures)).all())
    assert counts[-1] == 6, "the account-wide counter saw all six"
