"""Storing checked roster rows: match each to an existing record, create, update, revoke.

Re-importing never overwrites what the participant changed: Participant.roster_values
keeps what the previous import wrote, and a field that differs from it was changed since.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from profiles.backends import new_access_code
from profiles.models import Batch, Participant, User
from profiles.rules.birth import format_birth_date
from profiles.rules.fields import DATA_COLUMNS
from profiles.services import review
from profiles.services.roster.check import (
    CONFLICT, CREATED, DUPLICATE, ERROR, STATUSES, UNCHANGED, UPDATED, check_rows,
)
from profiles.services.roster.parse import Roster, read_roster

BATCH_SIZE = 1000
# Rows are stored this many at a time; the NIP lists of their lookups stay under
# SQLite's 999 host parameters.
LOOKUP_CHUNK = 900


@dataclass
class ImportReport:
    rows: list
    roster: Roster
    dry_run: bool

    def count(self, status):
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self):
        return {status: self.count(status) for status in STATUSES}


def _dump(value):
    """A field value as roster_values stores it (JSON)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _shown(name, value):
    if name == "tanggal_lahir" and value:
        return format_birth_date(date.fromisoformat(value))
    return value or "(kosong)"


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _merge(participant, result):
    """Apply the roster to an existing record; returns the fields that changed.

    Three values per field: the last import (roster_values), the current value,
    and the new roster value. A field changed since the last import is the
    participant's (or an admin's): it is kept, and when the roster changed it too,
    the row reports a conflict. Fields the roster leaves blank or invalid are kept.
    """
    last_import = dict(participant.roster_values or {})
    changed = []
    for name, value in result.values.items():
        new, current = _dump(value), _dump(getattr(participant, name))
        last = last_import.get(name, "")
        if new == current:
            last_import[name] = new
        elif current == last:
            setattr(participant, name, value)
            last_import[name] = new
            changed.append(name)
        elif new != last:
            result.add_warning(name, ValidationError(
                f"Roster berisi “{_shown(name, new)}”, tetapi data ini sudah diubah menjadi "
                f"“{_shown(name, current)}” sejak impor sebelumnya. Data peserta dipertahankan; "
                "periksa mana yang sesuai SK CPNS.",
                code="conflict",
            ))
            result.status = CONFLICT
    roster_changed = last_import != participant.roster_values
    participant.roster_values = last_import
    return changed, roster_changed


REVOKED = (
    "Data roster mengubah data peserta yang sudah dikonfirmasi/diverifikasi; "
    "peserta perlu memeriksa dan mengonfirmasi ulang."
)


def _revoke_confirmation(participant, result):
    if review.revoke_approval(participant, by_participant=False):
        result.add_warning("status", ValidationError(REVOKED, code="confirmation_revoked"))


UPDATE_FIELDS = [*DATA_COLUMNS, "roster_values", "version", "updated_at", "kode_akses", *review.APPROVAL_FIELDS]


def _apply(results, *, batch, by, now, reason):
    """Store the rows that passed, a slice at a time so that memory stays bounded."""
    valid = [r for r in results if not r.errors and r.status != DUPLICATE]
    batch_names = {}
    for chunk in _chunks(valid, LOOKUP_CHUNK):
        _apply_chunk(chunk, batch=batch, by=by, now=now, reason=reason, batch_names=batch_names)
        for result in chunk:
            result.values = {}


def _apply_chunk(valid, *, batch, by, now, reason, batch_names):
    # Locked so that a participant saving at this moment waits for the import.
    existing = {p.nip: p for p in Participant.objects.select_for_update().filter(nip__in=[r.nip for r in valid])}
    taken = _usernames_taken([r.nip for r in valid if r.nip not in existing])
    creating, changed_records, roster_only, code_changes = [], [], [], []
    for result in valid:
        participant = existing.get(result.nip)
        if participant is None:
            if _account_free(result, taken):
                creating.append(result)
        elif _same_batch(result, participant, batch, batch_names):
            if _take_access_code(result, participant):
                code_changes.append(participant)
            outcome = _update(result, participant, now)
            if outcome == "changed":
                changed_records.append(participant)
            elif outcome == "roster_only":
                roster_only.append(participant)
    _create(creating, batch=batch, by=by, now=now, reason=reason)
    _store_updates(changed_records, roster_only, code_changes, by=by, now=now, reason=reason)


