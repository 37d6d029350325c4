"""No URL, however hostile, is a server error: every route of the URL map, with hostile
values in each path argument and in every query parameter the app reads, answers a 2xx,
3xx or 4xx page, for an anonymous visitor and for staff holding every role, on SQLite and
on PostgreSQL (TEST_DATABASE_URL)."""
from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from app.models.accounts import STAFF_ROLES
from app.web.sessions import AUTO_REFRESH_PARAM

HOSTILE = [str(2**31), str(2**63), str(2**64 + 1), "-1", "\x00", "x" * 3000, str(10**30),
           "-5", "%00"]
# Every name read from a query string or a GET form (grep request.args, Form(request.args)),
# and the numbers forms post (version, capacity...).
QUERY_NAMES = ["page", "q", "next", "date_from", "date_to", "kind", "topic", "audience",
               "device", AUTO_REFRESH_PARAM, "status", "priority", "officer", "building",
               "overdue", "unassigned", "outcome", "action", "actor", "object_type",
               "object_id", "role", "sort", "category", "id", "per_page", "view", "version",
               "capacity", "party_size", "duration_minutes", "location_id", "trainer_id",
               "devices", "location", "from_place", "to_place", "roles"]
SKIP = {"static"}
ARGUMENT = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


def url_with(rule: str, value: str) -> str:
    return ARGUMENT.sub(lambda _: quote(value, safe=""), rule)


def _sample(rule: str) -> str:
    """The rule with harmless values that match nothing: an id, or a reference-like word."""
    def one(match: re.Match) -> str:
        return "987654" if match.group(0).startswith("<int:") else "ZZZ-NOPE99"
    return ARGUMENT.sub(one, rule)


def requests_for(app):
    """(method, url, form data) for every hostile request of every rule."""
    last = ("auth.logout",)  # signing out would make the rest of the walk anonymous
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in last, r.rule)):
        if rule.endpoint in SKIP:
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for value in HOSTILE:
            for method in methods:
                if rule.arguments:
                    yield method, url_with(rule.rule, value), {}
                base = _sample(rule.rule)
                if method == "GET":
                    yield method, base + "?" + urlencode({n: value for n in QUERY_NAMES}), {}
                else:
                    yield method, base + "?" + urlencode({"page": value, "q": value}), {
                        n: value for n in QUERY_NAMES}


def server_errors(client, requests) -> list[str]:
    failures = []
    for method, url, data in requests:
        try:
            response = client.open(url, method=method, data=data)
            if response.mimetype != "text/event-stream":  # a live stream never ends by itself
                response.get_data()  # a streamed body (CSV) fails while it is read
            status = response.status_code
            response.close()
        except Exception as error:  # noqa: BLE001 - a raised error is a 500 in production
            failures.append(f"{method} {url[:120]} raised {type(error).__name__}: {error}"[:300])
            continue
        if status >= 500:
            failures.append(f"{method} {url[:120]} -> {status}")
    return failures


def test_no_hostile_url_or_query_is_a_server_error(app, db, client, login_as):
    every_role_but_advocate = login_as(*[r for r in STAFF_ROLES if r != "advocate"])
    every_role_but_admin = login_as(*[r for r in STAFF_ROLES if r != "admin"])
    requests = list(requests_for(app))
    failures = []
    for who in (client, every_role_but_advocate, every_role_but_admin):
        failures += server_errors(who, requests)
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(
        sorted(set(failures))[:60])
