"""Hostile uploads, hostile text and forged links against incident reports.

None of them may reach a 500 or leave a partial record (a ticket without its photos, a
photo file without its row), and no upload is ever served from a public path.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from app import create_app
from app.models.reports import IncidentReport, ReportPhoto
from app.models.tickets import Ticket, TicketEvent
from tests.fixtures.reports import image_bytes, jpeg_with_gps, report_data, upload
from tests.helpers import soup


def send(client, photos=(), **overrides):
    data = report_data(**overrides)
    if photos:
        data["photos"] = list(photos)
    return client.post("/report/suspicious_package", data=data,
                       content_type="multipart/form-data")


def stored_files(app) -> set[str]:
    return {p.name for p in Path(app.config["UPLOAD_DIR"]).iterdir()}


def bomb_png(size=(20000, 20000)) -> bytes:
    out = io.BytesIO()
    Image.new("1", size, 0).save(out, "PNG")
    return out.getvalue()


def refused(client, app, db, photos, message):
    before = stored_files(app)
    response = send(client, photos=photos)
    assert response.status_code == 400
    error = soup(response).select_one("#photos-error")
    assert error is not None and message in error.get_text()
    assert db.session.query(Ticket).count() == 0
    assert db.session.query(ReportPhoto).count() == 0
    assert stored_files(app) == before
    return response


@pytest.mark.parametrize(("data", "name", "kind", "message"), [
    (b"<html><body><script>alert(1)</script></body></html>", "photo.jpg", "image/jpeg",
     "not a photo"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "photo.svg",
     "image/svg+xml", "not a photo"),
    (b"MZ\x90\x00 an executable pretending", "photo.png", "image/png", "could not be read"),
    (b"", "empty.jpg", "image/jpeg", "empty"),
    (image_bytes(size=(300, 300))[:400], "cut.jpg", "image/jpeg", "damaged"),
    (image_bytes() + b"<script>alert(1)</script>", "poly.jpg", "image/jpeg", "not a photo"),
])
def test_hostile_files_are_refused(client, app, db, data, name, kind, message):
    refused(client, app, db, [upload(data, name, kind)], message)


def test_decompression_bomb_is_refused(client, app, db):
    data = bomb_png()
    assert len(data) < 200_000
    refused(client, app, db, [upload(data, "bomb.png", "image/png")], "too many pixels")


def test_huge_dimensions_just_over_the_cap_are_refused(client, app, db):
    refused(client, app, db, [upload(bomb_png((9000, 5000)), "wide.png", "image/png")],
            "too many pixels")


def test_too_many_files(client, app, db):
    refused(client, app, db, [upload(image_bytes()) for _ in range(4)], "at most 3 photos")


def test_a_file_that_lies_about_its_type_is_judged_by_content(client, app, db):
    response = send(client, photos=[upload(image_bytes("PNG"), "holiday.gif", "text/html")])
    assert response.status_code == 303
    photo = db.session.query(ReportPhoto).one()
    assert photo.content_type == "image/jpeg" and photo.stored_name.endswith(".jpg")
    assert "holiday" not in photo.stored_name


def test_over_the_request_cap_gets_a_friendly_413_and_no_ticket(app, db):
    small = create_app("testing", MAX_CONTENT_LENGTH=50_000,
                       SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       UPLOAD_DIR=app.config["UPLOAD_DIR"])
    small.test_client_class = type(app.test_client())
    before = stored_files(app)
    response = send(small.test_client(), photos=[upload(b"\xff\xd8" + b"\x00" * 80_000)])
    assert response.status_code == 413
    page = soup(response)
    assert "too large" in page.h1.get_text()
    assert page.find("a", href="tel:911")
    assert db.session.query(Ticket).count() == 0 and stored_files(app) == before


def test_gps_and_camera_metadata_never_reach_the_disk(client, app, db):
    original = jpeg_with_gps()
    assert b"SecretCam" in original and Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    assert send(client, photos=[upload(original)]).status_code == 303
    photo = db.session.query(ReportPhoto).one()
    path = Path(app.config["UPLOAD_DIR"]) / photo.stored_name
    data = path.read_bytes()
    assert b"SecretCam" not in data and b"secret comment" not in data and b"Exif" not in data
    clean = Image.open(path)
    assert not clean.getexif() and not clean.getexif().get_ifd(0x8825)


def test_uploads_live_outside_static_and_are_not_served_publicly(client, app, db):
    send(client, photos=[upload(image_bytes())])
    photo = db.session.query(ReportPhoto).one()
    upload_dir = Path(app.config["UPLOAD_DIR"]).resolve()
    assert Path(app.static_folder).resolve() not in upload_dir.parents
    assert client.get(f"/static/{photo.stored_name}").status_code == 404
    assert client.get(f"/static/../{photo.stored_name}").status_code == 404


@pytest.mark.parametrize("role", ["member", "advocate", "trainer", "editor"])
def test_photos_refused_to_those_without_a_staff_role_for_them(client, db, login_as, role):
    send(client, photos=[upload(image_bytes())])
    photo = db.session.query(ReportPhoto).one()
    viewer = login_as(None if role == "member" else role)
    assert viewer.get(f"/report/photo/{photo.id}").status_code == 403


def test_photos_refused_to_anonymous_visitors(client, db):
    send(client, photos=[upload(image_bytes())])
    photo = db.session.query(ReportPhoto).one()
    response = client.get(f"/report/photo/{photo.id}")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


HOSTILE = [
    "<script>alert('x')</script>",
    "'; DROP TABLE ticket; --",
    "Robert\x00'); DELETE FROM report_photo;--",
    "bell\x07 escape\x1b[31m null\x00 end",
    "\u202eevil\u202c \U0001F4A3 Z\u0351\u0352a\u0353lgo \ufeff",
    "x" * 5000,
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("name", [
    "location_detail", "description", "person_height", "person_clothing", "person_direction",
    "contact_name", "contact_phone", "contact_email", "observed_at", "location", "anonymous",
    "still_happening", "submission_key",
])
def test_hostile_text_on_every_field(client, db, login_as, name, text):
    response = send(client, **{name: text})
    assert response.status_code in (303, 400), response.status_code
    if response.status_code == 400:
        assert soup(response).select_one(".error-summary")
        assert db.session.query(Ticket).count() == 0
        return
    report = db.session.query(IncidentReport).one()
    for column in ("location_detail", "description", "person_height", "person_clothing",
                   "person_direction", "contact_name", "contact_phone"):
        value = getattr(report, column) or ""
        assert "\x00" not in value and "\x07" not in value and "\u202e" not in value
    page = login_as("dispatcher").get(f"/dispatch/tickets/{report.id}").get_data(as_text=True)
    assert "<script>alert" not in page


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_forged_follow_up_tokens_open_nothing(client, db, make_report, method):
    report, token = make_report()
    for forged in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "ZZZ-NOPE99",
                   "a" * 300):
        response = client.open(f"/report/{report.reference}/{forged}/photos", method=method,
                               data={"photos": [upload(image_bytes())]},
                               content_type="multipart/form-data")
        assert response.status_code == 404
        assert client.get(f"/track/{report.reference}/{forged}").status_code == 404
    _, other_token = make_report()
    response = client.post(f"/report/{report.reference}/{other_token}/photos",
                           data={"photos": [upload(image_bytes())]},
                           content_type="multipart/form-data")
    assert response.status_code == 404
    assert db.session.query(ReportPhoto).count() == 0
    assert db.session.query(TicketEvent).count() == 2


def test_confirmation_page_shows_no_link_to_another_browser(client, app, db):
    response = send(client)
    page = soup(app.test_client().get(response.headers["Location"]))
    assert page.select_one(".private-link") is None


def test_closed_report_takes_no_more_photos(client, db, make_report, login_as):
    report, token = make_report()
    from app.services import reports

    reports.close_report(report.id, login_as("dispatcher").user, None, "unfounded")
    response = client.post(f"/report/{report.reference}/{token}/photos",
                           data={"photos": [upload(image_bytes())]},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "closed" in soup(response).get_text()
    assert db.session.query(ReportPhoto).count() == 0


def test_report_form_requires_csrf_when_enabled(app, db):
    guarded = create_app("testing", WTF_CSRF_ENABLED=True,
                         SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         UPLOAD_DIR=app.config["UPLOAD_DIR"])
    guarded.test_client_class = type(app.test_client())
    response = send(guarded.test_client())
    assert response.status_code == 400
    assert db.session.query(Ticket).count() == 0
