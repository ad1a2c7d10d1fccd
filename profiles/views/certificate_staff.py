"""Staff pages for issued certificates: start issuing, follow a job, download a batch, revoke."""

import zipfile

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from profiles.decorators import admin_context, staff_permission_required
from profiles.models import Batch, Certificate, CertificateJob
from profiles.services.certificates import issue, sign

PERMISSION = "profiles.issue_certificates"


@staff_permission_required(PERMISSION)
@require_http_methods(["POST"])
def certificate_issue(request, batch_id):
    """"Terbitkan sertifikat": queue the batch's certificates; the job page shows the progress."""
    batch = get_object_or_404(Batch, pk=batch_id)
    try:
        job = issue.start(batch, by=request.user)
    except (issue.InvalidPattern, sign.SigningKeyMissing) as error:
        messages.error(request, str(error))
        return redirect("dashboard_batch", batch_id=batch.pk)
    return redirect("certificate_job", certificate_job_uuid=job.uuid)


@staff_permission_required(PERMISSION)
@require_http_methods(["GET"])
def certificate_job(request, certificate_job_uuid):
    job = get_object_or_404(CertificateJob.objects.select_related("batch"), uuid=certificate_job_uuid)
    working = job.state in (CertificateJob.State.QUEUED, CertificateJob.State.RUNNING)
    return render(request, "staff/certificate_job.html", {
        **admin_context(request, f"Penerbitan sertifikat {job.batch.name}"),
        "job": job,
        "progress": issue.job_progress(job),
        "stalled": issue.is_stalled(job),
        "refresh": working and not issue.is_stalled(job),
        "counts": issue.counts(job.batch),
    })


class _Sink:
    """A write-only file for zipfile that hands back what was written since the last drain."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def drain(self):
        data, self.parts = b"".join(self.parts), []
        return data


def _zip_chunks(certificates):
    sink = _Sink()
    # PDFs are compressed already; stored as they are, streamed one at a time.
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for certificate in certificates.iterator(chunk_size=200):
            try:
                handle = certificate.file.open("rb")
            except FileNotFoundError:
                continue
            with handle, archive.open(f"{certificate.participant_id}.pdf", "w", force_zip64=True) as target:
                while chunk := handle.read(1024 * 1024):
                    target.write(chunk)
                    yield sink.drain()
            yield sink.drain()
    yield sink.drain()


@staff_permission_required(PERMISSION)
@require_http_methods(["GET"])
def certificate_zip(request, batch_id):
    """Every issued (not revoked) certificate of the batch as <NIP>.pdf, streamed."""
    batch = get_object_or_404(Batch, pk=batch_id)
    certificates = Certificate.objects.filter(batch=batch, state=Certificate.State.ISSUED).order_by("serial")
    response = StreamingHttpResponse(_zip_chunks(certificates), content_type="application/zip")
    label = "".join(ch if ch.isalnum() else "-" for ch in batch.name).strip("-")
    response["Content-Disposition"] = f'attachment; filename="sertifikat-{label}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_permission_required(PERMISSION)
@require_http_methods(["GET", "POST"])
def certificate_revoke(request, certificate_uuid):
    certificate = get_object_or_404(Certificate.objects.select_related("batch", "participant"), uuid=certificate_uuid)
    error = None
    if request.method == "POST":
        try:
            issue.revoke(certificate, by=request.user, reason=request.POST.get("alasan", ""))
        except issue.RevokeRefused as refused:
            error = str(refused)
        else:
            messages.success(request, f"Sertifikat {certificate.number} dicabut; peserta diberi tahu.")
            return redirect("admin:profiles_certificate_change", certificate.pk)
    return render(request, "staff/certificate_revoke.html", {
        **admin_context(request, f"Cabut sertifikat {certificate.number}"),
        "certificate": certificate,
        "error": error,
        "reason": request.POST.get("alasan", ""),
    }, status=400 if error else 200)
