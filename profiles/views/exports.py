"""Export pages for staff: the certificate data as CSV/XLSX, the ZIP job, and the access codes."""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from profiles.decorators import admin_context, staff_permission_required
from profiles.models import Batch, ExportJob, Participant
from profiles.services import access_codes, export_jobs, exports
from profiles.services.dashboard import batch_counts


class ExportForm(forms.Form):
    batch = forms.ModelChoiceField(
        label="Angkatan", queryset=Batch.objects.all(), empty_label=None,
        error_messages={"required": "Pilih angkatan.", "invalid_choice": "Angkatan tidak ditemukan."},
    )
    format = forms.ChoiceField(label="Format", choices=list(exports.FORMATS.items()), initial="csv")
    all = forms.BooleanField(
        label="Semua peserta, termasuk yang belum tervalidasi",
        required=False,
        help_text="Tanpa centang: hanya data terverifikasi admin, atau yang dianggap valid karena tenggat sudah lewat.",
    )


@staff_permission_required("profiles.export_certificates")
@require_http_methods(["GET", "POST"])
def export(request):
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        batch, fmt = form.cleaned_data["batch"], form.cleaned_data["format"]
        scope = exports.SCOPE_ALL if form.cleaned_data["all"] else exports.SCOPE_VALIDATED
        if fmt == "zip":
            # Thousands of photos would outlast the request: a background job builds it.
            job = export_jobs.start(user=request.user, batch=batch, scope=scope)
            return redirect("export_job", job.uuid)
        queryset = exports.export_queryset(batch=batch, scope=scope, now=now)
        count = queryset.count()
        exports.log_export(user=request.user, batch=batch, fmt=fmt, scope=scope, count=count, source="web")
        without_photo = queryset.filter(photo__isnull=True).count()
        if without_photo:
            messages.warning(request, f"Ekspor {batch.name}: {count} data, {without_photo} di antaranya tanpa foto.")
        return exports.response(queryset, fmt, exports.filename_for(batch, fmt, now), now)
    now = timezone.now()
    counts = batch_counts(now)
    batches = [
        {"batch": b, **{key: counts.get(b.pk, {}).get(key, 0) for key in ("validated", "validated_no_photo", "total", "no_photo")}}
        for b in Batch.objects.all()
    ]
    jobs = ExportJob.objects.filter(requested_by=request.user).select_related("batch")[:5]
    return render(
        request,
        "staff/export.html",
        {**admin_context(request, "Ekspor data sertifikat"), "form": form, "batches": batches, "jobs": jobs},
    )


def _job_for(request, job_uuid):
    job = get_object_or_404(ExportJob.objects.select_related("batch", "requested_by"), uuid=job_uuid)
    # Another staff member's export is theirs: the same answer as for one that does not exist.
    if job.requested_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


@staff_permission_required("profiles.export_certificates")
@require_http_methods(["GET"])
def export_job(request, job_uuid):
    job = _job_for(request, job_uuid)
    return render(
        request,
        "staff/export_job.html",
        {**admin_context(request, "Ekspor ZIP"), "job": job, "missing_count": len(job.missing_photos),
         "refresh": job.state in (ExportJob.State.QUEUED, ExportJob.State.RUNNING)},
    )


@staff_permission_required("profiles.export_certificates")
@require_http_methods(["GET"])
def export_job_download(request, job_uuid):
    job = _job_for(request, job_uuid)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = job.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=exports.CONTENT_TYPES[job.format])


@staff_permission_required("profiles.export_certificates")
@require_http_methods(["GET"])
def access_codes_csv(request, batch_id):
    batch = get_object_or_404(Batch, pk=batch_id)
    access_codes.ensure_access_codes(batch)
    exports.log_export(user=request.user, batch=batch, fmt="csv", scope=exports.SCOPE_ACCESS_CODES,
                       count=Participant.objects.filter(batch=batch).count(), source="web")
    response = StreamingHttpResponse(exports.csv_chunks(access_codes.access_code_rows(batch)), content_type=exports.CONTENT_TYPES["csv"])
    name = exports.filename_for(batch, "csv").replace("sertifikat-", "kode-akses-")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
