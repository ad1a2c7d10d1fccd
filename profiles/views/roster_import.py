"""The roster import for staff: upload, preview (a dry run), then confirm exactly what was previewed."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from profiles.decorators import admin_context, staff_permission_required
from profiles.models import Batch, Participant
from profiles.rules.fields import BIRTH_PARTS, FIELDS, LABELS
from profiles.services import roster
from profiles.services.roster import staging
from profiles.services.roster.staging import Staged


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
        limit = roster.limit("ROSTER_MAX_UPLOAD_BYTES")
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


def _store_pending(request, data, filename, batch):
    staging.drop(Staged.from_session(request.session.get(PENDING)))
    staged = staging.stage(data, filename, batch)
    request.session[PENDING] = staged.as_session()
    return staged.token


def _take_pending(request, token):
    staged = Staged.from_session(request.session.get(PENDING))
    if staged is None or staged.token != token:
        return None, None
    data = staging.read(staged)
    if data is None:
        return None, None
    return staged, data


def _drop_pending(request, staged):
    staging.drop(staged)
    request.session.pop(PENDING, None)


@staff_permission_required("profiles.import_roster")
@require_http_methods(["GET", "POST"])
def roster_import(request):
    context = {**admin_context(request, "Impor roster peserta"), "opts": Participant._meta}
    if request.method == "POST" and "confirm" in request.POST:
        pending, data = _take_pending(request, request.POST.get("token", ""))
        batch = Batch.objects.filter(pk=pending.batch_id).first() if pending else None
        if batch is None:
            messages.error(request, "Pratinjau impor sudah kedaluwarsa atau tidak ditemukan. Unggah file lagi.")
            return redirect("roster_import")
        # A busy database (OperationalError) keeps the staged file: the "coba lagi" page
        # (profiles.middleware.DatabaseBusyMiddleware) lets staff confirm the same preview again.
        try:
            report = roster.import_roster(data, pending.filename, batch=batch, by=request.user)
        except roster.RosterError as error:
            _drop_pending(request, pending)
            messages.error(request, str(error))
            return redirect("roster_import")
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
            {**context, **report_context(report), "batch": batch, "filename": pending.filename, "done": True},
        )

    if request.method == "GET":
        # Previews nobody confirmed are removed a day later, whenever staff come back.
        staging.remove_stale(timezone.now())
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
