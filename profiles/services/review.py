"""Status transitions of a participant record: confirm, verify, request revision, deemed valid.

Views, admin actions and management commands call these functions, so each
transition is checked and written to the audit history the same way.

Statuses (DOMAIN.md): belum_diperbarui → diperbarui → dikonfirmasi →
perlu_revisi / terverifikasi, and dianggap_valid after the deadline.

"Validated" for the certificate is decided by one predicate, Participant.objects.validated_q():
verified by an admin, or past the participant's deadline (the batch deadline,
or the later date to which an admin reopened editing) and not flagged for
revision. The stored status dianggap_valid is only the record of that fact in
the history, written by mark_deemed_valid; no decision reads it alone, so the
export and the dashboard agree whether or not the command has run.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from profiles.models import Participant, Status
from profiles.rules import revisions
from profiles.rules.fields import DATA_COLUMNS, missing_fields

# Columns that a blank string leaves empty; the birth date is a date column (NULL).
DATE_COLUMNS = ("tanggal_lahir",)



class ReviewError(Exception):
    """A transition that is not allowed now; the message is shown to the user."""


class NotComplete(ReviewError):
    def __init__(self, missing):
        self.missing = missing
        super().__init__(
            "Data belum lengkap: " + ", ".join(missing) + ". Lengkapi dulu sebelum konfirmasi."
        )


class EditingClosed(ReviewError):
    def __init__(self):
        super().__init__(
            "Batas waktu pembaruan data sudah lewat; konfirmasi tidak dapat dilakukan lagi."
        )


class RevisionPending(ReviewError):
    def __init__(self, reasons):
        self.reasons = reasons
        super().__init__(
            f"Panitia meminta perbaikan {revisions.describe(reasons)}, dan itu belum berubah. "
            "Perbaiki dulu sesuai catatan revisi, lalu konfirmasi lagi."
        )


class IncompleteForStaff(NotComplete):
    """Verification refused: the record lacks data or a photo (worded for staff)."""

    def __init__(self, missing):
        self.missing = missing
        ReviewError.__init__(
            self,
            "Belum bisa diverifikasi: peserta belum mengisi " + ", ".join(missing)
            + ". Minta revisi atau tunggu peserta melengkapinya."
        )


class StaleData(ReviewError):
    def __init__(self):
        super().__init__(
            "Data atau foto baru saja berubah (di tab lain, oleh peserta atau oleh admin). "
            "Periksa kembali data dan foto terbaru, lalu ulangi."
        )


# What the participant, an admin or a roster import changed revokes, the same way.
APPROVAL_FIELDS = ["status", "confirmed_at", "confirmed_version", "confirmed_photo",
                   "verified_by", "verified_at", "needs_verification"]


def revoke_approval(participant, *, by_participant):
    """The status rule: any change to the data or the photo, by anyone, cancels the
    confirmation and the verification, which covered the record as it was.

    Sets the fields on the instance (the caller saves APPROVAL_FIELDS) and returns what
    was revoked: "verified", "confirmed" or None. The status then says who acts next:
    "diperbarui" after the participant's change (once a revision request is answered:
    until then it stays "perlu revisi"); a change by staff or a roster leaves "belum
    diperbarui" and "perlu revisi" as they are, since the participant still has to act.

    A staff change to a verified (or deemed valid) record marks it as needing a new
    verification: what it holds now was approved by nobody (Participant.is_validated).
    """
    revoked = None
    if participant.status == Status.TERVERIFIKASI or participant.verified_at:
        revoked = "verified"
    elif participant.confirmed_at:
        revoked = "confirmed"
    if not by_participant and (revoked == "verified" or participant.status == Status.DIANGGAP_VALID):
        participant.needs_verification = True
    participant.confirmed_at = None
    participant.confirmed_version = None
    participant.confirmed_photo = None
    participant.verified_by = None
    participant.verified_at = None
    if participant.pending_revision():
        return revoked
    if by_participant or participant.status not in (Status.BELUM_DIPERBARUI, Status.PERLU_REVISI):
        participant.status = Status.DIPERBARUI
    return revoked


def data_complete_q():
    """All twelve fields filled: the query twin of missing_items (tests hold them together)."""
    q = Q()
    for column in DATA_COLUMNS:
        if column in DATE_COLUMNS:
            q &= Q(**{f"{column}__isnull": False})
        else:
            q &= ~Q(**{column: ""}) & Q(**{f"{column}__isnull": False})
    return q


def complete_q():
    """All twelve fields and an accepted photo (only photos that passed the checks are stored)."""
    return data_complete_q() & Q(photo__isnull=False)


def missing_items(participant):
    """Labels of what is still blank, in the guide's order, then the photo."""
    missing = [field.label for field in missing_fields(participant)]
    if participant.photo_id is None:
        missing.append("Foto")
    return missing


