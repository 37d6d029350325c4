"""The filters of GET requests.{fmt}, read and checked as the spec states them."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from werkzeug.datastructures import MultiDict

from app.core import timezones
from app.services.open311 import SERVICES
from app.services.open311_requests import MAX_RANGE, Query
from app.web.forms import EARLIEST_YEAR, LATEST_YEAR

MAX_IDS = 100
REFERENCE = re.compile(r"^[A-Za-z]{2,5}-[A-Za-z0-9]{1,10}$")
STATUSES = {"open", "closed"}


class QueryError(ValueError):
    """A filter the spec does not allow; the message names it."""


def _list(args: MultiDict, name: str, limit: int = MAX_IDS) -> list[str]:
    values = [v.strip() for raw in args.getlist(name) for v in raw.split(",") if v.strip()]
    if len(values) > limit:
        raise QueryError(f"{name}: at most {limit} values.")
    return values


def _moment(args: MultiDict, name: str) -> datetime | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw[:40])
    except ValueError:
        raise QueryError(f"{name}: give a date and time like 2026-12-01T00:00:00Z.") from None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise QueryError(f"{name}: give a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")
    return timezones.to_utc(moment)


def _range(args: MultiDict) -> tuple[datetime, datetime]:
    start, end = _moment(args, "start_date"), _moment(args, "end_date")
    if start is None and end is None:
        end = datetime.now(UTC).replace(tzinfo=None)
    if start is None:
        start = end - MAX_RANGE
    if end is None:
        end = start + MAX_RANGE
    if end < start:
        raise QueryError("end_date: must not be before start_date.")
    if end - start > MAX_RANGE:
        raise QueryError("start_date/end_date: at most 90 days apart.")
    return start, end


def read_query(args: MultiDict) -> Query:
    references = _list(args, "service_request_id")
    if any(not REFERENCE.match(ref) for ref in references):
        raise QueryError("service_request_id: not a request id of this service.")
    codes = _list(args, "service_code")
    if any(code not in SERVICES for code in codes):
        raise QueryError("service_code: not a service of this endpoint.")
    statuses = {s.lower() for s in _list(args, "status", 2)}
    if statuses - STATUSES:
        raise QueryError("status: open or closed.")
    start, end = _range(args)
    return Query(start=start, end=end, references=tuple(r.upper() for r in references),
                 codes=frozenset(codes), statuses=frozenset(statuses))
