"""Pages for training-centre staff outside the model admin: completion dashboard and export."""

import tempfile
import uuid
from urllib.parse import urlencode
from datetime import timedelta
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from profiles.services import export_jobs, exports, roster
from profiles.services.desk import photo_filter_q
from profiles.rules.contact import format_no_telp
from profiles.rules.fields import BIRTH_PARTS, FIELDS, LABELS
from profiles.models import Batch, ExportJob, Participant, Status
from profiles.services.review import complete_q, data_complete_q, validated_q


def staff_permission_required(perm):
    """Staff holding `perm`; anyone else signed in gets 403, visitors the sign-in page."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not (request.user.is_staff and request.user.has_perm(perm)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def admin_context(request, title):
    return {**admin.site.each_context(request), "title": title}


# Dashboard --------------------------------------------------------------------------

COUNTS = [
    ("signed_in", "Sudah masuk"),
    ("data_complete", "Data lengkap"),
    ("photo", "Foto diterima"),
    ("confirmed", "Sudah konfirmasi"),
    ("revision", "Perlu revisi"),
    ("verified", "Terverifikasi"),
    ("validated", "Tervalidasi (terverifikasi/dianggap valid)"),
]


def count_filters(now):
    return {
        "signed_in": Q(user__last_login__isnull=False),
        "data_complete": data_complete_q(),
        "photo": Q(photo__isnull=False),
        "confirmed": Q(confirmed_at__isnull=False),
        "revision": Q(status=Status.PERLU_REVISI),
        "verified": Q(status=Status.TERVERIFIKASI),
        "validated": validated_q(now),
        # Flags: what a percentage alone would hide.
        "no_photo": Q(photo__isnull=True),
        "validated_no_photo": validated_q(now) & Q(photo__isnull=True),
        "photo_warnings": photo_filter_q("catatan"),
        "auto_fixed": photo_filter_q("otomatis"),
    }


# The bars of the overview, each with where it leads (the filtered list or the desk queue).
BARS = [
    ("data_complete", "Data lengkap", "admin", {"lengkap": "ya"}),
    ("photo", "Foto ada", "admin", {"foto": "ya"}),
    ("confirmed", "Sudah konfirmasi", "desk", {}),
    ("verified", "Terverifikasi", "admin", {"status__exact": Status.TERVERIFIKASI}),
    ("revision", "Revisi tertunda", "desk", {"status": Status.PERLU_REVISI}),
]
FLAGS = [
    ("validated_no_photo", "Tervalidasi tanpa foto", "admin", {"tervalidasi": "ya", "foto": "tidak"}),
    ("photo_warnings", "Foto dengan catatan", "desk", {"status": "semua", "foto": "catatan"}),
    ("auto_fixed", "Foto diperbaiki otomatis", "desk", {"status": "semua", "foto": "otomatis"}),
]


def link_for(batch, target, params):
    if target == "desk":
        return reverse("desk_queue", args=[batch.pk]) + ("?" + urlencode(params) if params else "")
    return reverse("admin:profiles_participant_changelist") + "?" + urlencode({"batch__id__exact": batch.pk, **params})


def bars_for(batch, counts, items):
    total = counts.get("total", 0)
    return [
        {"name": name, "label": label, "count": counts.get(name, 0),
         "percent": round(100 * counts.get(name, 0) / total) if total else 0,
         "url": link_for(batch, target, params)}
        for name, label, target, params in items
    ]


def batch_counts(now, batch=None):
    """{batch id: {"total": n, "<count>": n, ...}}, aggregated by the database in one query."""
    queryset = Participant.objects.all() if batch is None else Participant.objects.filter(batch=batch)
    # Prefixed: an annotation named like a field ("photo") would shadow it in the other filters.
    annotations = {f"n_{name}": Count("pk", filter=q) for name, q in count_filters(now).items()}
    grouped = queryset.order_by().values("batch").annotate(n_total=Count("pk"), **annotations)
    return {row.pop("batch"): {key[2:]: value for key, value in row.items()} for row in grouped}


def with_percentages(counts):
    total = counts.get("total", 0)
    return [
        {"name": name, "label": label, "count": counts.get(name, 0),
         "percent": round(100 * counts.get(name, 0) / total) if total else 0}
        for name, label in COUNTS
    ]


def unfinished(batch):
    """Who still has something to do: not confirmed and not verified (revision included)."""
    flag = lambda q: ExpressionWrapper(q, output_field=BooleanField())  # noqa: E731
    return (
        Participant.objects.filter(batch=batch, confirmed_at__isnull=True)
        .exclude(status=Status.TERVERIFIKASI)
        .annotate(
            has_signed_in=flag(Q(user__last_login__isnull=False)),
            has_data=flag(data_complete_q()),
            has_photo=flag(Q(photo__isnull=False)),
            is_complete=flag(complete_q()),
        )
        .only("nip", "nama", "asal_instansi", "email", "no_telp", "status")
        .order_by("asal_instansi", "nama", "nip")
    )


# The unfinished list's sort keys (`?urut=nama`, `?urut=-nama`).
SORTS = {
    "nip": ["nip"],
    "nama": ["nama", "nip"],
    "instansi": ["asal_instansi", "nama", "nip"],
    "status": ["status", "nama", "nip"],
}


def sorted_unfinished(batch, sort):
    columns = SORTS[sort.lstrip("-")]
    if sort.startswith("-"):
        columns = [f"-{column}" for column in columns]
    return unfinished(batch).order_by(*columns)


def sort_links(current):
    """For each column: the querystring that sorts by it (reversing when already sorted so)."""
    return {key: f"?urut={'-' if current == key else ''}{key}" for key in SORTS}


def still_to_do(participant):
    todo = []
    if not participant.has_signed_in:
        todo.append("masuk pertama")
    if not participant.has_data:
        todo.append("lengkapi data")
    if not participant.has_photo:
        todo.append("unggah foto")
    if participant.status == Status.PERLU_REVISI:
        todo.append("revisi")
    todo.append("konfirmasi")
    return ", ".join(todo)


@staff_permission_required("profiles.view_dashboard")
@require_http_methods(["GET"])
def dashboard(request):
    now = timezone.now()
    counts = batch_counts(now)
    batches = [
        {"batch": batch, "total": counts.get(batch.pk, {}).get("total", 0),
         "counts": with_percentages(counts.get(batch.pk, {})),
         "bars": bars_for(batch, counts.get(batch.pk, {}), BARS),
         "flags": bars_for(batch, counts.get(batch.pk, {}), FLAGS)}
        for batch in Batch.objects.all()
    ]
    return render(
        request,
        "staff/dashboard.html",
        {**admin_context(request, "Dasbor kelengkapan data"), "batches": batches, "labels": COUNTS},
    )


@staff_permission_required("profiles.view_dashboard")
@require_http_methods(["GET"])
def dashboard_batch(request, batch_id):
    batch = get_object_or_404(Batch, pk=batch_id)
    now = timezone.now()
    counts = batch_counts(now, batch).get(batch.pk, {"total": 0})
    sort = request.GET.get("urut", "")
    if sort.lstrip("-") not in SORTS:
        sort = "instansi"
    page = Paginator(sorted_unfinished(batch, sort), 100).get_page(request.GET.get("page"))
    for participant in page:
        participant.todo = still_to_do(participant)
    return render(
        request,
        "staff/dashboard_batch.html",
        {
            **admin_context(request, f"Kelengkapan data — {batch.name}"),
            "batch": batch,
            "total": counts["total"],
            "counts": with_percentages(counts),
            "page": page,
            "past_deadline": batch.is_past_deadline(now),
            "bars": bars_for(batch, counts, BARS),
            "flags": bars_for(batch, counts, FLAGS),
            "sort": sort,
            "sort_links": sort_links(sort),
        },
    )


UNFINISHED_HEADER = ["NIP", "Nama", "Asal Instansi", "Email", "No. Telp", "Status", "Sudah masuk",
                     "Data lengkap", "Foto diterima", "Yang belum"]


def unfinished_rows(batch):
    yield UNFINISHED_HEADER
    yes_no = {True: "ya", False: "belum"}
    for p in unfinished(batch).iterator(chunk_size=exports.CHUNK_SIZE):
        yield [
            p.nip, p.nama, p.asal_instansi, p.email, format_no_telp(p.no_telp) if p.no_telp else "",
            p.get_status_display(), yes_no[p.has_signed_in], yes_no[p.has_data], yes_no[p.has_photo],
            still_to_do(p),
        ]


@staff_permission_required("profiles.view_dashboard")
@require_http_methods(["GET"])
def dashboard_unfinished_csv(request, batch_id):
    batch = get_object_or_404(Batch, pk=batch_id)
    # NIP, e-mail and phone leave the portal: logged like every export.
    exports.log_export(user=request.user, batch=batch, fmt="csv", scope=exports.SCOPE_UNFINISHED,
                       count=unfinished(batch).count(), source="web")
    response = StreamingHttpResponse(exports.csv_chunks(unfinished_rows(batch)), content_type=exports.CONTENT_TYPES["csv"])
    name = exports.filename_for(batch, "csv").replace("sertifikat-", "belum-selesai-")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Export -------------------------------------------------------------------------------

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


def download(queryset, fmt, filename, now):
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(exports.rows(queryset, now)), content_type=exports.CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # XLSX and ZIP are written to a temporary file (deleted when the response closes it).
    handle = tempfile.TemporaryFile()
    exports.render(fmt, queryset, handle, now)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=exports.CONTENT_TYPES[fmt])


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
        return download(queryset, fmt, exports.filename_for(batch, fmt, now), now)
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


# Roster import (reached from the participant admin) -------------------------------------

PENDING = "roster_import"


class RosterUploadForm(forms.Form):
    batch = forms.ModelChoiceField(
        label="Angkatan", queryset=Batch.objects.all(),
        error_messages={"required": "Pilih angkatan.", "invalid_choice": "Angkatan tidak ditemukan."},
    )
    file = forms.FileField(
        label="File roster (.csv atau .xlsx)",
        help_text="Baris pertama berisi judul kolom: " + ", ".join(field.label for field in FIELDS) + ".",
        error_messages={"required": "Pilih file roster.", "empty": "File yang dipilih kosong (0 byte)."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = getattr(settings, "ROSTER_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError(
                f"File terlalu besar ({upload.size / 1024 / 1024:.1f} MB); paling besar {limit // 1024 // 1024} MB.",
                code="too_large",
            )
        return upload


def field_label(name):
    """The label staff know from the roster's headers, not the code's key."""
    if name in LABELS:
        return LABELS[name]
    if name in BIRTH_PARTS:
        return BIRTH_PARTS[name][0]
    return name.replace("_", " ").capitalize()


def _labelled(row, status_label):
    relabel = lambda problems: {field_label(name): messages for name, messages in (problems or {}).items()}  # noqa: E731
    return {**row, "label": status_label, "errors": relabel(row.get("errors")), "warnings": relabel(row.get("warnings"))}


def report_context(report, limit=1000):
    """Rows with something to say first; the full per-row report would be too long to show."""
    noteworthy = [r for r in report.rows if r.errors or r.warnings or r.status in (roster.CONFLICT, roster.ERROR)]
    quiet = len(report.rows) - len(noteworthy)
    return {
        "report": report,
        "counts": [(roster.STATUS_LABELS[s], s, n) for s, n in report.counts.items()],
        "shown_rows": [_labelled(r.as_json(), roster.STATUS_LABELS[r.status]) for r in noteworthy[:limit]],
        "hidden_rows": max(0, len(noteworthy) - limit),
        "quiet_rows": quiet,
        "missing_columns": [LABELS[name] for name in report.roster.missing],
        "status_labels": roster.STATUS_LABELS,
    }


PENDING_DIR = "roster-imports"
# A previewed roster is personal data: one that was never confirmed is removed after a day.
PENDING_MAX_AGE = timedelta(days=1)


def _remove_stale_pending(now):
    try:
        _, names = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return
    for name in names:
        path = f"{PENDING_DIR}/{name}"
        try:
            if now - default_storage.get_modified_time(path) > PENDING_MAX_AGE:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


def _store_pending(request, data, filename, batch):
    _remove_stale_pending(timezone.now())
    token = uuid.uuid4().hex
    suffix = ".xlsx" if data[:4] == b"PK\x03\x04" else ".csv"
    path = default_storage.save(f"{PENDING_DIR}/{token}{suffix}", ContentFile(data))
    old = request.session.get(PENDING)
    if old:
        default_storage.delete(old["path"])
    request.session[PENDING] = {"token": token, "path": path, "filename": filename, "batch": batch.pk}
    return token


def _take_pending(request, token):
    pending = request.session.get(PENDING)
    if not pending or pending["token"] != token:
        return None, None
    try:
        with default_storage.open(pending["path"], "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None, None
    return pending, data


def _drop_pending(request, pending):
    default_storage.delete(pending["path"])
    request.session.pop(PENDING, None)


@staff_permission_required("profiles.import_roster")
@require_http_methods(["GET", "POST"])
def roster_import(request):
    context = {**admin_context(request, "Impor roster peserta"), "opts": Participant._meta}
    if request.method == "POST" and "confirm" in request.POST:
        pending, data = _take_pending(request, request.POST.get("token", ""))
        batch = Batch.objects.filter(pk=pending["batch"]).first() if pending else None
        if batch is None:
            messages.error(request, "Pratinjau impor sudah kedaluwarsa atau tidak ditemukan. Unggah file lagi.")
            return redirect("admin:profiles_participant_import")
        try:
            report = roster.import_roster(data, pending["filename"], batch=batch, by=request.user)
        except roster.RosterError as error:
            messages.error(request, str(error))
            return redirect("admin:profiles_participant_import")
        finally:
            _drop_pending(request, pending)
        messages.success(
            request,
            f"Impor selesai: {report.count(roster.CREATED)} baru, {report.count(roster.UPDATED)} diperbarui, "
            f"{report.count(roster.UNCHANGED)} tetap, {report.count(roster.CONFLICT)} konflik, "
            f"{report.count(roster.ERROR)} galat (tidak diimpor).",
        )
        return render(
            request,
            "admin/profiles/participant/import_report.html",
            {**context, **report_context(report), "batch": batch, "filename": pending["filename"], "done": True},
        )

    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, batch = form.cleaned_data["file"], form.cleaned_data["batch"]
        data = upload.read()
        try:
            report = roster.import_roster(data, upload.name, batch=batch, by=request.user, dry_run=True)
        except roster.RosterError as error:
            form.add_error("file", forms.ValidationError(str(error), code="roster"))
        else:
            token = _store_pending(request, data, upload.name, batch)
            return render(
                request,
                "admin/profiles/participant/import_report.html",
                {**context, **report_context(report), "batch": batch, "filename": upload.name, "token": token},
            )
    return render(request, "admin/profiles/participant/import.html", {**context, "form": form})
