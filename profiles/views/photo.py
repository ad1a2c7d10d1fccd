"""Upload Photo and "Perbaiki foto otomatis": the upload page, the fix page and its status,
and the private images behind them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from profiles.services import photo_fixes, uploads
from profiles.services.participants import EditingClosed
from profiles.services.photo_versions import UploadLimitReached
from profiles.decorators import participant_required, sees_participants
from profiles.forms import PhotoFixForm, PhotoUploadForm
from profiles.models import Photo, PhotoFix
from profiles.photos import inputs
from profiles.views.participant import CLOSED, deadline_context, tell_saved

# A phone photo is a few MB; anything far beyond is not worth reading into memory.
UPLOAD_READ_LIMIT = photo_fixes.READ_LIMIT
TOO_LARGE = "Ukuran file {mb:.1f} MB terlalu besar; foto harus kurang dari 1 MB."
GONE = "Foto ini sudah tidak tersedia. Unggah foto lagi."


def can_see_photos_of(user, participant):
    # The rule of views.photo: the owner, or staff who may view participants.
    return participant.user_id == user.id or sees_participants(user)


@participant_required
@require_http_methods(["GET", "POST"])
def photo_upload(request, participant):
    now = timezone.now()
    context = {"participant": participant, **deadline_context(participant, now)}
    bound = request.method == "POST"
    form = PhotoUploadForm(request.POST if bound else None, request.FILES if bound else None)
    report = fix = None
    if bound and form.is_valid():
        upload = form.cleaned_data["foto"]
        if upload.size > UPLOAD_READ_LIMIT:
            form.add_error("foto", TOO_LARGE.format(mb=upload.size / 1024 / 1024))
        else:
            try:
                outcome = uploads.receive_upload(participant, upload.read(), by=request.user, now=now)
            except EditingClosed:
                messages.error(request, CLOSED)
                return redirect("profile")
            except UploadLimitReached as error:
                messages.error(request, str(error))
                return redirect("photo_upload")
            report, fix = outcome.report, outcome.kept
            if outcome.stored:
                tell_saved(request, outcome.photo.revoked)
                for code in report.warnings:
                    messages.warning(request, f"Catatan foto: {report.get(code).message}")
                return redirect("profile")
            messages.error(request, "Foto belum disimpan. Perbaiki hal berikut lalu unggah lagi.")
    return render(
        request,
        "profiles/photo_upload.html",
        {
            **context,
            "form": form,
            "fix_form": PhotoFixForm(prefix="perbaiki"),
            **report_context(report),
            "kept": fix,
        },
    )


def report_context(report):
    """The report as the page tells it: what failed first (blocking, then warnings), then
    what could not be checked, then what passed."""
    if report is None:
        return {"report": None}
    checks = report.checks
    return {
        "report": report,
        "failed": [c for c in checks if c.ok is False and c.severity == "error"],
        "warned": [c for c in checks if c.ok is False and c.severity != "error"],
        "not_checked": [c for c in checks if c.ok is None],
        "passed": [c for c in checks if c.ok is True],
    }


@participant_required
@require_POST
def photo_fix_start(request, participant):
    """Either the refused upload kept on the upload page (field "fix") or a chosen file."""
    now = timezone.now()
    try:
        if request.POST.get("fix"):
            fix = photo_fixes.queue_kept_upload(participant, request.POST["fix"], by=request.user, now=now)
        else:
            form = PhotoFixForm(request.POST, request.FILES, prefix="perbaiki")
            if not form.is_valid():
                for error in form.errors.get("foto", []):
                    messages.error(request, error)
                return redirect("photo_upload")
            upload = form.cleaned_data["foto"]
            if upload.size > UPLOAD_READ_LIMIT:
                raise photo_fixes.FixTooLarge(
                    f"File {upload.size / 1024 / 1024:.1f} MB terlalu besar untuk diperbaiki (batas 20 MB)."
                )
            fix = photo_fixes.start_fix(participant, upload.read(), by=request.user, now=now)
    except EditingClosed:
        messages.error(request, CLOSED)
        return redirect("profile")
    except (PhotoFix.DoesNotExist, ValidationError, photo_fixes.FixError) as error:
        # ValidationError: a "fix" that is no UUID at all.
        messages.error(request, str(error) if isinstance(error, photo_fixes.FixError) else GONE)
        return redirect("photo_upload")
    except UploadLimitReached as error:
        messages.error(request, str(error))
        return redirect("photo_upload")
    return redirect("photo_fix", fix_uuid=fix.uuid)


def fix_context(fix, now):
    return {
        "fix": fix,
        "pending": fix.state in photo_fixes.PENDING and not photo_fixes.is_stalled(fix, now),
        "problem": photo_fixes.problem_message(fix, now),
        "can_edit": fix.participant.can_edit(now),
        "participant": fix.participant,
    }


@participant_required
@require_http_methods(["GET"])
def photo_fix(request, participant, fix_uuid):
    fix = get_object_or_404(PhotoFix, uuid=fix_uuid, participant=participant)
    context = fix_context(fix, timezone.now())
    return render(request, "profiles/photo_fix.html", context)


@participant_required
@require_http_methods(["GET"])
def photo_fix_status(request, participant, fix_uuid):
    """What the page's script polls: the state, and the page body to swap in."""
    fix = get_object_or_404(PhotoFix, uuid=fix_uuid, participant=participant)
    context = fix_context(fix, timezone.now())
    return JsonResponse(
        {
            "state": fix.state,
            "pending": context["pending"],
            "html": render_to_string("profiles/_photo_fix_body.html", context, request=request),
        }
    )


