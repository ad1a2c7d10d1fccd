"""Photo versions: the one step that stores a checked photo privately, for a plain upload and
an accepted fix alike, and the hourly upload limit both paths count against.

The current photo stays until the new one is stored, and old ones are kept (until
services.retention prunes them). A new version cancels confirmation and verification
(review.revoke_approval); the stored photo's `revoked` attribute says what it cancelled.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from profiles.models import Participant, Photo, UploadAttempt
from profiles.photos import sanitize_jpeg
from profiles.services import review
from profiles.services.participants import is_participant


class UploadLimitReached(Exception):
    """Too many photo uploads by one participant within the hour (each costs CPU)."""

    def __init__(self, limit):
        self.limit = limit
        super().__init__(
            f"Anda sudah mengunggah {limit} foto dalam satu jam terakhir. Tunggu sebentar, "
            "periksa catatan pada foto sebelumnya, lalu unggah lagi."
        )


def uploads_per_hour():
    return getattr(settings, "PHOTO_UPLOADS_PER_HOUR", 20)


def record_upload_attempt(participant, *, by, now=None):
    """Count one upload (accepted or refused) against the participant's hourly limit.

    Raises UploadLimitReached when the limit is used up. Staff uploading for a participant
    are not limited. The participant row is locked so parallel uploads on several app
    servers count one after the other. Returns the attempt (None for staff).
    """
    if not is_participant(by):
        return None
    now = now or timezone.now()
    limit = uploads_per_hour()
    with transaction.atomic():
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        recent = UploadAttempt.objects.filter(participant=participant, at__gt=now - timedelta(hours=1)).count()
        if recent >= limit:
            raise UploadLimitReached(limit)
        return UploadAttempt.objects.create(participant=participant, at=now)


def store_photo(participant, data, report, *, by, now, attempt=None, auto_fixed=False, original=None,
                pipeline_version="", changes=()):
    """Store `data`, whose check `report` passed, as the participant's new photo version.

    A photo made by the fixer passes auto_fixed, the pipeline version, its changes and the
    participant's upload (`original`, bytes), kept privately for staff to compare.
    """
    clean = sanitize_jpeg(data)
    photo = Photo(
        participant=participant,
        uploaded_by=by,
        uploaded_at=now,
        width=report.width,
        height=report.height,
        size=len(clean),
        sha256=hashlib.sha256(clean).hexdigest(),
        report=report.to_dict(),
        warnings=list(report.warnings),
        auto_fixed=auto_fixed,
        pipeline_version=pipeline_version,
        changes=list(changes or []),
    )
    photo.file.save(f"{photo.uuid.hex}.jpg", ContentFile(clean), save=False)
    if original is not None:
        photo.original.save("asli", ContentFile(original), save=False)
    try:
        with transaction.atomic():
            photo.save()
            fresh = Participant.objects.select_for_update().get(pk=participant.pk)
            fresh.photo = photo
            # A new photo version makes the record what nobody has confirmed yet. The
            # version stays: a data edit open in another tab must not conflict; the
            # confirmation names the photo it covers instead.
            fresh.revoked = review.revoke_approval(fresh, by_participant=is_participant(by))
            fresh._history_user = by
            fresh._change_reason = "Perbaiki foto otomatis" if auto_fixed else "Upload Photo"
            # Only the photo and status columns: a data edit open in another
            # tab must not be overwritten, nor made to conflict.
            fresh.save(update_fields=PHOTO_FIELDS)
    except DatabaseError:
        photo.file.delete(save=False)
        if photo.original:
            photo.original.delete(save=False)
        raise
    if attempt is not None:
        UploadAttempt.objects.filter(pk=attempt.pk).update(accepted=True)
    photo.revoked = fresh.revoked
    participant.refresh_from_db()
    return photo


PHOTO_FIELDS = ["photo", *review.APPROVAL_FIELDS, "updated_at"]
