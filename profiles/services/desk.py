"""The review desk's queues and the words it shows: pure-ish query helpers, no request.

A queue is the records of one batch that match a status and a photo filter, in the
admin's order (name, NIP). The desk moves through it by database comparisons, so a
record that just left the queue (verified) still knows which one comes next.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Q

from profiles.rules import revisions
from profiles.rules.birth import format_birth_date
from profiles.rules.fields import BIRTH_PARTS, BY_NAME, DATA_COLUMNS, EDITABLE
from profiles.models import Participant, Status

# Photo check codes as staff read them. The one map for the admin and the desk; it
# names the landmark checks' codes too (eyes_closed, mouth_open, head_tilted).
WARNING_WORDS = {
    "format": "Bukan file JPEG",
    "size": "File 1 MB atau lebih",
    "ratio": "Rasio bukan 4:6",
    "background": "Latar bukan merah",
    "resolution": "Resolusi rendah",
    "face_missing": "Wajah tidak terdeteksi",
    "face_multiple": "Lebih dari satu wajah",
    "face_off_center": "Wajah tidak di tengah",
    "head_too_small": "Wajah terlalu kecil (foto terlalu jauh)",
    "head_too_large": "Wajah terlalu besar (dada tidak terlihat)",
    "eyes_missing": "Mata tidak terlihat jelas",
    "eyes_closed": "Mata terpejam",
    "eyes_hidden": "Mata tertutup kacamata gelap",
    "glasses_glare": "Pantulan cahaya pada kacamata",
    "mouth_open": "Mulut terbuka",
    "head_tilted": "Kepala miring",
    "shirt_not_white": "Kemeja tidak putih atau memakai jas",
}


# The measured values of a check, as staff read them (profiles.photos.checks).
VALUE_LABELS = {
    "type": "jenis file", "problem": "masalah", "width": "lebar (px)", "height": "tinggi (px)",
    "ratio": "rasio", "red_share": "piksel merah", "dominant": "warna terbanyak",
    "dominant_share": "porsi warna terbanyak", "left": "mata kiri tertutup", "right": "mata kanan tertutup",
    "x": "posisi mendatar", "y": "posisi tegak",
}
PERCENT_VALUES = {"red_share", "dominant_share", "left", "right", "x", "y"}
CHECK_STATES = {True: "OK", False: None, None: "Tidak diperiksa"}
# What each check asks, neutrally (WARNING_WORDS say what failed).
CHECK_NAMES = {
    "format": "File JPEG", "size": "Ukuran file di bawah 1 MB", "ratio": "Rasio 4:6", "background": "Latar merah",
    "resolution": "Resolusi", "face_missing": "Wajah terdeteksi", "face_multiple": "Satu wajah saja",
    "face_off_center": "Wajah di tengah", "head_too_small": "Kepala tidak terlalu kecil",
    "head_too_large": "Kepala tidak terlalu besar", "eyes_missing": "Mata terlihat", "eyes_closed": "Mata terbuka",
    "mouth_open": "Mulut tertutup", "head_tilted": "Kepala tegak", "shirt_not_white": "Kemeja putih tanpa jas",
}


def _value_words(key, value):
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float) and key in PERCENT_VALUES:
        return f"{round(value * 100)} %"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",")
    if key == "problem" and value == "unreadable":
        return "tidak terbaca"
    return str(value)


def check_value_words(code, value):
    """A check's measured value in labelled words: "lebar (px): 400; tinggi (px): 600"."""
    if value is None or value == {}:
        return "—"
    if isinstance(value, dict):
        parts = [f"{VALUE_LABELS.get(key, key.replace('_', ' '))}: {_value_words(key, item)}"
                 for key, item in value.items() if item is not None]
        return "; ".join(parts) or "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(_value_words(code, item) for item in value)
    if code == "size" and isinstance(value, int):
        return f"{round(value / 1024)} KB"
    if code in ("head_too_small", "head_too_large") and isinstance(value, float):
        return f"{round(value * 100)} % tinggi foto"
    return _value_words(code, value)


def check_rows(report):
    """(result, check, measured, explanation) for each check of a photo report, in words."""
    rows = []
    for check in (report or {}).get("checks", []):
        ok = check.get("ok")
        state = CHECK_STATES.get(ok) or ("Gagal" if check.get("severity") == "error" else "Catatan")
        code = check.get("code", "")
        names = WARNING_WORDS if ok is False else CHECK_NAMES
        rows.append((state, names.get(code, code.replace("_", " ")),
                     check_value_words(code, check.get("value")), check.get("message", "")))
    return rows


def warning_words(codes):
    return [WARNING_WORDS.get(code, code.replace("_", " ")) for code in codes or []]


# Ready-made reasons for "Minta revisi" (issue 9), in the words the participant reads;
# each names what it is about (profiles.rules.revisions).
REVISION_REASONS = [(reason.code, reason.text) for reason in revisions.REASONS]


# Queues -----------------------------------------------------------------------------

