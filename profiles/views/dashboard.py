"""The completion dashboard for staff: bars per batch, flags, and who is unfinished."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from profiles.decorators import admin_context, staff_permission_required
from profiles.models import Batch, Status
from profiles.services import exports
from profiles.services.dashboard import (
    COUNTS, SORTS, batch_counts, sorted_unfinished, still_to_do, unfinished, unfinished_rows, with_percentages,
)


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


def sort_links(current):
    """For each column: the querystring that sorts by it (reversing when already sorted so)."""
    return {key: f"?urut={'-' if current == key else ''}{key}" for key in SORTS}


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
