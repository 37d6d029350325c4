"""Small files must not cost large memory: a 113 KB PNG that says 6300 x 6300 pixels is
refused from its header, before a single row is decoded, even eight at once.

Each measurement runs in a fresh process (its peak RSS, `ru_maxrss`, is its own): the child
serves the report form through the app, eight threads post at the same moment, and it
reports the statuses, the form's messages, how many images Pillow decoded and the growth
of its peak memory. No timing is asserted.
"""
from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

CONCURRENT = 8


def blank_png(width: int, height: int) -> bytes:
    """A valid all-black RGB PNG of any size, built row by row (no big buffer here)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    packer, row, parts = zlib.compressobj(9), b"\x00" + b"\x00" * (width * 3), []
    for _ in range(height):
        parts.append(packer.compress(row))
    parts.append(packer.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts))
            + chunk(b"IEND", b""))


def child(photo_path: str, db_path: str, upload_dir: str) -> None:
    """Run in the subprocess: print one JSON line with what eight concurrent posts did."""
    import io
    import resource
    import threading

    from PIL import ImageFile

    from app import create_app
    from app.extensions import db
    from tests.helpers import soup

    decoded = []
    original_load = ImageFile.ImageFile.load

    def counting_load(self, *args, **kwargs):
        decoded.append(self.size)
        return original_load(self, *args, **kwargs)

    ImageFile.ImageFile.load = counting_load
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_path}",
                     UPLOAD_DIR=upload_dir)
    with app.app_context():
        db.create_all()
    photo = Path(photo_path).read_bytes()
    data = {"location": "", "location_detail": "Lobby", "description": "A box",
            "observed_at": "2026-11-01T10:00"}

    def post(client, image=photo):
        files = [(io.BytesIO(image), f"p{n}.png") for n in range(3)]
        return client.post("/report/suspicious_package", data={**data, "photos": files},
                           content_type="multipart/form-data")

    post(app.test_client(), blank_png(64, 64))  # warm up: imports, templates, pool
    decoded.clear()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, results = threading.Barrier(CONCURRENT), []

    def one() -> None:
        client = app.test_client()
        start.wait()
        response = post(client)
        summary = soup(response).select_one(".error-summary")
        results.append((response.status_code, summary.get_text(" ", strip=True)
                        if summary else ""))

    threads = [threading.Thread(target=one) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"results": results, "decoded": decoded,
                      "growth_mb": round((peak - baseline) / 1024, 1)}))


def measure(tmp_path, width: int, height: int) -> dict:
    photo = tmp_path / "photo.png"
    photo.write_bytes(blank_png(width, height))
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    code = ("from tests.security.test_upload_memory import child; "
            f"child({str(photo)!r}, {str(tmp_path / 'm.sqlite3')!r}, {str(uploads)!r})")
    # As README's service unit runs it: glibc keeps freed memory per thread arena, so a
    # threaded worker would otherwise hold each thread's last decode long after it is done.
    env = {**os.environ, "PORTAL_ENV": "testing", "MALLOC_ARENA_MAX": "2"}
    env.pop("TEST_DATABASE_URL", None)  # the child uses its own SQLite file
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env=env, cwd=os.getcwd())
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["file_kb"] = round(photo.stat().st_size / 1024)
    print(f"\n{CONCURRENT} concurrent posts of 3 x {width}x{height} PNG "
          f"({result['file_kb']} KB each): peak RSS grew {result['growth_mb']} MB")
    return result


def test_eight_concurrent_6300_pixel_square_pngs_are_refused_without_decoding(tmp_path):
    result = measure(tmp_path, 6300, 6300)
    assert result["file_kb"] < 200
    assert [status for status, _ in result["results"]] == [400] * CONCURRENT
    assert all("too many pixels" in message for _, message in result["results"])
    assert result["decoded"] == [], "refused from the header: no image was decoded"
    assert result["growth_mb"] < 64


def test_eight_concurrent_uploads_of_the_largest_accepted_photo_stay_bounded(tmp_path):
    """The worst case that is accepted: 3 photos just under UPLOAD_MAX_PIXELS (24 MP) per
    post, eight posts at once. One decode at a time per process (UPLOAD_DECODE_CONCURRENCY),
    so the peak stays near one decoded photo (~170 MB for 24 MP), not twenty-four."""
    result = measure(tmp_path, 4890, 4890)
    assert [status for status, _ in result["results"]] == [303] * CONCURRENT
    assert result["decoded"], "accepted photos are decoded (and re-encoded)"
    assert result["growth_mb"] < 400
