"""The translation catalogues, for the tests: compile them, run the extraction, read them."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "app" / "translations"
SPANISH_PO = CATALOGUES / "es" / "LC_MESSAGES" / "messages.po"


def read_catalogue(path: Path = SPANISH_PO):
    with path.open("rb") as handle:
        return read_po(handle, locale="es")


def compile_catalogues() -> None:
    """Each .po into its .mo when the .mo is missing or older; written to a temporary file and
    renamed, so that parallel test workers never read half a file."""
    for po in CATALOGUES.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        handle, temporary = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as out:
            write_mo(out, read_catalogue(po))
        os.replace(temporary, mo)


def extract(destination: Path):
    """Run the same extraction as `make translations` into `destination`; the template."""
    pybabel = Path(sys.executable).with_name("pybabel")
    keywords = ["-k", "lazy_gettext", "-k", "_l", "-k", "N_"]
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", *keywords,
                    "--no-location", "-o", str(destination), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with destination.open("rb") as handle:
        return read_po(handle)
