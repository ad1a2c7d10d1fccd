"""The public verification page (/v/<code>/), reached from a certificate's QR code.

Anyone may open it: it shows whether the certificate is valid or revoked, its number, the
name with titles, the batch, the issue date, a small photo and the NIP masked; nothing
else personal. It also checks an uploaded PDF. Rate-limited per address.
"""

import io

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from PIL import Image, UnidentifiedImageError

from profiles.backends import client_ip
from profiles.services.certificates import verify as verification

THUMB_WIDTH = 160


class UploadForm(forms.Form):
    berkas = forms.FileField(
        label="Berkas PDF sertifikat",
        error_messages={"required": "Pilih berkas PDF sertifikat yang ingin diperiksa."},
    )

    def clean_berkas(self):
        upload = self.cleaned_data["berkas"]
        if upload.size > verification.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Berkas terlalu besar (paling besar 10 MB).", code="too_large")
        return upload


def too_many(request):
    return render(request, "profiles/verify_limited.html", status=429)


@require_http_methods(["GET", "POST"])
def verify(request, cert_code):
    upload = request.method == "POST"
    if verification.over_limit(client_ip(request), upload=upload):
        return too_many(request)
    certificate = verification.published(cert_code)
    if certificate is None:
        raise Http404
    form = UploadForm(request.POST, request.FILES) if upload else UploadForm()
    check = None
    if upload and form.is_valid():
        check = verification.check_upload(form.cleaned_data["berkas"].read())
    return render(request, "profiles/verify.html", {
        "certificate": certificate,
        "view": verification.public_view(certificate),
        "form": form,
        "check": check,
        "same": check is not None and check.certificate is not None and check.certificate.pk == certificate.pk,
    })


@require_http_methods(["GET"])
def verify_photo(request, cert_code):
    """The certificate's frozen photo, small: enough to recognise the holder, no more."""
    if verification.over_limit(client_ip(request), upload=False):
        return too_many(request)
    certificate = verification.published(cert_code)
    if certificate is None or not certificate.photo.file:
        raise Http404
    try:
        with certificate.photo.file.open("rb") as handle, Image.open(handle) as image:
            image.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 3 // 2))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
    except (FileNotFoundError, UnidentifiedImageError, OSError):
        raise Http404 from None
    response = HttpResponse(out.getvalue(), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
