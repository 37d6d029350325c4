"""The client_request fixture checks what a test would otherwise check by hand."""
from __future__ import annotations

import pytest


def test_a_page_by_endpoint_name_is_fetched_signed_in_and_parsed(client_request):
    user = client_request.login("dispatcher")
    page = client_request.get("dispatch.queue")
    assert client_request.user is user
    assert page.find(attrs={"data-refresh": "15"}) is not None  # the console, refreshing


def test_an_unexpected_status_fails_the_test_and_says_which(client_request):
    client_request.login("dispatcher")
    with pytest.raises(AssertionError, match=r"GET /admin/: 403, expected 200"):
        client_request.get("/admin/")
    assert client_request.get("/admin/", _expected_status=403).h1 is not None


def test_an_expected_redirect_names_where_it_goes(client_request):
    client_request.get_response("/dispatch/", _expected_redirect="/login?next=%2Fdispatch%2F")
    with pytest.raises(AssertionError):
        client_request.get_response("/dispatch/", _expected_redirect="/somewhere-else")


def test_logging_out_leaves_an_anonymous_client(client_request):
    client_request.login("dispatcher")
    client_request.logout()
    assert client_request.user is None
    client_request.get_response("/dispatch/", _expected_status=302)