def _usernames_taken(nips):
    return set(User.objects.filter(username__in=nips).values_list("username", flat=True))


def _account_free(result, taken):
    """A new NIP becomes an account unless a non-participant account already has that name."""
    if result.nip in taken:
        result.add_error("nip", ValidationError(
            f"Sudah ada akun dengan nama pengguna {result.nip} yang bukan akun peserta. "
            "Hubungi admin sistem.",
            code="nip_account_taken",
        ))
        result.status = ERROR
        return False
    result.status = CREATED
    return True


def _same_batch(result, participant, batch, batch_names):
    if participant.batch_id == batch.pk:
        return True
    if not batch_names:
        batch_names.update(Batch.objects.values_list("pk", "name"))
    result.add_error("nip", ValidationError(
        f"NIP ini sudah terdaftar di angkatan “{batch_names.get(participant.batch_id)}”. "
        "Pindahkan peserta lewat admin bila memang pindah angkatan.",
        code="nip_other_batch",
    ))
    result.status = ERROR
    return False


def _take_access_code(result, participant):
    if result.access_code and result.access_code != participant.kode_akses:
        participant.kode_akses = result.access_code
        return True
    return False


def _update(result, participant, now):
    """Merge the row into the record: "changed", "roster_only" (only roster_values moved) or None."""
    result.status = UNCHANGED
    changed, roster_changed = _merge(participant, result)
    if changed:
        if result.status != CONFLICT:
            result.status = UPDATED
        _revoke_confirmation(participant, result)
        participant.version += 1
        participant.updated_at = now
        return "changed"
    return "roster_only" if roster_changed else None


def _create(creating, *, batch, by, now, reason):
    users = [User(username=r.nip, password=make_password(None), date_joined=now) for r in creating]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    if any(user.pk is None for user in users):
        # Databases that return no ids from a bulk insert.
        ids = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
        for user in users:
            user.pk = ids[user.username]
    participants = []
    for result, user in zip(creating, users):
        participant = Participant(nip=result.nip, user=user, batch=batch, **result.values)
        participant.kode_akses = result.access_code or (new_access_code() if batch.requires_access_code else "")
        participant.roster_values = {name: _dump(result.values.get(name)) for name in DATA_COLUMNS}
        participants.append(participant)
    bulk_create_with_history(participants, Participant, batch_size=BATCH_SIZE, **_history(by, now, reason))


def _store_updates(changed_records, roster_only, code_changes, *, by, now, reason):
    if changed_records:
        bulk_update_with_history(
            changed_records, Participant, UPDATE_FIELDS, batch_size=BATCH_SIZE, **_history(by, now, reason)
        )
    if roster_only:
        # roster_values is not part of the history: a plain update loses nothing.
        Participant.objects.bulk_update(roster_only, ["roster_values"], batch_size=BATCH_SIZE)
    if code_changes:
        # Nor is the access code (a credential).
        Participant.objects.bulk_update(code_changes, ["kode_akses"], batch_size=BATCH_SIZE)


def _history(by, now, reason):
    return {"default_user": by, "default_change_reason": reason, "default_date": now}


def import_roster(data, filename="", *, batch, by=None, dry_run=False, today=None, now=None,
                  reason="Impor roster"):
    """Read, check and store a roster in one transaction. Raises RosterError for an unusable file."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    roster = read_roster(data, filename)
    results = check_rows(roster, today=today)
    with transaction.atomic():
        _apply(results, batch=batch, by=by, now=now, reason=reason)
        if dry_run:
            transaction.set_rollback(True)
    return ImportReport(rows=results, roster=roster, dry_run=dry_run)
