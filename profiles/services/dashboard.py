"""Completion figures for the staff dashboard: one aggregate query per page, and who is unfinished."""

from django.db.models import BooleanField, Count, ExpressionWrapper, Q

from profiles.models import Participant, Status
from profiles.rules.contact import format_no_telp
from profiles.services import exports
from profiles.services.desk import photo_filter_q
from profiles.services.review import complete_q, data_complete_q


COUNTS = [
    ("signed_in", "Sudah masuk"),
    ("data_complete", "Data lengkap"),
    ("photo", "Foto diterima"),
    ("confirmed", "Sudah konfirmasi"),
    ("revision", "Perlu revisi"),
    ("verified", "Terverifikasi"),
    ("validated", "Tervalidasi (terverifikasi/dianggap valid)"),
]


def count_filters(now):
    return {
        "signed_in": Q(user__last_login__isnull=False),
        "data_complete": data_complete_q(),
        "photo": Q(photo__isnull=False),
        "confirmed": Q(confirmed_at__isnull=False),
        "revision": Q(status=Status.PERLU_REVISI),
        "verified": Q(status=Status.TERVERIFIKASI),
        "validated": Participant.objects.validated_q(now),
        # Flags: what a percentage alone would hide.
        "no_photo": Q(photo__isnull=True),
        "validated_no_photo": Participant.objects.validated_q(now) & Q(photo__isnull=True),
        "photo_warnings": photo_filter_q("catatan"),
        "auto_fixed": photo_filter_q("otomatis"),
    }


def batch_counts(now, batch=None):
    """{batch id: {"total": n, "<count>": n, ...}}, aggregated by the database in one query."""
    queryset = Participant.objects.all() if batch is None else Participant.objects.filter(batch=batch)
    # Prefixed: an annotation named like a field ("photo") would shadow it in the other filters.
    annotations = {f"n_{name}": Count("pk", filter=q) for name, q in count_filters(now).items()}
    grouped = queryset.order_by().values("batch").annotate(n_total=Count("pk"), **annotations)
    return {row.pop("batch"): {key[2:]: value for key, value in row.items()} for row in grouped}


def with_percentages(counts):
    total = counts.get("total", 0)
    return [
        {"name": name, "label": label, "count": counts.get(name, 0),
         "percent": round(100 * counts.get(name, 0) / total) if total else 0}
        for name, label in COUNTS
    ]


def unfinished(batch):
    """Who still has something to do: not confirmed and not verified (revision included)."""
    flag = lambda q: ExpressionWrapper(q, output_field=BooleanField())  # noqa: E731
    return (
        Participant.objects.filter(batch=batch, confirmed_at__isnull=True)
        .exclude(status=Status.TERVERIFIKASI)
        .annotate(
            has_signed_in=flag(Q(user__last_login__isnull=False)),
            has_data=flag(data_complete_q()),
            has_photo=flag(Q(photo__isnull=False)),
            is_complete=flag(complete_q()),
        )
        .only("nip", "nama", "asal_instansi", "email", "no_telp", "status")
        .order_by("asal_instansi", "nama", "nip")
    )


# The unfinished list's sort keys (`?urut=nama`, `?urut=-nama`).
SORTS = {
    "nip": ["nip"],
    "nama": ["nama", "nip"],
    "instansi": ["asal_instansi", "nama", "nip"],
    "status": ["status", "nama", "nip"],
}


def sorted_unfinished(batch, sort):
    columns = SORTS[sort.lstrip("-")]
    if sort.startswith("-"):
        columns = [f"-{column}" for column in columns]
    return unfinished(batch).order_by(*columns)


def still_to_do(participant):
    todo = []
    if not participant.has_signed_in:
        todo.append("masuk pertama")
    if not participant.has_data:
        todo.append("lengkapi data")
    if not participant.has_photo:
        todo.append("unggah foto")
    if participant.status == Status.PERLU_REVISI:
        todo.append("revisi")
    todo.append("konfirmasi")
    return ", ".join(todo)



UNFINISHED_HEADER = ["NIP", "Nama", "Asal Instansi", "Email", "No. Telp", "Status", "Sudah masuk",
                     "Data lengkap", "Foto diterima", "Yang belum"]


def unfinished_rows(batch):
    yield UNFINISHED_HEADER
    yes_no = {True: "ya", False: "belum"}
    for p in unfinished(batch).iterator(chunk_size=exports.CHUNK_SIZE):
        yield [
            p.nip, p.nama, p.asal_instansi, p.email, format_no_telp(p.no_telp) if p.no_telp else "",
            p.get_status_display(), yes_no[p.has_signed_in], yes_no[p.has_data], yes_no[p.has_photo],
            still_to_do(p),
        ]
