"""Access codes ("kode akses") for batches whose first sign-in needs more than the NIP.

The training centre hands each participant their code (from the roster, or generated
here and downloaded as CSV); FirstSignInBackend then accepts NIP + code instead of
NIP + NIP. Off by default, as in the guide.
"""

from django.db import transaction

from profiles.services import exports
from profiles.backends import new_access_code
from profiles.models import Participant

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