def effective_status(participant, now=None):
    """The status as the export and the dashboard count it."""
    if participant.status != Status.TERVERIFIKASI and participant.is_validated(now):
        return Status.DIANGGAP_VALID
    return Status(participant.status)


def _locked(participant):
    return Participant.objects.select_for_update(of=("self",)).select_related("batch").get(pk=participant.pk)


def _save(participant, fields, *, by, reason, now=None):
    participant._history_user = by
    participant._change_reason = reason
    if now is not None:
        # The history row carries the instant of the transition, so confirmed_snapshot
        # finds the record exactly as it was confirmed.
        participant._history_date = now
    participant.save(update_fields=[*fields, "updated_at"])
    return participant


def _new_code():
    while True:
        code = Participant.new_confirmation_code()
        if not Participant.objects.filter(confirmation_code=code).exists():
            return code


def seen(participant):
    """What a page shows of a record, to be sent back with the confirm or verify button:
    the record version and the photo's uuid (None when there is no photo)."""
    photo_uuid = participant.photo.uuid if participant.photo_id else None
    return {"expected_version": participant.version, "expected_photo": photo_uuid}


class UnreadableSeen(ReviewError):
    def __init__(self):
        super().__init__("Formulir verifikasi tidak lengkap; muat ulang halaman lalu ulangi.")


def seen_from_post(data, pk=None):
    """What a posted form says the person saw, as seen() gives it: the record version and
    the photo's uuid (per record on a page of several: version_<pk>, photo_<pk>).

    A missing or garbled value raises UnreadableSeen, so nothing is verified on a guess.
    """
    suffix = "" if pk is None else f"_{pk}"
    try:
        version = int(data.get(f"version{suffix}", ""))
    except ValueError:
        raise UnreadableSeen from None
    photo = (data.get(f"photo{suffix}") or "").strip()
    try:
        return {"expected_version": version, "expected_photo": uuid.UUID(photo) if photo else None}
    except ValueError:
        raise UnreadableSeen from None


def _check_seen(fresh, expected_version, expected_photo):
    """Refuse a transition made on anything but the record and photo the person saw.

    The version counts data changes; a photo upload keeps the version (a data edit open
    in another tab must not conflict), so the photo is part of the lock by its uuid.
    """
    current_photo = fresh.photo.uuid if fresh.photo_id else None
    if expected_photo is not None and not isinstance(expected_photo, uuid.UUID):
        try:
            expected_photo = uuid.UUID(str(expected_photo))
        except ValueError:
            raise StaleData from None
    if fresh.version != expected_version or current_photo != expected_photo:
        raise StaleData


def confirm(participant, *, by, expected_version, expected_photo, now=None):
    """The participant declares data and photo correct (replaces the questionnaire).

    expected_version and expected_photo are what the confirmation page showed
    (see seen()); a change in between raises StaleData. The confirmation records the
    version and the photo it covers.
    """
    now = now or timezone.now()
    with transaction.atomic():
        fresh = _locked(participant)
        _check_seen(fresh, expected_version, expected_photo)
        if not fresh.can_edit(now):
            raise EditingClosed
        missing = missing_items(fresh)
        if missing:
            raise NotComplete(missing)
        if fresh.status == Status.TERVERIFIKASI:
            raise ReviewError("Data Anda sudah diverifikasi panitia; tidak perlu konfirmasi lagi.")
        pending = fresh.pending_revision()
        if pending:
            raise RevisionPending(pending)
        if fresh.status == Status.DIKONFIRMASI and fresh.confirmed_at:
            return fresh
        fresh.status = Status.DIKONFIRMASI
        fresh.confirmed_at = now
        fresh.confirmed_version = fresh.version
        fresh.confirmed_photo_id = fresh.photo_id
        fresh.confirmation_code = _new_code()
        return _save(
            fresh,
            ["status", "confirmed_at", "confirmed_version", "confirmed_photo", "confirmation_code"],
            by=by, reason=CONFIRM_REASON, now=now,
        )


CONFIRM_REASON = "Konfirmasi peserta"


