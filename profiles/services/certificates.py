"""The certificate preview as a PDF (WeasyPrint), offline.

The fonts are shipped in static/fonts/ and read from disk; the photo is embedded as a
data: URI read through the photo storage. The URL fetcher refuses everything else, so a
name or a template can never make the server fetch a URL.
"""

import base64
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings

STATIC_DIR = Path(settings.BASE_DIR) / "static"
FONTS_DIR = STATIC_DIR / "fonts"


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
