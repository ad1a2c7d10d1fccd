"""Issuing certificates: numbering, freezing, background jobs, revocation.

A certificate is issued in two steps. `claim` takes the number and freezes what will be
printed, in one transaction: the participant's row is locked, then the batch's counter
row, so two workers never share a number and never issue twice for one participant (the
database also refuses a second live certificate). `complete` renders, signs and stores
the PDF from the frozen fields only. A worker that dies between the two leaves a PENDING
certificate; the next run completes it with the same number, so a number is never reused
and a re-run after a crash issues nothing twice.

Staff start a job (`start`): the eligible records (validated, with a photo, no live
certificate yet) are split into tasks of CHUNK records for the workers, and the job
counts what they did ("1.240 dari 3.000"). A job whose heartbeat stopped for
STALL_AFTER is stalled; starting the batch again marks it failed and picks up its
PENDING certificates.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from profiles.models import Certificate, CertificateCounter, CertificateJob, Participant, certificate_upload_to
from profiles.rules.printing import certificate_lines
from profiles.services import jobs, sealed
from profiles.services.certificates import render, sign
from profiles.services.mail import queue_mail

logger = logging.getLogger(__name__)

CHUNK = 25
PROGRESS_EVERY = 5
STALL_AFTER = timedelta(minutes=10)
LIVE = [Certificate.State.PENDING, Certificate.State.ISSUED]


class InvalidPattern(ValueError):
    pass


def number_for(batch, serial, year):
    """The batch's pattern filled in: `{urut:04d}/LATSAR-{angkatan}/{tahun}` -> `0007/LATSAR-XII/2026`."""
    try:
        return batch.number_pattern.format(urut=serial, angkatan=batch.certificate_code or batch.pk, tahun=year)
    except (KeyError, IndexError, ValueError) as error:
        raise InvalidPattern(
            f"Pola nomor sertifikat angkatan {batch.name} tidak dapat dipakai ({error}); "
            "isian yang dikenal: {urut}, {angkatan}, {tahun}."
        ) from None


def check_pattern(batch):
    number_for(batch, 1, timezone.localdate().year)
    if "{urut" not in batch.number_pattern:
        raise InvalidPattern("Pola nomor sertifikat harus memuat {urut}, agar setiap nomor berbeda.")


def verify_url(certificate):
    return settings.SITE_URL + reverse("verify", kwargs={"cert_code": certificate.code})


def storage():
    return Certificate._meta.get_field("file").storage


# Who can get one -----------------------------------------------------------------------

def eligible(batch, now):
    """Validated records with a photo and no issued certificate (a PENDING one is finished)."""
    return (
        Participant.objects.filter(batch=batch).validated(now).filter(photo__isnull=False)
        .exclude(certificates__state=Certificate.State.ISSUED)
    )


@dataclass
class Plan:
    to_issue: int
    without_photo: int
    already_issued: int


def plan(batch, now=None):
    """What issuing the batch now would do (the --dry-run report)."""
    now = now or timezone.now()
    validated = Participant.objects.filter(batch=batch).validated(now)
    return Plan(
        to_issue=eligible(batch, now).count(),
        without_photo=validated.filter(photo__isnull=True).count(),
        already_issued=Certificate.objects.filter(batch=batch, state=Certificate.State.ISSUED).count(),
    )


def counts(batch, now=None):
    """Issued, revoked and pending (validated without an issued certificate) for the dashboard."""
    now = now or timezone.now()
    by_state = dict(
        Certificate.objects.filter(batch=batch).order_by().values_list("state").annotate(n=Count("pk"))
    )
    pending = (
        Participant.objects.filter(batch=batch).validated(now)
        .exclude(certificates__state=Certificate.State.ISSUED).count()
    )
    return {
        "issued": by_state.get(Certificate.State.ISSUED, 0),
        "revoked": by_state.get(Certificate.State.REVOKED, 0),
        "pending": pending,
    }


def live_certificate(participant):
    return participant.certificates.filter(state=Certificate.State.ISSUED).first()


# One certificate ----------------------------------------------------------------------

def claim(participant_id, *, by=None, job=None, now=None):
    """The participant's live certificate, numbered and frozen now if there is none yet.

    None when the record may not get one (not validated, no photo).
    """
    now = now or timezone.now()
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).select_related("batch").get(pk=participant_id)
        live = Certificate.objects.filter(participant=participant, state__in=LIVE).first()
        if live is not None:
            return live
        if participant.photo_id is None or not participant.is_validated(now):
            return None
        batch = participant.batch
        CertificateCounter.objects.get_or_create(batch=batch)
        counter = CertificateCounter.objects.select_for_update().get(batch=batch)
        counter.last += 1
        counter.save(update_fields=["last"])
        issued_on = timezone.localdate(now)
        return Certificate.objects.create(
            code=Certificate.new_code(),
            participant=participant,
            batch=batch,
            serial=counter.last,
            number=number_for(batch, counter.last, issued_on.year),
            lines=[list(row) for row in certificate_lines(participant).rows()],
            record_version=participant.version,
            photo_id=participant.photo_id,
            template=render.template_fields(batch, issued_on),
            issued_by=by,
            issued_at=now,
            job=job,
        )