@participant_required
@require_POST
def photo_fix_accept(request, participant, fix_uuid):
    try:
        photo = photo_fixes.accept_fix(participant, fix_uuid, by=request.user)
    except PhotoFix.DoesNotExist:
        raise Http404 from None
    except EditingClosed:
        messages.error(request, CLOSED)
        return redirect("profile")
    except (photo_fixes.FixError, UploadLimitReached) as error:
        messages.error(request, str(error))
        return redirect("photo_fix", fix_uuid=fix_uuid)
    tell_saved(request, photo.revoked)
    return redirect("profile")


@participant_required
@require_POST
def photo_fix_discard(request, participant, fix_uuid):
    try:
        photo_fixes.discard_fix(participant, fix_uuid, by=request.user)
    except PhotoFix.DoesNotExist:
        raise Http404 from None
    except photo_fixes.FixError as error:
        messages.error(request, str(error))
        return redirect("profile")
    messages.info(request, "Hasil perbaikan dibuang; foto Anda tidak berubah. Unggah foto lain.")
    return redirect("photo_upload")


@participant_required
@require_POST
def photo_fix_retry(request, participant, fix_uuid):
    try:
        photo_fixes.retry_fix(participant, fix_uuid, by=request.user)
    except PhotoFix.DoesNotExist:
        raise Http404 from None
    except EditingClosed:
        messages.error(request, CLOSED)
        return redirect("profile")
    except photo_fixes.FixError as error:
        messages.info(request, str(error))
    return redirect("photo_fix", fix_uuid=fix_uuid)


# Private images --------------------------------------------------------------------------

FIX_IMAGES = {"sebelum": "preview", "sesudah": "result"}


@login_required
@require_http_methods(["GET", "HEAD"])
def photo_fix_image(request, fix_uuid, kind):
    """The fix's "before" (the upload as displayed, a JPEG made by us) or "after" image."""
    if kind not in FIX_IMAGES:
        raise Http404
    fix = get_object_or_404(PhotoFix.objects.select_related("participant"), uuid=fix_uuid)
    if not can_see_photos_of(request.user, fix.participant):
        raise Http404
    field = getattr(fix, FIX_IMAGES[kind])
    return private_image(field, "image/jpeg", f"perbaikan-{fix.uuid.hex}-{kind}.jpg")


# What browsers show as they are; any other original (HEIC) is converted for display.
BROWSER_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WebP": "image/webp"}


@login_required
@require_http_methods(["GET", "HEAD"])
def photo_original(request, photo_uuid):
    """The participant's upload an auto-fixed photo was made from: for staff only."""
    if not sees_participants(request.user):
        raise Http404
    photo = get_object_or_404(Photo, uuid=photo_uuid)
    if not photo.original:
        raise Http404
    try:
        with photo.original.open("rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        raise Http404 from None
    kind = inputs.kind_of(data)
    if kind in BROWSER_TYPES:
        content_type, extension = BROWSER_TYPES[kind], kind.lower().replace("jpeg", "jpg")
    else:
        data = photo_fixes.preview_of(data)
        if data is None:
            raise Http404
        content_type, extension = "image/jpeg", "jpg"
    response = HttpResponse(data, content_type=content_type)
    return private_headers(response, f"asli-{photo.uuid.hex}.{extension}")


def private_image(field, content_type, filename):
    if not field:
        raise Http404
    try:
        with field.open("rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        raise Http404 from None
    return private_headers(HttpResponse(data, content_type=content_type), filename)


def private_headers(response, filename):
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
