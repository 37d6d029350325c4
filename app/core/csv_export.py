"""CSV exports: one way to write them, safe to open in a spreadsheet.

Every .csv route answers through `csv_response` (tests/security/test_csv_exports.py walks
the URL map): an attachment, never stored by a browser or proxy (`no-store`: an export holds
names and places), every cell defused for spreadsheets, streamed in chunks so a large export
never sits in memory.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context

# What a spreadsheet may read as a formula or a DDE call (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def csv_safe(value: object) -> str:
    """A cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


ROWS_PER_CHUNK = 500


def csv_response(header: Iterable[object], rows: Iterable[Iterable[object]], filename: str
                 ) -> Response:
    """`rows` may be a lazy iterator (a database query): it is read while the response is
    sent, inside the request's context."""
    return Response(stream_with_context(csv_chunks(header, rows)), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


def csv_chunks(header: Iterable[object], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The CSV text, a chunk every ROWS_PER_CHUNK rows, every cell through `csv_safe`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for n, row in enumerate(_chain(header, rows), start=1):
        writer.writerow([csv_safe(cell) for cell in row])
        if n % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
    yield buffer.getvalue()


def _chain(header, rows):
    yield header
    yield from rows