def build_pdf(certificate):
    """The signed PDF of a frozen certificate (nothing read from the live record)."""
    with certificate.photo.file.open("rb") as handle:
        photo = handle.read()
    stamp = render.Stamp(
        number=certificate.number,
        lines=certificate.lines,
        photo_jpeg=photo,
        verify_url=verify_url(certificate),
        template=certificate.template,
    )
    return sign.sign(
        render.build(stamp),
        reason=f"Sertifikat nomor {certificate.number}",
        location=certificate.template.get("place") or "",
    )


def complete(certificate, now=None):
    """Render, sign and store a PENDING certificate; True when this call issued it."""
    pdf = build_pdf(certificate)
    name = storage().save(certificate_upload_to(certificate, ""), ContentFile(pdf))
    updated = Certificate.objects.filter(pk=certificate.pk, state=Certificate.State.PENDING).update(
        state=Certificate.State.ISSUED, file=name, sha256=hashlib.sha256(pdf).hexdigest(),
        signed_at=now or timezone.now(),
    )
    if not updated:
        # Another worker finished it first: keep theirs.
        storage().delete(name)
        return False
    certificate.refresh_from_db()
    _tell_issued(certificate)
    return True


def issue_one(participant_id, *, by=None, job=None, now=None):
    """"issued", "already" or "skipped" for one participant."""
    certificate = claim(participant_id, by=by, job=job, now=now)
    if certificate is None:
        return "skipped"
    if certificate.state == Certificate.State.ISSUED:
        return "already"
    return "issued" if complete(certificate, now) else "already"


def profile_url():
    return settings.SITE_URL + reverse("profile")


def _tell_issued(certificate):
    participant = certificate.participant
    if not participant.email:
        return
    queue_mail(
        kind="certificate_issued", to=participant.email, participant=participant, by=certificate.issued_by,
        context={"certificate": certificate, "profile_url": profile_url(), "verify_url": verify_url(certificate)},
    )


# Jobs ---------------------------------------------------------------------------------

def is_stalled(job, now=None):
    now = now or timezone.now()
    if job.state not in (CertificateJob.State.QUEUED, CertificateJob.State.RUNNING):
        return False
    return (job.heartbeat_at or job.created_at) < now - STALL_AFTER


def active_job(batch, now=None):
    """The batch's job still at work; a stalled one is marked failed and not returned."""
    now = now or timezone.now()
    for job in CertificateJob.objects.filter(
        batch=batch, state__in=[CertificateJob.State.QUEUED, CertificateJob.State.RUNNING]
    ):
        if not is_stalled(job, now):
            return job
        CertificateJob.objects.filter(pk=job.pk).update(
            state=CertificateJob.State.FAILED, finished_at=now,
            error="Terhenti: tidak ada kemajuan (pekerja berhenti). Sertifikat yang belum selesai diteruskan penerbitan berikutnya.",
        )
    return None


def start(batch, *, by=None, now=None):
    """Queue the issuing of every eligible certificate of the batch; the running job if there is one."""
    now = now or timezone.now()
    check_pattern(batch)
    sign.signer()  # refuse here, not in every task, when the key is missing
    with transaction.atomic():
        running = active_job(batch, now)
        if running is not None:
            return running
        nips = list(eligible(batch, now).order_by("nama", "nip").values_list("nip", flat=True))
        job = CertificateJob.objects.create(
            batch=batch, requested_by=by, total=len(nips), heartbeat_at=now,
            state=CertificateJob.State.QUEUED if nips else CertificateJob.State.DONE,
            finished_at=None if nips else now,
        )
        CertificateCounter.objects.get_or_create(batch=batch)
    for i in range(0, len(nips), CHUNK):
        # Sealed: the task table keeps a job's arguments, and these are NIPs.
        issue_chunk_task.enqueue(job.pk, sealed.seal(nips[i:i + CHUNK]))
    logger.info("certificate job %s queued: %s records", job.pk, len(nips))
    return job


# A chunk whose worker died: jobs.leased_task calls these hooks once its lease runs out
# (retried once, then failed); staff can also start the batch again (start()).
def retry_chunk(job_id, sealed_nips):
    """Queue the chunk again (claims make it idempotent); None when the job has ended."""
    if not CertificateJob.objects.filter(
        pk=job_id, state__in=[CertificateJob.State.QUEUED, CertificateJob.State.RUNNING]
    ).exists():
        return None
    return issue_chunk_task.enqueue(job_id, sealed_nips).id


