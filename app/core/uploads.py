"""Image uploads: checked by decoding, re-encoded clean, stored outside static/.

Used by incident reports and reusable by any feature that accepts photos:

1. `prepare(data)` (in a form validator) decodes the bytes with Pillow: the content
   decides, never the file name or Content-Type. It refuses empty, oversized, truncated,
   non-image, markup-carrying and decompression-bomb files with a message for the form,
   applies the EXIF orientation, downscales, and re-encodes to JPEG (PNG when there is
   transparency). Re-encoding drops EXIF (GPS included), XMP, ICC profiles and comments,
   and anything appended to the file. Nothing is written yet.
2. `kept(prepared)` writes the files under random names, and deletes them again if the
   block fails, so a failed transaction leaves no orphan file:

       with uploads.kept(prepared) as stored:
           my_use_case(..., stored)

3. `path_for(name)` finds a stored file for an authorised view to send
   (app.web.uploads.serve_photo sends it).
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from app.core.i18n import lazy_gettext as _l

try:  # HEIC/HEIF from iPhones, when the maintained decoder is installed
    from pillow_heif import register_heif_opener

    register_heif_opener()
    ACCEPTED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "HEIF")
except ImportError:  # pragma: no cover - pillow-heif is pinned in requirements.txt
    ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")

ImageFile.LOAD_TRUNCATED_IMAGES = False
ACCEPTED_DESCRIPTION = _l("JPEG, PNG, WebP or HEIC")
THE_PHOTO = _l("The photo")
# Markup inside an "image" means a polyglot (e.g. HTML hidden in a JPEG): refuse it outright.
# Only long tags are searched, so that compressed photo data cannot match by chance.
MARKUP = re.compile(rb"<(?:script|html|body|iframe|!doctype)[\s>/]", re.IGNORECASE)
# SVG, HTML and XML begin with "<" (after optional whitespace or a byte-order mark).
MARKUP_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<")
STORED_NAME = re.compile(r"^[A-Za-z0-9_-]{20,60}\.(?:jpg|png)$")
DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
                 Image.DecompressionBombError, Image.DecompressionBombWarning)


class UploadError(ValueError):
    """A file we refuse; the message is shown on the form."""


@dataclass(frozen=True)
class PreparedImage:
    """A validated, re-encoded image, still in memory."""

    data: bytes
    content_type: str
    extension: str
    width: int
    height: int

    @property
    def byte_size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class StoredImage:
    stored_name: str
    content_type: str
    width: int
    height: int
    byte_size: int


def megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def read_limited(stream, limit: int) -> bytes:
    """At most limit + 1 bytes of an uploaded stream (so "too large" can be told apart)."""
    return stream.read(limit + 1)


def prepare(data: bytes, label: str = THE_PHOTO) -> PreparedImage:
    """Validate and re-encode one uploaded image, or raise UploadError saying why."""
    config = current_app.config
    if not data:
        raise UploadError(_l("%(label)s is empty. Choose the photo again.", label=label))
    if len(data) > config["UPLOAD_MAX_BYTES"]:
        raise UploadError(_l("%(label)s is larger than %(size)s.", label=label,
                                size=megabytes(config["UPLOAD_MAX_BYTES"])))
    if MARKUP_START.match(data[:64]) or MARKUP.search(data):
        raise UploadError(_l("%(label)s is not a photo we can accept (%(formats)s).", label=label,
                                formats=ACCEPTED_DESCRIPTION))
    image = _open(data, label, config["UPLOAD_MAX_PIXELS"])
    with _decode_slot(config["UPLOAD_DECODE_CONCURRENCY"]), image:  # close frees the pixels
        _load(image, label, config["UPLOAD_MAX_DIMENSION"])
        return _reencode(image, config["UPLOAD_MAX_DIMENSION"])


def _open(data: bytes, label: str, max_pixels: int) -> Image.Image:
    """The image with only its header read: refused here, before any pixel is decoded,
    when width x height (what decoding would allocate) is over the limit."""
    Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow's own check in open(), as a second guard
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels(label, max_pixels) from exc
        except DECODE_ERRORS as exc:
            raise _unreadable(label) from exc
    if image.width * image.height > max_pixels:
        raise _too_many_pixels(label, max_pixels)
    return image


def _load(image: Image.Image, label: str, max_dimension: int) -> None:
    """Decode the pixels; a JPEG at the smallest scale that still covers max_dimension."""
    if image.format == "JPEG":
        image.draft("RGB", (max_dimension, max_dimension))
    try:
        image.load()
    except DECODE_ERRORS as exc:
        raise _unreadable(label) from exc


def _too_many_pixels(label: str, max_pixels: int) -> UploadError:
    return UploadError(_l("%(label)s has too many pixels (the limit is %(limit)s megapixels). "
                          "Choose a smaller photo, or a screenshot of it.", label=label,
                          limit=f"{max_pixels / 1_000_000:g}"))


def _unreadable(label: str) -> UploadError:
    return UploadError(_l("%(label)s could not be read as a %(formats)s image, or it is damaged. "
                          "Choose another photo.", label=label, formats=ACCEPTED_DESCRIPTION))


_SLOTS: dict[int, threading.BoundedSemaphore] = {}


def _decode_slot(count: int) -> threading.BoundedSemaphore:
    """At most `count` images decoded at once in this process: decoded pixels are what
    costs memory, so this bounds a worker's peak however many uploads arrive together."""
    return _SLOTS.setdefault(max(1, count), threading.BoundedSemaphore(max(1, count)))


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def _reencode(image: Image.Image, max_dimension: int) -> PreparedImage:
    """Orient, downscale and save afresh: no metadata survives (info is emptied first).
    Works in place where Pillow allows, so a large photo is not copied at full size."""
    ImageOps.exif_transpose(image, in_place=True)
    alpha = _has_alpha(image)
    mode = "RGBA" if alpha else "RGB"
    if image.mode not in ("RGB", "RGBA", "L"):  # palette, 1-bit, 16-bit: resample in colour
        image = image.convert(mode)
    image.thumbnail((max_dimension, max_dimension), Image.Resampling.LANCZOS)
    if image.mode != mode:
        image = image.convert(mode)
    image.info = {}
    out = io.BytesIO()
    with image:
        if alpha:
            image.save(out, "PNG", optimize=True)
            kind, extension = "image/png", "png"
        else:
            image.save(out, "JPEG", quality=85, optimize=True)
            kind, extension = "image/jpeg", "jpg"
        return PreparedImage(out.getvalue(), kind, extension, image.width, image.height)


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(prepared: PreparedImage) -> StoredImage:
    """Write one prepared image under a fresh random name (never overwriting)."""
    name = f"{secrets.token_urlsafe(24)}.{prepared.extension}"
    path = upload_dir() / name
    with open(path, "xb") as handle:
        handle.write(prepared.data)
    os.chmod(path, 0o640)
    return StoredImage(name, prepared.content_type, prepared.width, prepared.height,
                       prepared.byte_size)


def delete(names: list[str]) -> None:
    for name in names:
        path = path_for(name)
        if path is not None:
            path.unlink(missing_ok=True)


@contextlib.contextmanager
def kept(prepared: list[PreparedImage]) -> Iterator[list[StoredImage]]:
    """Store the images for the block; delete them again if the block raises."""
    stored: list[StoredImage] = []
    try:
        for image in prepared:
            stored.append(store(image))
        yield stored
    except BaseException:
        delete([s.stored_name for s in stored])
        raise


def path_for(name: str) -> Path | None:
    """The file of a stored name, or None for anything that is not one of ours."""
    if not STORED_NAME.match(name or ""):
        return None
    return Path(current_app.config["UPLOAD_DIR"]) / name