WAITING = "menunggu"
ALL = "semua"
STATUS_FILTERS = {
    WAITING: "Menunggu verifikasi (sudah konfirmasi)",
    ALL: "Semua status",
    **{status.value: status.label for status in Status},
}
PHOTO_FILTERS = {
    "": "Semua foto",
    "catatan": "Foto dengan catatan",
    "otomatis": "Foto diperbaiki otomatis",
    "tanpa": "Tanpa foto",
}


@dataclass(frozen=True)
class Queue:
    batch: object
    status: str = WAITING
    photo: str = ""

    @classmethod
    def from_params(cls, batch, params):
        status = params.get("status") or WAITING
        photo = params.get("foto") or ""
        return cls(
            batch=batch,
            status=status if status in STATUS_FILTERS else WAITING,
            photo=photo if photo in PHOTO_FILTERS else "",
        )

    def queryset(self):
        queryset = Participant.objects.filter(batch=self.batch)
        if self.status == WAITING:
            queryset = queryset.filter(status=Status.DIKONFIRMASI)
        elif self.status != ALL:
            queryset = queryset.filter(status=self.status)
        return queryset.filter(photo_filter_q(self.photo)).order_by("nama", "nip")

    def querystring(self):
        params = {}
        if self.status != WAITING:
            params["status"] = self.status
        if self.photo:
            params["foto"] = self.photo
        return ("?" + urlencode(params)) if params else ""

    def label(self):
        parts = [STATUS_FILTERS[self.status]]
        if self.photo:
            parts.append(PHOTO_FILTERS[self.photo].lower())
        return ", ".join(parts)


def photo_filter_q(photo):
    if photo == "catatan":
        return Q(photo__isnull=False) & ~Q(photo__warnings=[])
    if photo == "otomatis":
        return Q(photo__auto_fixed=True)
    if photo == "tanpa":
        return Q(photo__isnull=True)
    return Q()


def _after(participant):
    return Q(nama__gt=participant.nama) | Q(nama=participant.nama, nip__gt=participant.nip)


def _before(participant):
    return Q(nama__lt=participant.nama) | Q(nama=participant.nama, nip__lt=participant.nip)


@dataclass(frozen=True)
class Place:
    position: int | None  # 1-based; None when the record is not (or no longer) in the queue
    total: int
    previous: int | None  # user_id of the neighbours, the desk's URL reference
    next: int | None


def place(queue, participant):
    queryset = queue.queryset()
    total = queryset.count()
    inside = queryset.filter(pk=participant.pk).exists()
    position = queryset.filter(_before(participant)).count() + 1 if inside else None
    after = queryset.filter(_after(participant)).values_list("user_id", flat=True).first()
    before = queryset.filter(_before(participant)).order_by("-nama", "-nip").values_list("user_id", flat=True).first()
    return Place(position, total, before, after)


def next_after(queue, participant):
    """The record to open after this one: the next in order, else the first one left (wrapping)."""
    queryset = queue.queryset().exclude(pk=participant.pk)
    following = queryset.filter(_after(participant)).values_list("user_id", flat=True).first()
    return following or queryset.values_list("user_id", flat=True).first()


# What the desk shows -----------------------------------------------------------------

def _column_label(column):
    if column in BIRTH_PARTS:
        return BIRTH_PARTS[column][0]
    return BY_NAME[column].label


def _shown(column, value):
    if value in (None, ""):
        return "(kosong)"
    if column == "tanggal_lahir":
        return format_birth_date(value if isinstance(value, date) else date.fromisoformat(value))
    return str(value)


def _stored(value):
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def changes_since_roster(participant):
    """(label, roster value, current value) for each column changed since the last import.

    None when the record never came from a roster (created by hand).
    """
    roster = participant.roster_values or {}
    if not roster:
        return None
    changes = []
    for column in DATA_COLUMNS:
        before, now = roster.get(column, ""), _stored(getattr(participant, column))
        if before != now:
            changes.append((_column_label(column), _shown(column, before), _shown(column, now)))
    return changes


def other_rows(participant):
    """The fields the certificate does not print, compactly, for the desk."""
    printed = {"nip", "nama", "tempat_tanggal_lahir", "pangkat", "golongan", "jabatan", "asal_instansi"}
    return [(field.label, field.display(participant)) for field in EDITABLE if field.name not in printed]


def history_entries(participant, limit=5):
    """The last entries of the audit history: when, who, why, which fields."""
    records = list(participant.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for newer, older in zip(records, [*records[1:], None]):
        if len(entries) == limit:
            break
        if older is None:
            fields = []
        else:
            fields = [
                Participant._meta.get_field(change.field).verbose_name
                for change in newer.diff_against(older).changes
            ]
        entries.append({
            "when": newer.history_date,
            "who": newer.history_user.get_username() if newer.history_user else "sistem",
            "reason": newer.history_change_reason or {"+": "Dibuat", "~": "Diubah", "-": "Dihapus"}[newer.history_type],
            "fields": fields,
        })
    return entries
