""""Perbaiki foto otomatis": an upload handed to the photo fixer in the background, and
the participant's choice to use the result or not.

The upload and everything made from it stay private files of a PhotoFix until the
participant clicks "Gunakan foto ini" (accept_fix); only then does the result become a
new photo version, through photo_versions.store_photo like any upload.
"""

import io
import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps

from profiles.services import jobs, participants
from profiles.services.photo_versions import record_upload_attempt, store_photo
from profiles.models import PhotoFix
from profiles.photos import check_photo, fix_photo, get_config
from profiles.photos import inputs
from profiles.photos.vendored import ModelFileError

logger = logging.getLogger(__name__)

# The upload view reads no more than this; the fixer reads every type a phone makes.
READ_LIMIT = 20 * 1024 * 1024
PREVIEW_HEIGHT = 800

State = PhotoFix.State
# The states in which the fixer has not finished yet: the page keeps polling.
PENDING = (State.QUEUED, State.RUNNING)

STALLED = (
    "Antrean sedang penuh atau server pemroses foto belum berjalan, jadi foto Anda belum "
    "diproses. Foto Anda tidak hilang: klik \u201cCoba lagi\u201d, atau coba beberapa menit lagi."
)
FAILED = (
    "Perbaikan foto gagal karena gangguan di server, bukan karena foto Anda. "
    "Klik \u201cCoba lagi\u201d; jika tetap gagal, hubungi panitia."
)


class FixError(Exception):
    """A request about a fix that cannot be done now; str() is an Indonesian sentence."""


class FixNotReady(FixError):
    pass


class FixAlreadyUsed(FixError):
    pass


class FixTooLarge(FixError):
    pass


def own_fix(participant, fix_uuid):
    """The participant's own fix; another's is PhotoFix.DoesNotExist, like a missing one."""
    return PhotoFix.objects.get(uuid=fix_uuid, participant=participant)


def keep_refused_upload(participant, data, *, by, now=None):
    """Keep a refused upload so "Perbaiki foto otomatis" needs no second upload.

    Only the latest one is kept: earlier uploads nobody asked to fix are deleted.
    """
    now = now or timezone.now()
    _check_open(participant, now)
    for old in PhotoFix.objects.filter(participant=participant, state=State.AWAITING):
        _discard_files(old)
        old.state = State.DISCARDED
        old.save(update_fields=["state", "source", "preview", "result"])
    fix = _new_fix(participant, data, state=State.AWAITING, now=now)
    # Decoding the upload for its preview is the worker's job, never the request's: a
    # small file can hold a very large image.
    preview_task.enqueue(fix.pk)
    fix.refresh_from_db()  # with the immediate backend (tests) the preview is there now
    return fix


def start_fix(participant, data, *, by, now=None):
    """Store an upload privately and queue the fixer on it; it counts as an upload
    against the hourly limit (photo_versions.UploadLimitReached)."""
    now = now or timezone.now()
    _check_open(participant, now)
    record_upload_attempt(participant, by=by, now=now)
    fix = _new_fix(participant, data, state=State.QUEUED, now=now)
    return _enqueue(fix, now)


def queue_kept_upload(participant, fix_uuid, *, by, now=None):
    """The participant asked to fix the upload kept by keep_refused_upload."""
    now = now or timezone.now()
    _check_open(participant, now)
    fix = own_fix(participant, fix_uuid)
    claimed = PhotoFix.objects.filter(pk=fix.pk, state=State.AWAITING).update(
        state=State.QUEUED, queued_at=now
    )
    if not claimed:
        fix.refresh_from_db()
        if fix.state in (State.ACCEPTED, State.DISCARDED):
            raise FixAlreadyUsed("Foto ini sudah tidak tersedia. Unggah foto lagi.")
        return fix  # already queued (a double click): the same fix
    fix.refresh_from_db()
    return _enqueue(fix, now)


def is_stalled(fix, now=None):
    """Queued and not picked up by any worker within settings.TASK_PICKUP_TIMEOUT."""
    if fix.state != State.QUEUED or fix.queued_at is None:
        return False
    return (now or timezone.now()) - fix.queued_at > timedelta(seconds=settings.TASK_PICKUP_TIMEOUT)


def retry_fix(participant, fix_uuid, *, by, now=None):
    """Queue again a fix no worker picked up, or one that failed on the server."""
    now = now or timezone.now()
    _check_open(participant, now)
    fix = own_fix(participant, fix_uuid)
    if fix.state == State.FAILED:
        claimed = PhotoFix.objects.filter(pk=fix.pk, state=State.FAILED).update(
            state=State.QUEUED, queued_at=now, finished_at=None
        )
    elif is_stalled(fix, now):
        # The first job may still run later; run_fix then finds the fix taken and stops.
        claimed = PhotoFix.objects.filter(pk=fix.pk, state=State.QUEUED, queued_at=fix.queued_at).update(
            queued_at=now
        )
    else:
        raise FixNotReady("Perbaikan ini tidak perlu diulang.")
    fix.refresh_from_db()
    if not claimed:
        return fix
    return _enqueue(fix, now)


