"""LIKE patterns built from what someone typed: `%`, `_` and `\\` are letters, never wildcards.

Every search in the portal goes through these helpers, so no query box can list every row.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, func

ESCAPE = "\\"


def escape_like(text: str) -> str:
    """`text` with LIKE's wildcards and the escape character itself escaped."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def contains(column, text: str) -> ColumnElement[bool]:
    """`column` contains `text` literally (case as the database compares it)."""
    return column.like(f"%{escape_like(text)}%", escape=ESCAPE)


def icontains(column, text: str) -> ColumnElement[bool]:
    """`column` contains `text` literally, ignoring case, on SQLite and PostgreSQL alike."""
    return func.lower(column).like(f"%{escape_like(text.lower())}%", escape=ESCAPE)


def startswith(column, text: str) -> ColumnElement[bool]:
    """`column` starts with `text` literally."""
    return column.like(f"{escape_like(text)}%", escape=ESCAPE)

