"""The certificate preview as a PDF (WeasyPrint), offline, and kept once made.

The fonts are shipped in static/fonts/ and read from disk; the photo is embedded as a
data: URI read through the photo storage. The URL fetcher refuses everything else, so a
name or a template can never make the server fetch a URL.

A PDF costs about a second of CPU, and participants open it again and again while they
check their data: it is kept in the private storage under a key made from everything it
shows (the printed lines, the batch's lines, the photo version, the templates), so a
change to any of them makes a new one and an unchanged record is never rendered twice,
whichever server is asked. Only the participant's latest preview is kept.
"""

import base64
import hashlib
import json
import logging
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils.crypto import salted_hmac

from profiles.rules.printing import certificate_lines
from profiles.services.files import STORAGE_ERRORS

logger = logging.getLogger(__name__)

STATIC_DIR = Path(settings.BASE_DIR) / "static"
FONTS_DIR = STATIC_DIR / "fonts"
TEMPLATES = ("profiles/certificate_pdf.html", "profiles/_certificate_body.html")
PREVIEW_DIR = "pratinjau-sertifikat"


def photo_data_uri(photo):
    if photo is None:
        return ""
    with photo.file.open("rb") as handle:
        data = handle.read()
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def local_static_fetcher(root=STATIC_DIR):
    """A WeasyPrint URL fetcher for data: URIs and files under static/, nothing else."""
    # WeasyPrint parses its stylesheets on import: load it when a PDF is asked for.
    from weasyprint.urls import URLFetcher

    root = Path(root).resolve()

    class LocalStaticFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if not path.is_relative_to(root) or not path.is_file():
                    raise ValueError(f"Not a local static file: {url}")
            elif not url.startswith("data:"):
                raise ValueError(f"Refused URL: {url}")
            return super().fetch(url, headers)

    return LocalStaticFetcher(allowed_protocols={"file", "data"})


def render_pdf(html):
    from weasyprint import HTML

    base_url = FONTS_DIR.as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=local_static_fetcher()).write_pdf()


@lru_cache(maxsize=1)
def templates_digest():
    """The certificate templates as deployed: a new release with new templates, new PDFs."""
    digest = hashlib.sha256()
    for name in TEMPLATES:
        digest.update((Path(settings.BASE_DIR) / "templates" / name).read_bytes())
    return digest.hexdigest()


def preview_folder(participant):
    # Keyed by a keyed hash of the NIP, never the NIP (it holds the birth date and gender).
    return f"{PREVIEW_DIR}/{salted_hmac('certificate-preview', participant.pk).hexdigest()[:24]}"


def preview_key(participant):
    """Where the preview of this record version and photo is kept."""
    batch = participant.batch
    shown = {
        "lines": asdict(certificate_lines(participant)),
        "batch": [batch.name, batch.certificate_title, batch.training_name],
        "photo": participant.photo.uuid.hex if participant.photo_id else None,
        "version": participant.version,
        "templates": templates_digest(),
    }
    digest = hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()
    return f"{preview_folder(participant)}/{digest[:32]}.pdf"


def preview_pdf(participant, html):
    """The preview PDF, from storage when this version was rendered before; `html()` gives
    the page to render otherwise. A storage that cannot keep it costs only the cache."""
    storage = storages["default"]
    key = preview_key(participant)
    try:
        with storage.open(key, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        pass
    except STORAGE_ERRORS:
        logger.warning("certificate preview cache unreadable", exc_info=True)
    pdf = render_pdf(html())
    try:
        _forget_older_previews(storage, participant, keep=key)
        storage.save(key, ContentFile(pdf))
    except STORAGE_ERRORS:
        logger.warning("certificate preview not kept", exc_info=True)
    return pdf


def _forget_older_previews(storage, participant, keep):
    folder = preview_folder(participant)
    try:
        _, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        if f"{folder}/{name}" != keep:
            storage.delete(f"{folder}/{name}")
