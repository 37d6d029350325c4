"""Sending a stored photo to an authorised member of staff (the view has checked who)."""
from __future__ import annotations

from flask import Response, abort, send_file

from app.core import uploads
from app.web.headers import no_store


def serve_photo(name: str, download_name: str, mimetype: str | None = None) -> Response:
    """A stored photo as a response: never cached, never sniffed, sandboxed; 404 if gone."""
    path = uploads.path_for(name)
    if path is None or not path.is_file():
        abort(404)
    no_store()
    mimetype = mimetype or ("image/png" if name.endswith(".png") else "image/jpeg")
    response = send_file(path, mimetype=mimetype, as_attachment=False,
                         download_name=download_name, conditional=False, etag=False, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
