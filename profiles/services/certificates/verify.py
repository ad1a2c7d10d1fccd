"""The public verification page's answers: what a certificate shows, and whether an uploaded
PDF is one we issued, unchanged.

An upload is ours and unchanged when its SHA-256 is on record for an issued (or revoked)
certificate AND its PAdES signature, made by our signing certificate, is intact and
covers the whole file. A single changed byte changes the hash; a file re-saved by another
program breaks the coverage.
"""

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from profiles.models import Certificate, VerificationRequest
from profiles.rules.nip import mask_nip
from profiles.services.certificates import sign

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class PublicView:
    """Everything the public page shows of a certificate, and nothing else personal."""

    valid: bool
    revoked_at: object
    number: str
    name: str
    batch_name: str
    training_name: str
    issued_at: object
    masked_nip: str


def public_view(certificate):
    name = next((value for label, value in certificate.lines if label == "Nama"), "")
    return PublicView(
        valid=certificate.state == Certificate.State.ISSUED,
        revoked_at=certificate.revoked_at,
        number=certificate.number,
        name=name,
        batch_name=certificate.template.get("batch_name", ""),
        training_name=certificate.template.get("training_name", ""),
        issued_at=certificate.issued_at,
        masked_nip=mask_nip(certificate.participant_id),
    )


def published(code):
    """The certificate behind a verification code, once issued (revoked ones too); else None."""
    return (
        Certificate.objects.filter(code=code)
        .exclude(state=Certificate.State.PENDING)
        .select_related("photo")
        .first()
    )


# Rate limit ---------------------------------------------------------------------------

def over_limit(ip_address, *, upload, now=None):
    """Count this request; True when the address has asked too often in the last ten minutes."""
    now = now or timezone.now()
    since = now - WINDOW
    recent = VerificationRequest.objects.filter(ip_address=ip_address, created_at__gte=since)
    limit = settings.VERIFY_UPLOADS_PER_10_MIN if upload else settings.VERIFY_REQUESTS_PER_10_MIN
    if upload:
        recent = recent.filter(upload=True)
    if recent.count() >= limit:
        return True
    VerificationRequest.objects.create(ip_address=ip_address, upload=upload, created_at=now)
    # Old rows are of no use to the limit.
    VerificationRequest.objects.filter(created_at__lt=now - 2 * WINDOW).delete()
    return False


# The upload check ----------------------------------------------------------------------

@dataclass(frozen=True)
class UploadCheck:
    ours: bool
    certificate: Certificate | None = None


def signature_covers_whole_file(data):
    """True when the PDF's one signature is ours, intact, and covers every byte of the file."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return False
        context = ValidationContext(trust_roots=[sign.signing_certificate()], allow_fetching=False)
        status = sign.outside_event_loop(lambda: validate_pdf_signature(signatures[0], context))
    except (PdfError, ValueError, KeyError, TypeError) as error:
        logger.info("uploaded PDF unreadable: %s", type(error).__name__)
        return False
    return bool(
        status.intact and status.valid and status.trusted
        and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    )


def check_upload(data):
    """Whether these bytes are a certificate we issued, unchanged."""
    digest = hashlib.sha256(data).hexdigest()
    certificate = (
        Certificate.objects.filter(sha256=digest).exclude(state=Certificate.State.PENDING).first()
    )
    if certificate is None or not signature_covers_whole_file(data):
        return UploadCheck(ours=False)
    return UploadCheck(ours=True, certificate=certificate)
