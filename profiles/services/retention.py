"""How many photo versions are kept: the current one, the confirmed one, and the last few.

Older versions lose their files (the photo and the upload it was fixed from); their rows
stay, with who uploaded when, the checksum and the check report, for the audit trail.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count

from profiles.models import Participant, Photo

log = logging.getLogger(__name__)
CHUNK = 500


@dataclass
class PruneReport:
    participants: int = 0
    files: int = 0
    photo_ids: list = field(default_factory=list)  # primary keys: no NIP, no uuid (the URL)


def versions_kept():
    return getattr(settings, "PHOTO_VERSIONS_KEPT", 3)


def _with_files():
    return Photo.objects.exclude(file="")


def prunable(participant_ids, keep):
    """The photos with files beyond what is kept, for the given participants."""
    protected = set()
    for photo_id, confirmed_id in Participant.objects.filter(pk__in=participant_ids).values_list(
        "photo_id", "confirmed_photo_id"
    ):
        protected.update({photo_id, confirmed_id})
    seen = {}
    for photo in _with_files().filter(participant_id__in=participant_ids).order_by("participant_id", "-uploaded_at", "-pk"):
        rank = seen[photo.participant_id] = seen.get(photo.participant_id, 0) + 1
        if rank > keep and photo.pk not in protected:
            yield photo


def prune_photos(*, keep=None, dry_run=False):
    keep = versions_kept() if keep is None else keep
    if keep < 0:
        raise ValueError("keep must be 0 or more")
    report = PruneReport()
    crowded = list(
        _with_files().values("participant_id").annotate(n=Count("pk")).filter(n__gt=keep)
        .values_list("participant_id", flat=True)
    )
    touched = set()
    for start in range(0, len(crowded), CHUNK):
        for photo in prunable(crowded[start:start + CHUNK], keep):
            touched.add(photo.participant_id)
            report.photo_ids.append(photo.pk)
            report.files += 1 + bool(photo.original)
            if not dry_run:
                photo.file.delete(save=False)
                if photo.original:
                    photo.original.delete(save=False)
                Photo.objects.filter(pk=photo.pk).update(file="", original="")
    report.participants = len(touched)
    log.info(
        "prune_photos%s: %d files of %d photo versions for %d participants removed; photo ids %s",
        " (dry run)" if dry_run else "", report.files, len(report.photo_ids), report.participants,
        report.photo_ids,
    )
    return report