def run_fix(fix_id):
    """The worker's part: run the fixer on the stored upload and keep what it made.

    Idempotent: a fix that is not queued (already run, running elsewhere, accepted or
    discarded) is left as it is.
    """
    claimed = PhotoFix.objects.filter(pk=fix_id, state=State.QUEUED).update(state=State.RUNNING)
    if not claimed:
        return
    fix = PhotoFix.objects.get(pk=fix_id)
    try:
        with fix.source.open("rb") as source:
            data = source.read()
        result = fix_photo(data)
    except (ModelFileError, OSError):
        # A deployment fault (missing model, unreadable storage), not the participant's photo.
        logger.exception("Photo fix %s failed", fix.pk)
        _finish(fix, State.FAILED, {})
        return
    except Exception:
        _finish(fix, State.FAILED, {})
        raise
    files = {}
    if result.original_preview:
        files["preview"] = result.original_preview
    values = {"pipeline_version": result.pipeline_version, "warnings": list(result.warnings)}
    if result.ok:
        files["result"] = result.data
        values.update(changes=list(result.changes), report=result.report.to_dict())
        _finish(fix, State.DONE, values, files)
    else:
        values.update(refused_code=result.refused.code, refused_message=result.refused.message)
        _finish(fix, State.REFUSED, values, files)


def accept_fix(participant, fix_uuid, *, by, now=None):
    """"Gunakan foto ini": the fixed photo becomes a new photo version, flagged as auto-fixed,
    with the participant's upload kept privately as its original."""
    now = now or timezone.now()
    _check_open(participant, now)
    fix = own_fix(participant, fix_uuid)
    if fix.state in (State.ACCEPTED, State.DISCARDED):
        raise FixAlreadyUsed("Hasil perbaikan ini sudah dipakai atau dibuang. Muat ulang halaman foto.")
    if fix.state != State.DONE:
        raise FixNotReady("Hasil perbaikan belum siap.")
    with fix.result.open("rb") as result:
        fixed = result.read()
    with fix.source.open("rb") as source:
        original = source.read()
    with transaction.atomic():
        # Claimed first, so two clicks (or two tabs) make one photo version.
        if not PhotoFix.objects.filter(pk=fix.pk, state=State.DONE).update(state=State.ACCEPTED):
            raise FixAlreadyUsed("Hasil perbaikan ini sudah dipakai. Muat ulang halaman foto.")
        report = check_photo(fixed)
        if not report.ok:
            # The fixer checked its output with the same rules; the rules changed since.
            raise FixNotReady("Hasil perbaikan tidak lagi memenuhi syarat foto. Unggah ulang foto Anda.")
        # Its upload was counted when the fix was asked for (start_fix, or the refused upload).
        photo = store_photo(
            participant, fixed, report, by=by, now=now, auto_fixed=True, original=original,
            pipeline_version=fix.pipeline_version, changes=fix.changes,
        )
        PhotoFix.objects.filter(pk=fix.pk).update(photo=photo, finished_at=fix.finished_at or now)
    fix.refresh_from_db()
    # The upload now lives on as the photo's original; the fix's copies are not needed.
    _discard_files(fix)
    fix.save(update_fields=["source", "preview", "result"])
    return photo


def discard_fix(participant, fix_uuid, *, by, now=None):
    """"Unggah ulang": the fix and its files are thrown away; the current photo stays."""
    fix = own_fix(participant, fix_uuid)
    if fix.state == State.ACCEPTED:
        raise FixAlreadyUsed("Hasil perbaikan ini sudah dipakai sebagai foto Anda.")
    if fix.state == State.DISCARDED:
        return fix
    if not PhotoFix.objects.filter(pk=fix.pk).exclude(state=State.ACCEPTED).update(state=State.DISCARDED):
        raise FixAlreadyUsed("Hasil perbaikan ini sudah dipakai sebagai foto Anda.")
    fix.refresh_from_db()
    _discard_files(fix)
    fix.finished_at = fix.finished_at or (now or timezone.now())
    fix.save(update_fields=["source", "preview", "result", "finished_at"])
    return fix


def problem_message(fix, now=None):
    """What went wrong that the participant can retry, or ""."""
    if fix.state == State.FAILED:
        return FAILED
    if is_stalled(fix, now):
        return STALLED
    return ""


# -----------------------------------------------------------------------------------------


def _check_open(participant, now):
    if not participant.can_edit(now):
        raise participants.EditingClosed


