"""The roster import for staff: upload, preview (a dry run), then confirm exactly what was previewed."""

import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from profiles.decorators import admin_context, staff_permission_required
from profiles.models import Batch, Participant
from profiles.rules.fields import BIRTH_PARTS, FIELDS, LABELS
from profiles.services import roster


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
            return redirect("roster_import")
        try:
            report = roster.import_roster(data, pending["filename"], batch=batch, by=request.user)
        except roster.RosterError as error:
            messages.error(request, str(error))
            return redirect("roster_import")
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
