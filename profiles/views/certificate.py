"""Pratinjau sertifikat: the participant's data exactly as the certificate prints it."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from profiles.services.certificates import photo_data_uri, render_pdf
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
    html = render_to_string(
        "profiles/certificate_pdf.html",
        {**certificate_context(participant), "photo_src": photo_data_uri(participant.photo)},
        request=request,
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="pratinjau-sertifikat.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
