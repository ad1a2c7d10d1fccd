"""Upload Photo: one upload in, one outcome out (stored, refused, or refused and kept for the fixer).

The view only renders the outcome. A refused upload that "Perbaiki foto otomatis" could make
pass (DOMAIN.md rules 1, 2, 3 and 9) is kept now, so the fixer needs no second upload.
"""

from dataclasses import dataclass

from django.utils import timezone

from profiles.photos import check_photo, inputs
from profiles.photos.report import PhotoReport
from profiles.models import Photo, PhotoFix
from profiles.services import photo_fixes
from profiles.services.participants import EditingClosed
from profiles.services.photo_versions import record_upload_attempt, store_photo

# The checks the fixer can make pass.
FIXABLE = frozenset({"format", "size", "ratio", "background"})


@dataclass(frozen=True)
class UploadOutcome:
    report: PhotoReport
    photo: Photo | None = None  # stored as the new photo version
    kept: PhotoFix | None = None  # refused, and kept for "Perbaiki foto otomatis"

    @property
    def stored(self):
        return self.photo is not None


def receive_upload(participant, data, *, by, now=None, check_deadline=True, keep_for_fixer=True):
    """Check an upload and store it when no blocking check fails.

    Raises EditingClosed after the deadline, UploadLimitReached past the hourly limit
    (refused uploads count too).
    """
    now = now or timezone.now()
    if check_deadline and not participant.can_edit(now):
        raise EditingClosed
    attempt = record_upload_attempt(participant, by=by, now=now)
    report = check_photo(data)
    if report.ok:
        return UploadOutcome(report, photo=store_photo(participant, data, report, by=by, now=now, attempt=attempt))
    if keep_for_fixer and FIXABLE & set(report.errors) and inputs.kind_of(data):
        return UploadOutcome(report, kept=photo_fixes.keep_refused_upload(participant, data, by=by, now=now))
    return UploadOutcome(report)
