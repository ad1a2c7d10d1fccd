"""What a revision request names, and whether the participant has acted on it.

Each ready-made reason points at the fields (or the photo) it is about. A request
records, per reason, those targets and their values at the time of the request; the
request is answered once every reason has at least one of its targets changed. A
request with only a free note names everything: any change answers it.
Pure: values in, values out.
"""

from dataclasses import dataclass
from datetime import date

from profiles.rules.fields import DATA_COLUMNS

PHOTO = "foto"


@dataclass(frozen=True)
class Reason:
    code: str
    text: str  # in the words the participant reads
    targets: tuple
    label: str  # what to change, for the status sentence


REASONS = [
    Reason("latar", "Latar foto bukan merah.", (PHOTO,), "foto"),
    Reason("wajah", "Wajah tidak jelas atau terlalu kecil; foto dari kepala sampai dada, menghadap lurus.",
           (PHOTO,), "foto"),
    Reason("ekspresi", "Mata harus terbuka dan mulut tertutup.", (PHOTO,), "foto"),
    Reason("pakaian", "Pakaian tidak sesuai: kemeja putih berdasi, tanpa jas.", (PHOTO,), "foto"),
    Reason("nama", "Nama atau gelar tidak sesuai SK CPNS.", ("nama",), "nama"),
    Reason("lahir", "Tempat/tanggal lahir tidak sesuai SK CPNS.", ("tempat_lahir", "tanggal_lahir"),
           "tempat/tanggal lahir"),
    Reason("golongan", "Golongan/pangkat tidak sesuai SK CPNS.", ("golongan", "pangkat"), "golongan/pangkat"),
    Reason("jabatan", "Jabatan tidak sesuai SK Grading.", ("jabatan",), "jabatan"),
    Reason("instansi", "Asal/alamat instansi tidak sesuai.", ("asal_instansi", "alamat_instansi"),
           "asal/alamat instansi"),
]
BY_CODE = {reason.code: reason for reason in REASONS}
# A note without a ready-made reason: any change to the data or the photo answers it.
ANYTHING = Reason("catatan", "", (*DATA_COLUMNS, PHOTO), "data atau foto")


def chosen(codes):
    """The known reasons among `codes`, in the list's order."""
    wanted = set(codes or ())
    return [reason for reason in REASONS if reason.code in wanted]


def note(codes, text):
    """The note the participant reads: the chosen reasons, then the free text."""
    lines = [reason.text for reason in chosen(codes)]
    text = (text or "").strip()
    if text:
        lines.append(text)
    return "\n".join(lines)


def _comparable(value):
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def targets(codes, current):
    """What a request records: per reason, its code and the targets' values now.

    `current` maps each data column, and PHOTO, to the record's value (the photo by id).
    """
    reasons = chosen(codes) or [ANYTHING]
    return [
        {"reason": reason.code, "was": {name: _comparable(current.get(name)) for name in reason.targets}}
        for reason in reasons
    ]


def pending(recorded, current):
    """The reasons of a request that nothing has answered yet."""
    left = []
    for entry in recorded or []:
        was = entry.get("was", {})
        if all(_comparable(current.get(name)) == value for name, value in was.items()):
            left.append(BY_CODE.get(entry.get("reason"), ANYTHING))
    return left


def photo_pending(reasons):
    return any(PHOTO in reason.targets and reason is not ANYTHING for reason in reasons)


def describe(reasons):
    """"foto dan nama" — what is still to change, for the status sentence."""
    labels = list(dict.fromkeys(reason.label for reason in reasons))
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " dan " + labels[-1]
