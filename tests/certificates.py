"""Issued certificates for tests: validated participants with photos, and reading a PDF back."""

import io

from profiles.models import Participant, Status
from profiles.services.certificates import issue
from tests.rosters import give_photo


def validated(participant):
    """Verified by staff, with a photo: ready for a certificate."""
    if participant.photo_id is None:
        give_photo(participant)
    Participant.objects.filter(pk=participant.pk).update(status=Status.TERVERIFIKASI)
    participant.refresh_from_db()
    return participant


def issued(participant, by=None):
    validated(participant)
    assert issue.issue_one(participant.pk, by=by) == "issued"
    return issue.live_certificate(participant)


def pdf_bytes(certificate):
    with certificate.file.open("rb") as handle:
        return handle.read()


def page_text(pdf):
    import pypdfium2

    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    try:
        return document[0].get_textpage().get_text_range()
    finally:
        document.close()


def page_image(pdf, scale=2.0):
    """The first page as an RGB numpy array."""
    import numpy
    import pypdfium2

    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    try:
        return numpy.asarray(document[0].render(scale=scale).to_pil().convert("RGB"))
    finally:
        document.close()
