"""Pratinjau sertifikat: the participant's data exactly as the certificate prints it."""

from django.http import FileResponse, Http404, HttpResponse
from django.template.loader import render_to_string
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from profiles.services.certificates import issue as certificate_issue
from profiles.services.certificates.preview import photo_data_uri, preview_pdf
from profiles.decorators import participant_required
from profiles.rules.printing import certificate_lines


def certificate_context(participant):
    return {
        "participant": participant,
        "batch": participant.batch,
        "lines": certificate_lines(participant),
    }


@participant_required
@require_http_methods(["GET"])
def certificate_preview(request, participant):
    return render(request, "profiles/certificate_preview.html", certificate_context(participant))


@participant_required
@require_http_methods(["GET"])
def certificate_pdf(request, participant):
    def html():
        return render_to_string(
            "profiles/certificate_pdf.html",
            {**certificate_context(participant), "photo_src": photo_data_uri(participant.photo)},
            request=request,
        )

    response = HttpResponse(preview_pdf(participant, html), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="pratinjau-sertifikat.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(certificate, filename, *, as_attachment=True):
    try:
        handle = certificate.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@participant_required
@require_http_methods(["GET"])
def certificate_download(request, participant):
    """"Unduh sertifikat": the participant's own issued certificate, the signed file as stored."""
    certificate = certificate_issue.live_certificate(participant)
    if certificate is None:
        raise Http404
    return pdf_response(certificate, "sertifikat-latsar.pdf")
