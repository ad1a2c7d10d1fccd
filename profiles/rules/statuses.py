"""What each status means to the participant, and the three steps of My profile.

One sentence per status, written once: My profile, the confirmation page and the
staff pages read them here. The checklist (Data, Foto, Konfirmasi) is decided by
pure functions of a few facts about the record, so tests hold every branch without
a request.
"""

from dataclasses import dataclass

from django.db.models import TextChoices

from profiles.rules import revisions


class Status(TextChoices):
    BELUM_DIPERBARUI = "belum_diperbarui", "Belum diperbarui"
    DIPERBARUI = "diperbarui", "Diperbarui"
    DIKONFIRMASI = "dikonfirmasi", "Dikonfirmasi"
    PERLU_REVISI = "perlu_revisi", "Perlu revisi"
    TERVERIFIKASI = "terverifikasi", "Terverifikasi"
    DIANGGAP_VALID = "dianggap_valid", "Dianggap valid"


# One sentence per (effective) status, as the participant reads it.
EXPLANATIONS = {
    Status.BELUM_DIPERBARUI: (
        "Anda belum memeriksa data ini. Periksa data dan foto, lengkapi yang kosong, "
        "lalu konfirmasi sebelum tenggat."
    ),
    Status.DIPERBARUI: (
        "Data atau foto Anda sudah diubah tetapi belum dikonfirmasi: periksa sekali lagi, "
        "lalu klik Konfirmasi sebelum tenggat."
    ),
    Status.DIKONFIRMASI: (
        "Anda sudah mengonfirmasi data dan foto; panitia akan memeriksanya. "
        "Mengubah data atau foto membatalkan konfirmasi ini."
    ),
    Status.PERLU_REVISI: (
        "Panitia meminta perbaikan (lihat catatan revisi): perbaiki data atau foto, "
        "lalu konfirmasi lagi."
    ),
    Status.TERVERIFIKASI: (
        "Panitia sudah memeriksa data dan foto Anda dan menyatakannya sesuai; "
        "data inilah yang dicetak di sertifikat."
    ),
    Status.DIANGGAP_VALID: (
        "Batas waktu sudah lewat: data yang tersimpan dianggap valid, dipakai untuk sertifikat, "
        "dan menjadi tanggung jawab Anda. Jika ada yang salah, hubungi panitia."
    ),
}
# After the deadline a revision request that was not reopened can only go through the committee.
REVISION_CLOSED = (
    "Panitia meminta perbaikan, tetapi batas waktu sudah lewat: hubungi panitia "
    "untuk memperbaiki data Anda."
)

# Bootstrap badge classes with at least 4.5:1 contrast on their background.
BADGES = {
    Status.BELUM_DIPERBARUI: "text-bg-secondary",
    Status.DIPERBARUI: "text-bg-warning",
    Status.DIKONFIRMASI: "text-bg-primary",
    Status.PERLU_REVISI: "text-bg-danger",
    Status.TERVERIFIKASI: "text-bg-success",
    Status.DIANGGAP_VALID: "text-bg-success",
}

# The guide's own words for a save (participants look for them).
SAVED = "Berhasil di Update"
# What a save cancels, for the message after it (services set `revoked`).
REVOKED_MESSAGES = {
    "confirmed": (
        f"{SAVED}. Konfirmasi Anda dibatalkan karena data berubah: "
        "periksa lagi lalu konfirmasi ulang."
    ),
    "verified": (
        f"{SAVED}. Verifikasi panitia dibatalkan karena data berubah: "
        "periksa lagi lalu konfirmasi ulang agar panitia memeriksanya kembali."
    ),
}


def explain(status, *, can_edit=True, pending=()):
    """The status sentence; with a revision request, what it still waits for."""
    status = Status(status)
    if status == Status.PERLU_REVISI and not can_edit:
        return REVISION_CLOSED
    if status == Status.PERLU_REVISI and pending:
        what = revisions.describe(pending)
        return (
            f"Panitia meminta perbaikan {what} (lihat catatan revisi). Status tetap “Perlu revisi” "
            f"sampai {what} Anda ubah; setelah itu periksa lagi, lalu konfirmasi ulang."
        )
    return EXPLANATIONS[status]


def badge_class(status):
    return BADGES[Status(status)]


def revoked_message(revoked):
    """The message after a save; "Berhasil di Update" alone when nothing was cancelled."""
    return REVOKED_MESSAGES.get(revoked, SAVED)


@dataclass(frozen=True)
class Action:
    label: str
    url_name: str
    primary: bool = True
    args: tuple = ()
    anchor: str = ""


@dataclass(frozen=True)
class Step:
    key: str  # data, foto, konfirmasi
    title: str
    done: bool
    text: str
    action: Action | None = None

    @property
    def state(self):
        return "done" if self.done else "todo"


