"""The reference: the bare minimum with Flask and SQLAlchemy on the same database.

GET  /rows/new  a tiny form (for symmetry with the portal's escort form)
POST /rows      insert one row from the posted form, answer 303 (as the portal does)
GET  /rows      the 50 newest open rows as a simple HTML table (`?limit=N`: N rows, at most
                1,000, to compare with the board in a flood)

Run by benchmarks/run.py under gunicorn: `gunicorn benchmarks.reference_app:app`, with
REFERENCE_DATABASE_URL set.
"""
from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, redirect, request
from sqlalchemy import DateTime, Index, Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, scoped_session, sessionmaker


class Base(DeclarativeBase):
    pass


class ReferenceRow(Base):
    __tablename__ = "reference_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_reference_open", "status", "created_at"),)


TABLE = """<!doctype html><html lang="en"><head><title>Rows</title></head><body>
<table><thead><tr><th>Id</th><th>Title</th><th>Phone</th><th>Created</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.title }}</td><td>{{ row.phone }}</td>
<td>{{ row.created_at }}</td></tr>{% endfor %}</tbody></table></body></html>"""

FORM = """<!doctype html><html lang="en"><head><title>New</title></head><body>
<form method="post" action="/rows"><input name="title"><input name="phone">
<button>Send</button></form></body></html>"""


def create_reference_app(url: str | None = None) -> Flask:
    app = Flask(__name__)
    engine = create_engine(url or os.environ["REFERENCE_DATABASE_URL"], pool_pre_ping=True)
    session = scoped_session(sessionmaker(engine))
    table = app.jinja_env.from_string(TABLE)  # compiled once, as render_template would

    @app.teardown_appcontext
    def remove_session(_exc=None) -> None:
        session.remove()

    @app.get("/rows/new")
    def new_row():
        return FORM

    @app.post("/rows")
    def insert_row():
        row = ReferenceRow(title=request.form.get("title", "")[:200],
                           phone=request.form.get("phone", "")[:40],
                           created_at=datetime.now(UTC).replace(tzinfo=None))
        session.add(row)
        session.commit()
        return redirect(f"/rows#{row.id}", 303)

    @app.get("/rows")
    def newest_rows():
        rows = session.scalars(
            select(ReferenceRow).where(ReferenceRow.status == "open")
            .order_by(ReferenceRow.created_at.desc())
            .limit(min(request.args.get("limit", 50, type=int), 1000))
        ).all()
        return table.render(rows=rows)

    app.engine = engine
    return app


app = create_reference_app() if os.environ.get("REFERENCE_DATABASE_URL") else None
