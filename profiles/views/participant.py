from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from profiles.services.certificates import issue as certificate_issue
from profiles.services import review

from profiles.rules import statuses
from profiles.rules.deadlines import INDONESIAN_ZONES, describe_deadline, describe_time_left, format_in_zone
from profiles.decorators import participant_required, sees_participants
from profiles.rules.fields import display_rows, missing_fields
from profiles.forms import ProfileForm
from profiles.models import Photo, Status
from profiles.rules.names import normalize_nama
from profiles.rules.nip import format_nip
from profiles.rules.ranks import GOLONGAN_PANGKAT
from profiles.services.participants import EditConflict, EditingClosed, save_participant_data

CLOSED = (
    "Batas waktu pembaruan data sudah lewat. Data tidak diubah. "
    "Hubungi panitia Latsar jika ada data yang harus diperbaiki."
)
CONFLICT = (
    "Data Anda baru saja diubah di tempat lain (tab lain atau oleh admin). "
    "Perubahan Anda belum disimpan: periksa data terbaru di bawah, lalu simpan lagi."
)


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page links; the icon is an SVG in static/.
    return redirect(static("favicon.svg"), permanent=True)


def home(request):
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("admin:index")
    return redirect("profile")


def tell_saved(request, revoked):
    """"Berhasil di Update", and what the save cancelled when it cancelled something."""
    say = messages.warning if revoked else messages.success
    say(request, statuses.revoked_message(revoked))


def profile_rows(participant):
    # Participants read the NIP spaced, as on their SK (`19930121 202012 1 001`).
    return [(label, format_nip(value) if label == "NIP" else value) for label, value in display_rows(participant)]


def deadline_context(participant, now):
    batch = participant.batch
    return {
        "deadline_text": describe_deadline(batch.deadline),
        "time_left": describe_time_left(batch.deadline, now),
        "can_edit": participant.can_edit(now),
        "reopened_until_text": (
            describe_deadline(participant.reopened_until)
            if participant.reopened_until and participant.reopened_until > now
            else ""
        ),
    }


def photo_notes(participant):
    photo = participant.photo
    return statuses.photo_notes(photo.report, photo.warnings) if photo else []


def status_context(participant, now):
    """The badge, its sentence and the three steps of My profile."""
    can_edit = participant.can_edit(now)
    status = review.effective_status(participant, now)
    missing_data = [field.label for field in missing_fields(participant)]
    notes = photo_notes(participant)
    pending = participant.pending_revision()
    steps = statuses.checklist(
        missing_data=missing_data,
        has_photo=participant.photo_id is not None,
        photo_notes=len(notes),
        confirmed=participant.confirmed_at is not None,
        confirmation_code=participant.confirmation_code,
        status=status,
        can_edit=can_edit,
        pending=pending,
    )
    # The next thing to do, with its number kept (the list itself stays in the guide's order).
    next_step = next(((number, step) for number, step in enumerate(steps, start=1)
                      if not step.done and step.action), None)
    return {
        "status": status,
        "status_label": status.label,
        "status_text": statuses.explain(status, can_edit=can_edit, pending=pending),
        "revision_pending": pending,
        "status_badge": statuses.badge_class(status),
        "photo_notes": notes,
        "steps": steps,
        "next_step": next_step,
    }


def approval_at_stake(participant):
    """A save now cancels the confirmation or the verification (review.revoke_approval)."""
    if participant.status == Status.TERVERIFIKASI or participant.verified_at:
        return "verified"
    if participant.confirmed_at:
        return "confirmed"
    return None


@participant_required
@require_http_methods(["GET"])
def profile(request, participant):
    now = timezone.now()
    return render(
        request,
        "profiles/profile.html",
        {
            "participant": participant,
            "rows": profile_rows(participant),
            "missing": review.missing_items(participant),
            "certificate": certificate_issue.live_certificate(participant),
            **status_context(participant, now),
            **deadline_context(participant, now),
        },
    )


@participant_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, participant):
    now = timezone.now()
    context = {
        "participant": participant,
        "rows": profile_rows(participant),
        "pangkat_by_golongan": dict(GOLONGAN_PANGKAT),
        "at_stake": approval_at_stake(participant),
        "has_blanks": bool(missing_fields(participant)),
        **deadline_context(participant, now),
    }
    if request.method == "POST":
        # The deadline is the service's to refuse (services.EditingClosed).
        form = ProfileForm(request.POST, participant=participant)
        if form.is_valid():
            try:
                saved = save_participant_data(
                    participant,
                    form.values,
                    expected_version=form.cleaned_data["version"],
                    by=request.user,
                    now=now,
                )
            except EditingClosed:
                messages.error(request, CLOSED)
                return redirect("profile")
            except EditConflict:
                # Keep what they typed, show what is stored now; saving again
                # is then a deliberate choice made with both in view.
                participant.refresh_from_db()
                data = request.POST.copy()
                data["version"] = participant.version
                form = ProfileForm(data, participant=participant)
                form.is_valid()
                messages.error(request, CONFLICT)
                return render(
                    request,
                    "profiles/profile_edit.html",
                    {**context, "form": form, "latest_rows": profile_rows(participant)},
                )
            tell_saved(request, getattr(saved, "revoked", None))
            return redirect("profile")
    else:
        form = ProfileForm(
            initial=ProfileForm.initial_for(participant),
            participant=participant,
            readonly=not context["can_edit"],
        )
    return render(request, "profiles/profile_edit.html", {**context, "form": form})


