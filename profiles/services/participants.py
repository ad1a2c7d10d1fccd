"""Writes to participant records: every change goes through here.

Views, admin actions and management commands call these functions, so the
optimistic lock, the status transitions and the audit trail are applied the
same way whoever makes the change.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from profiles.services import review
from profiles.rules.fields import DATA_COLUMNS
from profiles.models import Participant, Photo, UploadAttempt, User
from profiles.photos import check_photo, sanitize_jpeg


class EditConflict(Exception):
    """The record changed since the form was opened."""


class EditingClosed(Exception):
    """The deadline has passed and editing was not reopened."""


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


def save_participant_data(participant, values, *, expected_version, by, reason="", now=None,
                          check_deadline=True):
    """Store validated values; refuse a stale version or a closed deadline.

    The version guard is one conditional UPDATE, so two saves racing on any
    database cannot both pass it.
    """
    now = now or timezone.now()
    if check_deadline and not participant.can_edit(now):
        raise EditingClosed
    with transaction.atomic():
        bumped = Participant.objects.filter(pk=participant.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not bumped:
            raise EditConflict
        fresh = Participant.objects.select_related("batch").get(pk=participant.pk)
        data_changed = False
        for field, value in values.items():
            if field in DATA_COLUMNS and getattr(fresh, field) != value:
                data_changed = True
            setattr(fresh, field, value)
        if data_changed:
            fresh.revoked = review.revoke_approval(fresh, by_participant=is_participant(by))
        fresh._history_user = by
        fresh._change_reason = reason or ("Update Profil" if by and not by.is_staff else "Admin")
        fresh.save()
    return fresh


def accept_photo(participant, data, *, by, now=None, check_deadline=True, auto_fixed=False,
                 original=None, pipeline_version="", changes=None, count_attempt=True):
    """Check an upload; store it only when no blocking check fails.

    Returns (report, photo); photo is None when the upload was refused. The
    current photo stays until the new one is stored, and old ones are kept (until
    profiles.services.retention prunes them). Raises UploadLimitReached past the hourly limit.
    A photo made by the fixer (photo_fixes.accept_fix) passes auto_fixed, the
    pipeline version, its changes and the participant's upload (`original`, bytes),
    which is kept privately for staff to compare; its upload was counted when the fix
    was asked for (count_attempt=False). The stored photo's `revoked` attribute says what
    the new version cancelled (review.revoke_approval).
    """
    now = now or timezone.now()
    if check_deadline and not participant.can_edit(now):
        raise EditingClosed
    attempt = record_upload_attempt(participant, by=by, now=now) if count_attempt else None
    report = check_photo(data)
    if not report.ok:
        return report, None
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
    return report, photo


PHOTO_FIELDS = ["photo", *review.APPROVAL_FIELDS, "updated_at"]


def is_participant(user):
    return user is not None and not user.is_staff


def create_participant(nip, batch, values, *, by=None):
    """One participant and its account, first sign-in with the NIP (no hash computed)."""
    with transaction.atomic():
        user = User(username=nip)
        user.set_unusable_password()
        user.save()
        participant = Participant(nip=nip, user=user, batch=batch, **values)
        participant._history_user = by
        participant._change_reason = "Dibuat"
        participant.save()
    return participant