def fail_chunk(job_id, sealed_nips):
    """Count the chunk's records still without a certificate as failed, and say why."""
    nips = _chunk_nips(job_id, sealed_nips)
    missing = Participant.objects.filter(pk__in=nips).exclude(certificates__state=Certificate.State.ISSUED).count()
    CertificateJob.objects.filter(pk=job_id).update(
        failed=F("failed") + missing,
        error="Sebagian penerbitan terhenti karena pekerja berhenti; terbitkan lagi untuk melanjutkan.",
    )
    _finish_if_complete(job_id)


def _chunk_nips(job_id, sealed_nips):
    nips = sealed.unseal(sealed_nips, list)
    if nips is None:
        # Sealed under another SECRET_KEY, or altered: staff issue the batch again.
        logger.warning("certificate job %s: a chunk could not be read; dropped", job_id)
        return []
    return nips


@jobs.leased_task(retry=retry_chunk, fail=fail_chunk)
def issue_chunk_task(job_id, sealed_nips):
    run_chunk(job_id, _chunk_nips(job_id, sealed_nips))


def run_chunk(job_id, nips, progress=None):
    job = CertificateJob.objects.select_related("requested_by").get(pk=job_id)
    if job.state == CertificateJob.State.FAILED:
        return
    CertificateJob.objects.filter(pk=job.pk, state=CertificateJob.State.QUEUED).update(
        state=CertificateJob.State.RUNNING
    )
    done = {"issued": 0, "skipped": 0, "failed": 0}
    for i, nip in enumerate(nips, 1):
        try:
            outcome = issue_one(nip, by=job.requested_by, job=job)
        except sign.SigningKeyMissing as error:
            CertificateJob.objects.filter(pk=job.pk).update(
                state=CertificateJob.State.FAILED, error=str(error), finished_at=timezone.now()
            )
            return
        except (OSError, IntegrityError, InvalidPattern) as error:
            logger.warning("certificate job %s: a record failed (%s)", job.pk, type(error).__name__)
            outcome = "failed"
        done[{"issued": "issued", "already": "skipped", "skipped": "skipped", "failed": "failed"}[outcome]] += 1
        if progress:
            progress(outcome)
        # The counters and the heartbeat every few records: one write less per certificate
        # for the workers to queue behind on SQLite, and still a live "1.240 dari 3.000".
        if i % PROGRESS_EVERY == 0 or i == len(nips):
            _count(job.pk, done)
            done = dict.fromkeys(done, 0)
    _finish_if_complete(job.pk)


def _count(job_id, done):
    CertificateJob.objects.filter(pk=job_id).update(
        **{field: F(field) + n for field, n in done.items() if n}, heartbeat_at=timezone.now()
    )


def _finish_if_complete(job_id):
    CertificateJob.objects.filter(
        pk=job_id, state__in=[CertificateJob.State.QUEUED, CertificateJob.State.RUNNING],
        total__lte=F("issued") + F("skipped") + F("failed"),
    ).update(state=CertificateJob.State.DONE, finished_at=timezone.now())


@dataclass
class Report:
    job: CertificateJob | None
    plan: Plan


def issue_batch(batch, *, by=None, dry_run=False, progress=None):
    """The command's run: the plan, or the whole job done in this process (no worker needed)."""
    now = timezone.now()
    report = Report(job=None, plan=plan(batch, now))
    if dry_run:
        return report
    check_pattern(batch)
    sign.signer()
    nips = list(eligible(batch, now).order_by("nama", "nip").values_list("nip", flat=True))
    job = CertificateJob.objects.create(
        batch=batch, requested_by=by, total=len(nips), heartbeat_at=now, state=CertificateJob.State.RUNNING
    )
    run_chunk(job.pk, nips, progress=progress)
    _finish_if_complete(job.pk)
    job.refresh_from_db()
    report.job = job
    return report


# Revocation -----------------------------------------------------------------------------

class RevokeRefused(ValueError):
    pass


def revoke(certificate, *, by, reason, now=None):
    """Revoked with its reason, who and when; the participant is told. Correcting = revoke + issue anew."""
    reason = (reason or "").strip()
    if not reason:
        raise RevokeRefused("Tuliskan alasan pencabutan.")
    now = now or timezone.now()
    updated = Certificate.objects.filter(pk=certificate.pk, state=Certificate.State.ISSUED).update(
        state=Certificate.State.REVOKED, revoked_at=now, revoked_by=by, revoke_reason=reason
    )
    if not updated:
        raise RevokeRefused("Sertifikat ini tidak dalam keadaan terbit (sudah dicabut atau belum selesai).")
    certificate.refresh_from_db()
    logger.info("certificate %s revoked by user %s", certificate.pk, getattr(by, "pk", None))
    participant = certificate.participant
    if participant.email:
        queue_mail(
            kind="certificate_revoked", to=participant.email, participant=participant, by=by,
            context={"certificate": certificate, "profile_url": profile_url()},
        )
    return certificate


def job_progress(job):
    """`1.240 dari 3.000` (Indonesian thousands separator)."""
    # A chunk retried after a crash may count a record twice: never show more than the total.
    return f"{min(job.processed, job.total):,} dari {job.total:,}".replace(",", ".")
