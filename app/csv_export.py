"""CSV exports: one way to write them, safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

# What a spreadsheet may read as a formula or a DDE call (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def csv_safe(value: object) -> str:
    """A cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(header: list[str], rows: Iterable[Iterable[object]], filename: str) -> Response:
    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in [header, *rows] if isinstance(rows, list) else _chain(header, rows):
            writer.writerow([csv_safe(cell) for cell in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)

    return Response(generate(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


def _chain(header, rows):
    yield header
    yield from rows
