"""A hospital's room list as a CSV file: read, checked line by line, added all or nothing.

The file has a header line `name,kind,parent` and optionally `description` and `phone`
columns (docs/guide-admins.md). `parent` is the path of the place it is in, as the portal
writes it ("Research Tower · Floor 5 · 5B"; "Research Tower > Floor 5 > 5B" also reads),
either an existing place or one added by an earlier line. Every problem is reported with
its line number, and a file with any problem adds nothing.
"""
from __future__ import annotations

import csv
import io
import unicodedata

from app.models.accounts import User
from app.services.locations import ImportRefused, PlaceFields, import_places

MAX_BYTES = 512 * 1024
MAX_ROWS = 5000
MAX_PROBLEMS = 20
COLUMNS = ("name", "kind", "parent", "description", "phone")
REQUIRED = ("name", "kind", "parent")
LIMITS = {"name": 120, "kind": 20, "parent": 600, "description": 240, "phone": 40}


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportRefused([f"The file is larger than {MAX_BYTES // 1024} KB: split it."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(["The file is not UTF-8 text: save it as “CSV UTF-8”."]) from None
    if "\x00" in text:
        raise ImportRefused(["The file is not a CSV text file."])
    return text


def _cell(row: dict, name: str, line: int, problems: list[str]) -> str:
    value = unicodedata.normalize("NFC", (row.get(name) or "").strip())
    if len(value) > LIMITS[name]:
        problems.append(f"Line {line}: the {name} is longer than {LIMITS[name]} characters.")
    elif any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        problems.append(f"Line {line}: the {name} has invalid or invisible characters.")
    return value


def _fields(row: dict, line: int, problems: list[str]) -> tuple[PlaceFields, str | None] | None:
    found = len(problems)
    cells = {name: _cell(row, name, line, problems) for name in COLUMNS}
    if None in row:
        problems.append(f"Line {line}: more cells than the header names.")
    if not cells["name"]:
        problems.append(f"Line {line}: the name is empty.")
    if len(problems) > found:
        return None
    parent = cells["parent"].replace(" > ", " · ") or None
    fields = PlaceFields(name=cells["name"], kind=cells["kind"].lower(),
                         description=cells["description"] or None, phone=cells["phone"] or None)
    return fields, parent


def read_rows(data: bytes) -> list[tuple[int, PlaceFields, str | None]]:
    """The file's places with their line numbers; ImportRefused lists every problem."""
    reader = csv.DictReader(io.StringIO(_decode(data), newline=""))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing or any(name not in COLUMNS for name in header):
        raise ImportRefused([f"Line 1: the header must be {','.join(COLUMNS[:3])} "
                             "(and optionally description,phone)."])
    reader.fieldnames = header
    rows, problems = [], []
    try:
        for row in reader:
            if reader.line_num > MAX_ROWS + 1:
                raise ImportRefused([f"The file has more than {MAX_ROWS} places: split it."])
            read = _fields(row, reader.line_num, problems)
            if read is not None:
                rows.append((reader.line_num, *read))
    except csv.Error as error:
        problems.append(f"Line {reader.line_num}: not readable as CSV ({error}).")
    if not rows and not problems:
        problems.append("The file has no places under its header line.")
    if problems:
        raise ImportRefused(problems[:MAX_PROBLEMS])
    return rows


def import_room_list(admin: User, data: bytes) -> int:
    """Add every place of the file, or none; returns how many were added."""
    rows = read_rows(data)
    try:
        return import_places(admin, rows)
    except ImportRefused as refused:
        raise ImportRefused(refused.problems[:MAX_PROBLEMS]) from None