def _new_fix(participant, data, *, state, now):
    if len(data) > READ_LIMIT:
        raise FixTooLarge(
            f"File {len(data) / 1024 / 1024:.1f} MB terlalu besar untuk diperbaiki (batas "
            f"{READ_LIMIT // 1024 // 1024} MB). Pilih foto asli dari kamera atau galeri."
        )
    fix = PhotoFix(participant=participant, state=state, created_at=now)
    fix.source.save("asli", ContentFile(data), save=False)
    fix.save()
    return fix


def make_preview(fix_id):
    """The worker's part of keep_refused_upload: the preview of the kept upload, unless the
    fix has one already (the fixer made it) or is gone."""
    fix = PhotoFix.objects.filter(pk=fix_id).first()
    if fix is None or fix.preview or not fix.source:
        return
    try:
        with fix.source.open("rb") as source:
            thumbnail = preview_of(source.read())
    except FileNotFoundError:
        return  # discarded meanwhile
    if thumbnail is None:
        return
    fix.preview.save("preview.jpg", ContentFile(thumbnail), save=False)
    if not PhotoFix.objects.filter(pk=fix.pk, preview="").update(preview=fix.preview.name):
        fix.preview.storage.delete(fix.preview.name)


def preview_of(data):
    """The upload upright as a small metadata-free JPEG, or None when it cannot be read.

    The browser is never sent the upload itself: it may be HEIC, or not an image at all.
    """
    try:
        upright = inputs.open_upright(data, get_config().max_pixels, PREVIEW_HEIGHT)
    except inputs.InputProblem:
        return None
    image = Image.fromarray(upright.rgb)
    if image.height > PREVIEW_HEIGHT:
        image = ImageOps.contain(image, (10 * PREVIEW_HEIGHT, PREVIEW_HEIGHT), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _retry_preview(fix_id):
    """The worker making this preview died: queue it again while the kept upload waits
    without one (the upload page keeps asking for it)."""
    if not PhotoFix.objects.filter(pk=fix_id, state=State.AWAITING, preview="").exists():
        return None
    return preview_task.enqueue(fix_id).id


def _no_preview(fix_id):
    """The preview job failed, or lost its worker twice: the page shows no preview (it stops
    asking after a minute); the kept upload can still be fixed, which makes a preview of
    its own."""
    logger.warning("preview of photo fix %s not made: its job failed or lost its worker twice", fix_id)


@jobs.leased_task(retry=_retry_preview, fail=_no_preview)
def preview_task(fix_id):
    make_preview(fix_id)


def _retry_abandoned(fix_id):
    """The worker running this fix died (jobs.py): queue it again if it is not finished
    (still queued when the worker died between claiming the job and starting the fix)."""
    now = timezone.now()
    if not PhotoFix.objects.filter(pk=fix_id, state__in=PENDING).update(state=State.QUEUED, queued_at=now):
        return None
    return _enqueue(PhotoFix.objects.get(pk=fix_id), now).task_id


def _fail_abandoned(fix_id):
    """The fix cannot finish: the participant is told it failed and may try again."""
    PhotoFix.objects.filter(pk=fix_id, state__in=PENDING).update(state=State.FAILED, finished_at=timezone.now())


@jobs.leased_task(retry=_retry_abandoned, fail=_fail_abandoned)
def fix_photo_task(fix_id):
    # "Perbaiki foto otomatis": up to seconds of CPU, so never inside the request.
    run_fix(fix_id)


def _enqueue(fix, now):
    PhotoFix.objects.filter(pk=fix.pk).update(queued_at=now)
    result = fix_photo_task.enqueue(fix.pk)
    # With the immediate backend the job has already run: keep its outcome.
    PhotoFix.objects.filter(pk=fix.pk).update(task_id=str(result.id)[:64])
    fix.refresh_from_db()
    return fix


def _finish(fix, state, values, files=None):
    """Record the outcome, unless the participant discarded the fix while it ran."""
    stored = {}
    for name, data in (files or {}).items():
        field = getattr(fix, name)
        field.save(f"{name}.jpg", ContentFile(data), save=False)
        stored[name] = field.name
    replaced = PhotoFix.objects.filter(pk=fix.pk).values_list("preview", flat=True).get()
    updated = PhotoFix.objects.filter(pk=fix.pk, state=State.RUNNING).update(
        state=state, finished_at=timezone.now(), **values, **stored
    )
    storage = fix.source.storage
    if not updated:
        for name in stored.values():
            storage.delete(name)
    elif "preview" in stored and replaced and replaced != stored["preview"]:
        storage.delete(replaced)
    fix.refresh_from_db()


def _discard_files(fix):
    for field in (fix.source, fix.preview, fix.result):
        if field:
            field.delete(save=False)
