"""The review desk at /staf/verifikasi/: one participant per screen, verify or ask for a revision.

Records are addressed by their account id, never by NIP (the NIP would end up in
access logs). Every POST is bound to the version and photo the page showed.
"""


from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from profiles.services import desk, notifications, review
from profiles.models import Batch, Participant, Status
from profiles.rules.printing import certificate_lines
from profiles.decorators import staff_permission_required

PERMISSION = "profiles.change_participant"

STALE = (
    "Data atau foto peserta ini berubah sejak halaman dibuka; belum diverifikasi. "
    "Periksa lagi yang tampil sekarang."
)


def _record_url(queue, user_id):
    return reverse("desk_record", args=[queue.batch.pk, user_id]) + queue.querystring()


def _queue_url(queue):
    return reverse("desk_queue", args=[queue.batch.pk]) + queue.querystring()


def _batches_with_waiting():
    return Batch.objects.annotate(
        waiting=Count("participants", filter=Q(participants__status=Status.DIKONFIRMASI)),
        total=Count("participants"),
    ).order_by("-deadline", "name")


@staff_permission_required(PERMISSION)
@require_GET
def start(request):
    """Straight to the first waiting record; the queue choice when asked or nothing waits."""
    batches = list(_batches_with_waiting())
    chosen = request.GET.get("batch")
    if chosen:
        batch = next((b for b in batches if str(b.pk) == chosen), None)
        if batch is not None:
            return redirect(_queue_url(desk.Queue.from_params(batch, request.GET)))
    elif "pilih" not in request.GET:
        batch = next((b for b in batches if b.waiting), None)
        if batch is not None:
            default = desk.Queue(batch)
            return redirect(_record_url(default, default.queryset().values_list("user_id", flat=True).first()))
    return render(request, "staff/desk_start.html", _choice_context(batches, None))


def _choice_context(batches, queue):
    return {
        "batches": batches,
        "queue": queue,
        "status_filters": desk.STATUS_FILTERS,
        "photo_filters": desk.PHOTO_FILTERS,
    }


@staff_permission_required(PERMISSION)
@require_GET
def queue(request, batch_id):
    batch = get_object_or_404(Batch, pk=batch_id)
    chosen = desk.Queue.from_params(batch, request.GET)
    first = chosen.queryset().values_list("user_id", flat=True).first()
    if first is not None:
        return redirect(_record_url(chosen, first))
    return render(request, "staff/desk_start.html", {**_choice_context(_batches_with_waiting(), chosen), "empty": True})


def _participant(batch_id, user_id):
    return get_object_or_404(
        Participant.objects.select_related("batch", "photo", "user", "verified_by"),
        batch_id=batch_id, user_id=user_id,
    )


def _original_url(photo):
    # The original of an auto-fixed photo is served by the photo pages' own view, when present.
    if photo is None or not photo.auto_fixed or not photo.original:
        return None
    try:
        return reverse("photo_original", args=[photo.uuid])
    except NoReverseMatch:
        return None


def _photo_checks(photo):
    """(words, detail) for each warning: the map's words, and the check's own measured message."""
    if photo is None:
        return []
    messages_by_code = {
        check.get("code"): check.get("message", "")
        for check in (photo.report or {}).get("checks", []) if not check.get("ok")
    }
    return [(words, messages_by_code.get(code, "")) for code, words in zip(photo.warnings or [], desk.warning_words(photo.warnings))]


@staff_permission_required(PERMISSION)
@require_GET
def record(request, batch_id, user_id):
    participant = _participant(batch_id, user_id)
    chosen = desk.Queue.from_params(participant.batch, request.GET)
    where = desk.place(chosen, participant)
    photo = participant.photo
    context = {
        "participant": participant,
        "queue": chosen,
        "place": where,
        "previous_url": _record_url(chosen, where.previous) if where.previous else None,
        "next_url": _record_url(chosen, where.next) if where.next else None,
        "photo": photo,
        "original_url": _original_url(photo),
        "photo_checks": _photo_checks(photo),
        "lines": certificate_lines(participant).rows(),
        "other_rows": desk.other_rows(participant),
        "missing": review.missing_items(participant),
        "changes": desk.changes_since_roster(participant),
        "history": desk.history_entries(participant),
        "reasons": desk.REVISION_REASONS,
        "batches": _batches_with_waiting(),
        "status_filters": desk.STATUS_FILTERS,
        "photo_filters": desk.PHOTO_FILTERS,
        "is_verified": participant.status == Status.TERVERIFIKASI,
    }
    return render(request, "staff/desk.html", context)


@staff_permission_required(PERMISSION)
@require_POST
def verify(request, batch_id, user_id):
    participant = _participant(batch_id, user_id)
    chosen = desk.Queue.from_params(participant.batch, request.GET)
    try:
        review.verify(participant, by=request.user, **review.seen_from_post(request.POST))
    except review.StaleData:
        messages.error(request, STALE)
        return redirect(_record_url(chosen, user_id))
    except (review.UnreadableSeen, review.IncompleteForStaff) as error:
        messages.error(request, str(error))
        return redirect(_record_url(chosen, user_id))
    except review.ReviewError as error:
        messages.error(request, f"Belum diverifikasi: {error}")
        return redirect(_record_url(chosen, user_id))
    messages.success(request, f"{participant.nama or 'Peserta'} diverifikasi.")
    return _next(request, chosen, participant)


def _next(request, chosen, participant):
    following = desk.next_after(chosen, participant)
    if following is None:
        messages.info(request, "Antrean ini sudah selesai.")
        return redirect(_queue_url(chosen))
    return redirect(_record_url(chosen, following))


@staff_permission_required(PERMISSION)
@require_POST
def revision(request, batch_id, user_id):
    participant = _participant(batch_id, user_id)
    chosen = desk.Queue.from_params(participant.batch, request.GET)
    try:
        flagged = review.request_revision(
            participant, by=request.user, reasons=request.POST.getlist("alasan"), note=request.POST.get("catatan", "")
        )
    except review.ReviewError as error:
        messages.error(request, f"Revisi belum dikirim: {error}")
        return redirect(_record_url(chosen, user_id))
    log = notifications.send_revision_request(flagged, by=request.user)
    mailed = "; email dikirim ke peserta" if log is not None else "; peserta tidak punya email, hubungi langsung"
    messages.success(request, f"Revisi diminta dari {participant.nama or 'peserta'}{mailed}.")
    return _next(request, chosen, participant)
