"""The generic image upload service: decode, refuse, re-encode, store, clean up."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from app.core import uploads
from app.core.uploads import UploadError
from tests.fixtures.reports import image_bytes, jpeg_with_gps


def reopen(prepared) -> Image.Image:
    return Image.open(io.BytesIO(prepared.data))


@pytest.mark.parametrize(("fmt", "mode", "expected"), [
    ("JPEG", "RGB", "image/jpeg"), ("PNG", "RGB", "image/jpeg"),
    ("WEBP", "RGB", "image/jpeg"), ("PNG", "RGBA", "image/png"),
])
def test_accepted_formats_are_reencoded(app, fmt, mode, expected):
    with app.app_context():
        color = (1, 2, 3, 100) if mode == "RGBA" else (1, 2, 3)
        prepared = uploads.prepare(image_bytes(fmt, mode=mode, color=color))
    assert prepared.content_type == expected
    assert (prepared.width, prepared.height) == (64, 48)
    assert reopen(prepared).format == ("PNG" if mode == "RGBA" else "JPEG")


def test_heic_is_decoded(app):
    pillow_heif = pytest.importorskip("pillow_heif")
    image = Image.new("RGB", (40, 30), (0, 200, 0))
    out = io.BytesIO()
    try:
        pillow_heif.from_pillow(image).save(out, quality=80)
    except Exception as exc:  # an encoder may be missing even when decoding works
        pytest.skip(f"no HEIF encoder to make a sample: {exc}")
    with app.app_context():
        prepared = uploads.prepare(out.getvalue())
    assert prepared.content_type == "image/jpeg" and prepared.width == 40


def test_metadata_is_stripped(app):
    with app.app_context():
        prepared = uploads.prepare(jpeg_with_gps())
    clean = reopen(prepared)
    assert not clean.getexif()
    assert "exif" not in clean.info and "comment" not in clean.info
    assert "icc_profile" not in clean.info and "xmp" not in clean.info
    assert b"SecretCam" not in prepared.data and b"secret comment" not in prepared.data


def test_exif_orientation_is_applied_before_stripping(app):
    with app.app_context():
        prepared = uploads.prepare(jpeg_with_gps(size=(80, 60), orientation=6))
    assert (prepared.width, prepared.height) == (60, 80)


def test_large_images_are_downscaled(app):
    with app.app_context():
        app.config["UPLOAD_MAX_DIMENSION"], saved = 100, app.config["UPLOAD_MAX_DIMENSION"]
        try:
            prepared = uploads.prepare(image_bytes(size=(400, 200)))
        finally:
            app.config["UPLOAD_MAX_DIMENSION"] = saved
    assert (prepared.width, prepared.height) == (100, 50)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"<html><script>alert(1)</script></html>", "not a photo"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "not a photo"),
    (b"%PDF-1.4 not an image", "could not be read"),
    (b"GIF89a" + b"\x00" * 40, "could not be read"),
])
def test_refusals(app, data, message):
    with app.app_context(), pytest.raises(UploadError, match=message):
        uploads.prepare(data)


def test_truncated_image_is_refused(app):
    data = image_bytes(size=(300, 300))
    with app.app_context(), pytest.raises(UploadError, match="damaged"):
        uploads.prepare(data[: len(data) // 2])


def test_polyglot_with_markup_is_refused(app):
    with app.app_context(), pytest.raises(UploadError):
        uploads.prepare(image_bytes() + b"<script>alert(document.cookie)</script>")


def test_over_the_byte_cap(app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 100)
    with app.app_context(), pytest.raises(UploadError, match="larger than"):
        uploads.prepare(image_bytes(size=(200, 200)))


def test_too_many_pixels_is_refused_before_decoding(app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_PIXELS", 10_000)
    with app.app_context(), pytest.raises(UploadError, match="too many pixels"):
        uploads.prepare(image_bytes("PNG", size=(200, 200)))


def test_kept_stores_under_random_names_and_cleans_up_on_error(app):
    with app.app_context():
        prepared = [uploads.prepare(image_bytes()), uploads.prepare(image_bytes("PNG"))]
        folder = Path(app.config["UPLOAD_DIR"])
        with uploads.kept(prepared) as stored:
            names = [s.stored_name for s in stored]
        assert all((folder / n).is_file() for n in names)
        assert len(set(names)) == 2 and all(len(n) > 30 for n in names)
        with pytest.raises(RuntimeError), uploads.kept(prepared) as stored:
            failed = [s.stored_name for s in stored]
            raise RuntimeError("transaction failed")
        assert not any((folder / n).exists() for n in failed)
        uploads.delete(names)


@pytest.mark.parametrize("name", ["../config.py", "/etc/passwd", "a.jpg", "x" * 30 + ".html",
                                  "", "..%2f" * 8 + ".jpg"])
def test_path_for_refuses_anything_but_our_names(app, name):
    with app.app_context():
        assert uploads.path_for(name) is None