def data_step(missing_data, *, can_edit):
    if not can_edit:
        text = "Lengkap." if not missing_data else "Belum lengkap: " + ", ".join(missing_data) + "."
        return Step("data", "Data", not missing_data, text + " Batas waktu sudah lewat; data hanya dapat dilihat.",
                    Action("Lihat data", "profile", primary=False, anchor="data"))
    if missing_data:
        return Step("data", "Data", False, "Belum lengkap: " + ", ".join(missing_data) + ".",
                    Action("Update Profil", "profile_edit"))
    return Step("data", "Data", True, "Lengkap. Periksa sekali lagi bahwa semuanya sesuai SK CPNS.",
                Action("Update Profil", "profile_edit", primary=False))


def photo_step(*, has_photo, notes, can_edit, revision=False):
    if has_photo and revision and can_edit:
        return Step("foto", "Foto", False,
                    "Panitia meminta foto baru (lihat catatan revisi). Unggah foto yang memenuhi syarat.",
                    Action("Ganti foto", "photo_upload"))
    if not has_photo:
        if not can_edit:
            return Step("foto", "Foto", False, "Belum ada foto, dan batas waktu sudah lewat: hubungi panitia.")
        return Step("foto", "Foto", False, "Belum ada foto.", Action("Upload Photo", "photo_upload"))
    text = "Tersimpan." if not notes else f"Tersimpan, dengan {notes} catatan (lihat di samping foto)."
    if not can_edit:
        return Step("foto", "Foto", True, text + " Batas waktu sudah lewat; foto tidak dapat diganti.")
    return Step("foto", "Foto", True, text, Action("Ganti foto", "photo_upload", primary=False))


def confirm_step(*, data_complete, has_photo, confirmed, confirmation_code, status, can_edit, pending=()):
    status = Status(status)
    if status == Status.TERVERIFIKASI:
        return Step("konfirmasi", "Konfirmasi", True, "Diverifikasi panitia. Tidak ada lagi yang perlu Anda lakukan.")
    if confirmed and confirmation_code:
        return Step("konfirmasi", "Konfirmasi", True, "Sudah dikonfirmasi; panitia akan memeriksanya.",
                    Action("Lihat bukti konfirmasi", "receipt", primary=False, args=(confirmation_code,)))
    if not can_edit:
        return Step("konfirmasi", "Konfirmasi", status == Status.DIANGGAP_VALID, explain(status, can_edit=False))
    if status == Status.PERLU_REVISI and pending:
        return Step("konfirmasi", "Konfirmasi", False,
                    f"Dapat dilakukan setelah {revisions.describe(pending)} diperbaiki sesuai catatan revisi.")
    if not (data_complete and has_photo):
        first = "Data" if not data_complete else "Foto"
        both = "data dan foto" if not data_complete and not has_photo else first.lower()
        return Step("konfirmasi", "Konfirmasi", False,
                    f"Dapat dilakukan setelah {both} lengkap. Lengkapi {both} dulu.")
    if confirmation_code:
        # Confirmed once, then the data or the photo changed (review.revoke_approval).
        return Step("konfirmasi", "Konfirmasi", False,
                    "Konfirmasi Anda dibatalkan karena data atau foto berubah. Periksa lagi, lalu konfirmasi ulang.",
                    Action("Konfirmasi ulang", "confirm"))
    return Step("konfirmasi", "Konfirmasi", False,
                "Data dan foto lengkap. Periksa sekali lagi, lalu konfirmasi sebelum tenggat.",
                Action("Konfirmasi", "confirm"))


def checklist(*, missing_data, has_photo, photo_notes, confirmed, confirmation_code, status, can_edit,
              pending=()):
    """The three steps, in the guide's order. `pending` are the reasons of an open
    revision request not yet answered (Participant.pending_revision)."""
    return [
        data_step(missing_data, can_edit=can_edit),
        photo_step(has_photo=has_photo, notes=photo_notes, can_edit=can_edit,
                   revision=revisions.photo_pending(pending)),
        confirm_step(data_complete=not missing_data, has_photo=has_photo, confirmed=confirmed,
                     confirmation_code=confirmation_code, status=status, can_edit=can_edit, pending=pending),
    ]


def photo_notes(report, warning_codes=()):
    """The notes of a stored photo: ("warning", message) and ("unchecked", message).

    A check with `"ok": None` was not run (no face found, for instance): it is shown as
    not checked, neither passed nor failed. Warning codes without a check in the report
    (older photos) are still listed.
    """
    notes = []
    seen = set()
    for check in (report or {}).get("checks", []):
        seen.add(check.get("code"))
        if check.get("ok") is None:
            notes.append(("unchecked", check.get("message", "")))
        elif check.get("ok") is False and check.get("severity") == "warning":
            notes.append(("warning", check.get("message", "")))
    for code in warning_codes or ():
        if code not in seen:
            notes.append(("warning", f"Catatan pemeriksaan foto: {code.replace('_', ' ')}."))
    return notes