# Longer than any name with titles (the field holds 150): nothing to normalise beyond it.
NAME_PREVIEW_LIMIT = 300


@participant_required
@require_http_methods(["GET"])
def name_preview(request, participant):
    """How a typed name will print ("Akan tercetak"): profiles.rules.names decides, not the script."""
    raw = request.GET.get("nama", "")
    if len(raw) > NAME_PREVIEW_LIMIT:
        return JsonResponse({"printed": "", "error": "Nama terlalu panjang."})
    try:
        return JsonResponse({"printed": normalize_nama(raw), "error": ""})
    except ValidationError as error:
        return JsonResponse({"printed": "", "error": error.messages[0]})


@login_required
@require_http_methods(["GET", "HEAD"])
def photo(request, photo_uuid):
    photo = get_object_or_404(Photo.objects.select_related("participant"), uuid=photo_uuid)
    is_owner = photo.participant.user_id == request.user.id
    if not (is_owner or sees_participants(request.user)):
        # The same answer as for a photo that does not exist.
        raise Http404
    if not photo.file:
        raise Http404  # an old version whose file was pruned (profiles.services.retention)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        # The record outlived its file (a restore, a pruned version): nothing to serve.
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="foto-{photo.uuid.hex}.jpg"'
    # A face is personal data: kept by no cache, the browser's disk included. Each version
    # has its own URL, so a new photo shows at once anyway.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Confirmation: replaces the guide's questionnaire and screenshot ----------------------

WIB = INDONESIAN_ZONES[0][1]
RESPONSIBILITY = (
    "Perubahan data yang dilakukan peserta menjadi tanggung jawab peserta apabila terjadi "
    "ketidakcocokan antara data di sertifikat Latsar dengan data di SK CPNS"
)


class ConfirmForm(forms.Form):
    setuju = forms.BooleanField(
        label=f"Saya menyatakan data dan foto di atas sudah benar. {RESPONSIBILITY}.",
        error_messages={"required": "Centang pernyataan ini untuk mengonfirmasi data Anda."},
    )
    # What the page showed: a change in another tab makes the confirmation fail.
    version = forms.IntegerField(widget=forms.HiddenInput)
    # The photo shown on the page: a photo uploaded in another tab makes this confirmation stale.
    photo = forms.UUIDField(required=False, widget=forms.HiddenInput)


@participant_required
@require_http_methods(["GET", "POST"])
def confirm(request, participant):
    now = timezone.now()
    seen = review.seen(participant)
    form = ConfirmForm(
        request.POST or None, initial={"version": seen["expected_version"], "photo": seen["expected_photo"]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = review.confirm(
                participant, by=request.user, expected_version=form.cleaned_data["version"],
                expected_photo=form.cleaned_data["photo"], now=now,
            )
        except review.ReviewError as error:
            messages.error(request, str(error))
            return redirect("confirm")
        messages.success(request, "Data Anda sudah dikonfirmasi. Simpan atau cetak bukti konfirmasi ini.")
        return redirect("receipt", code=confirmed.confirmation_code)
    return render(
        request,
        "profiles/confirm.html",
        {
            "participant": participant,
            "rows": profile_rows(participant),
            "missing": review.missing_items(participant),
            "form": form,
            "statement": RESPONSIBILITY,
            **status_context(participant, now),
            **deadline_context(participant, now),
        },
    )


@participant_required
@require_http_methods(["GET"])
def receipt(request, participant, code):
    # Looked up on the signed-in participant only: another participant's code is a 404.
    if not participant.confirmation_code or participant.confirmation_code != code:
        raise Http404
    # What was confirmed, from the history as of the confirmation: the rows and the photo
    # the participant declared correct, never newer data under the older time.
    snapshot = review.confirmed_snapshot(participant)
    if snapshot is None:
        messages.warning(request, "Data Anda berubah setelah konfirmasi; periksa lalu konfirmasi ulang.")
        return redirect("profile")
    return render(
        request,
        "profiles/receipt.html",
        {
            "participant": participant,
            "rows": profile_rows(snapshot),
            "confirmed_photo": participant.confirmed_photo,
            "statement": RESPONSIBILITY,
            "confirmed_text": f"{format_in_zone(participant.confirmed_at, WIB)} WIB",
            "certificate": certificate_issue.live_certificate(participant),
        },
    )