def confirmed_snapshot(participant):
    """The history record of the participant as confirmed, or None when no confirmation stands.

    Its columns are the participant's (nama, tempat_lahir, …, photo_id), so
    profiles.rules.fields.display_rows(snapshot) gives the rows the participant confirmed, and
    snapshot.history_date is the instant of the confirmation. Any later change revokes
    the confirmation (revoke_approval), so a receipt never shows newer data under an
    older time.
    """
    if participant.confirmed_at is None:
        return None
    return (
        participant.history.filter(history_date__lte=participant.confirmed_at)
        .order_by("-history_date", "-history_id")
        .first()
    )


def verify(participant, *, by, expected_version, expected_photo, now=None):
    """An admin checked data and photo against the SK CPNS, as shown (see seen())."""
    now = now or timezone.now()
    with transaction.atomic():
        fresh = _locked(participant)
        _check_seen(fresh, expected_version, expected_photo)
        missing = missing_items(fresh)
        if missing:
            raise IncompleteForStaff(missing)
        if fresh.status == Status.TERVERIFIKASI:
            return fresh
        fresh.status = Status.TERVERIFIKASI
        fresh.verified_by = by
        fresh.verified_at = now
        fresh.revision_note = ""
        fresh.revision_targets = []
        fresh.needs_verification = False
        return _save(fresh, ["status", "verified_by", "verified_at", "revision_note", "revision_targets",
                             "needs_verification"], by=by, reason="Verifikasi admin", now=now)


def verify_selected(participants, *, by, data):
    """Verify each record as the posted page showed it (seen_from_post per record).

    Returns (how many verified, "NIP: reason" for each refused)."""
    verified, refused = 0, []
    for participant in participants:
        try:
            verify(participant, by=by, **seen_from_post(data, participant.pk))
        except ReviewError as error:
            refused.append(f"{participant.nip}: {error}")
        else:
            verified += 1
    return verified, refused


def reopen_days():
    return getattr(settings, "REVISION_REOPEN_DAYS", 3)


def request_revision(participant, *, by, note="", reasons=(), now=None, days=None):
    """Flag for revision with a note the participant sees, and reopen editing for them.

    `reasons` are codes of profiles.rules.revisions.REASONS: their words lead the note, and
    the record stays "perlu revisi" until the fields or the photo they name change (a note
    alone names everything: any change answers it).
    """
    now = now or timezone.now()
    note = revisions.note(reasons, note)
    if not note:
        raise ReviewError("Tuliskan catatan revisi untuk peserta, atau pilih alasan.")
    days = reopen_days() if days is None else days
    with transaction.atomic():
        fresh = _locked(participant)
        fresh.status = Status.PERLU_REVISI
        fresh.revision_note = note
        fresh.revision_targets = revisions.targets(reasons, fresh.revision_values())
        fresh.reopened_until = max(fresh.batch.deadline, now) + timedelta(days=days)
        fresh.confirmed_at = None
        fresh.confirmed_version = None
        fresh.confirmed_photo = None
        fresh.verified_by = None
        fresh.verified_at = None
        return _save(
            fresh,
            ["revision_note", "revision_targets", "reopened_until", *APPROVAL_FIELDS],
            by=by,
            reason="Permintaan revisi",
        )


def request_revisions(participants, *, by, note="", reasons=(), days=None):
    """The same revision request for each record; returns how many were flagged."""
    count = 0
    for participant in participants:
        request_revision(participant, by=by, note=note, reasons=reasons, days=days)
        count += 1
    return count


def deemed_valid_queryset(now, batch=None):
    """Records validated by the deadline whose stored status does not say so yet."""
    queryset = Participant.objects.validated(now).exclude(
        status__in=[Status.TERVERIFIKASI, Status.DIANGGAP_VALID]
    )
    return queryset.filter(batch=batch) if batch is not None else queryset


def mark_deemed_valid(*, now=None, batch=None, by=None, batch_size=500):
    """Store dianggap_valid, with history, for records past their deadline. Returns the count."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        participants = list(deemed_valid_queryset(now, batch).select_for_update(of=("self",)))
        for participant in participants:
            participant.status = Status.DIANGGAP_VALID
            participant.updated_at = now
        if participants:
            bulk_update_with_history(
                participants,
                Participant,
                ["status", "updated_at"],
                batch_size=batch_size,
                default_user=by,
                default_change_reason="Dianggap valid setelah tenggat",
                default_date=now,
            )
        count = len(participants)
    return count
