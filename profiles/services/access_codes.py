"""Access codes ("kode akses") for batches whose first sign-in needs more than the NIP.

The training centre hands each participant their code (from the roster, or generated
here and downloaded as CSV); FirstSignInBackend then accepts NIP + code instead of
NIP + NIP. Off by default, as in the guide.
"""

from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from profiles.services import exports
from profiles.backends import new_access_code
from profiles.models import Batch, Participant
from profiles.views.staff import staff_permission_required

HEADER = ["NIP", "Nama", "Kode akses"]


def ensure_access_codes(batch):
    """Give every participant of a batch that requires codes one, where missing. Returns the count."""
    if not batch.requires_access_code:
        return 0
    with transaction.atomic():
        missing = list(Participant.objects.select_for_update().filter(batch=batch, kode_akses=""))
        for participant in missing:
            participant.kode_akses = new_access_code()
        # kode_akses is outside the history (it is a credential): a plain update loses nothing.
        Participant.objects.bulk_update(missing, ["kode_akses"], batch_size=1000)
    return len(missing)


def access_code_rows(batch):
    yield HEADER
    for nip, nama, code in Participant.objects.filter(batch=batch).order_by("nama", "nip").values_list(
        "nip", "nama", "kode_akses"
    ).iterator(chunk_size=exports.CHUNK_SIZE):
        yield [nip, nama, code]


@staff_permission_required("profiles.export_certificates")
@require_http_methods(["GET"])
def access_codes_csv(request, batch_id):
    batch = get_object_or_404(Batch, pk=batch_id)
    ensure_access_codes(batch)
    exports.log_export(user=request.user, batch=batch, fmt="csv", scope=exports.SCOPE_ACCESS_CODES,
                       count=Participant.objects.filter(batch=batch).count(), source="web")
    response = StreamingHttpResponse(exports.csv_chunks(access_code_rows(batch)), content_type=exports.CONTENT_TYPES["csv"])
    name = exports.filename_for(batch, "csv").replace("sertifikat-", "kode-akses-")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
