"""The SMTP fixture's wait_for fails the test when the mail it waits for never comes."""
from __future__ import annotations

import smtplib
import threading
import time

import pytest


def send(server, to: str, subject: str) -> None:
    with smtplib.SMTP(server.host, server.port, timeout=5) as smtp:
        smtp.sendmail("portal@example.org", [to],
                      f"From: portal@example.org\r\nTo: {to}\r\nSubject: {subject}\r\n\r\nHi\r\n")


def test_waiting_for_mail_that_never_comes_fails_the_test(smtp_server):
    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"expected 1 message\(s\).*got 0"):
        smtp_server.wait_for(1, timeout=0.3)
    assert time.monotonic() - started < 2


def test_waiting_for_two_when_one_came_fails_and_names_it(smtp_server):
    send(smtp_server, "a@example.org", "Only one")
    with pytest.raises(AssertionError, match=r"expected 2 .*got 1: \['Only one'\]"):
        smtp_server.wait_for(2, timeout=0.3)


def test_mail_sent_from_another_thread_is_waited_for(smtp_server):
    later = threading.Timer(0.2, send, (smtp_server, "b@example.org", "Later"))
    later.start()
    try:
        [message] = smtp_server.wait_for(1, timeout=5)
    finally:
        later.join()
    assert message["Subject"] == "Later"
