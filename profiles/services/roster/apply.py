"""Storing checked roster rows: plan against the records (reads only), then write in one short step.

Re-importing never overwrites what the participant changed: Participant.roster_values
keeps what the previous import wrote, and a field that differs from it was changed since.

How the database is used (issue 16: SQLite must stay usable during an import):
1. parse and check are pure and stream the file (nothing is written, nothing locked);
2. plan reads the records the rows match, a chunk of NIPs at a time, outside any
   transaction, and decides each row: create, unchanged, conflict, roster_values only,
   or "changes the data". A dry run ends here, so it never takes SQLite's write lock;
3. write is one transaction that holds only prepared bulk statements: accounts,
   records and their history rows inserted in batches (COPY on PostgreSQL), roster
   values and access codes updated by executemany. The records whose data change are
   read again inside it (locked) and merged again, so a participant's save between
   plan and write is never overwritten. All or nothing for the participant records;
   on SQLite the write lock is held only for this step (bench/roster_import.py prints
   it: well under a second per 10,000 new rows), so a sign-in waits at most that.
   An account created by someone else for the same NIP in that gap makes the write fail
   as a whole (RosterError: nothing was saved, import again).
"""

import gc
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from profiles.backends import new_access_code
from profiles.models import Batch, Participant, User
from profiles.rules.birth import format_birth_date
from profiles.rules.fields import DATA_COLUMNS
from profiles.services import review
from profiles.services.roster import bulk
from profiles.services.roster.check import (
    CONFLICT, CREATED, DUPLICATE, ERROR, STATUSES, UNCHANGED, UPDATED, check_rows,
)
from profiles.services.roster.parse import Roster, RosterError, read_roster

BATCH_SIZE = 1000
# NIP lists of the lookups stay under SQLite's 999 host parameters.
LOOKUP_CHUNK = 900
CHANGED_DURING_IMPORT = (
    "Data peserta berubah selama impor (misalnya akun dengan NIP yang sama dibuat bersamaan). "
    "Tidak ada yang disimpan; coba impor lagi."
)


@dataclass
class ImportReport:
    rows: list
    roster: Roster
    dry_run: bool
    write_seconds: float = 0.0  # how long the write transaction was open

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


@dataclass
class Merge:
    changed: dict  # field -> the roster's value, for fields nobody changed since the last import
    conflicts: list  # (field, roster value, current value) where both sides changed
    roster_values: dict  # what roster_values becomes


def merge(values, current, last_import):
    """Three values per field: the last import, the current value, and the new roster value.

    A field changed since the last import is the participant's (or an admin's): it is
    kept, and when the roster changed it too, that is a conflict. Fields the roster
    leaves blank or invalid are not in `values` and are kept.
    """
    last_import = dict(last_import or {})
    changed, conflicts = {}, []
    for name, value in values.items():
        new, now = _dump(value), _dump(current[name])
        last = last_import.get(name, "")
        if new == now:
            last_import[name] = new
        elif now == last:
            changed[name] = value
            last_import[name] = new
        elif new != last:
            conflicts.append((name, new, now))
    return Merge(changed, conflicts, last_import)


def _report(result, merged):
    result.status = UNCHANGED
    for name, new, current in merged.conflicts:
        result.add_warning(name, ValidationError(
            f"Roster berisi “{_shown(name, new)}”, tetapi data ini sudah diubah menjadi "
            f"“{_shown(name, current)}” sejak impor sebelumnya. Data peserta dipertahankan; "
            "periksa mana yang sesuai SK CPNS.",
            code="conflict",
        ))
        result.status = CONFLICT
    if merged.changed and result.status != CONFLICT:
        result.status = UPDATED


REVOKED = (
    "Data roster mengubah data peserta yang sudah dikonfirmasi/diverifikasi; "
    "peserta perlu memeriksa dan mengonfirmasi ulang."
)


def _revoke_confirmation(participant, result):
    if review.revoke_approval(participant, by_participant=False):
        result.add_warning("status", ValidationError(REVOKED, code="confirmation_revoked"))


UPDATE_FIELDS = [*DATA_COLUMNS, "roster_values", "version", "updated_at", "kode_akses", *review.APPROVAL_FIELDS]


# Plan: reads only --------------------------------------------------------------------

@dataclass
class Plan:
    creating: list = field(default_factory=list)  # RowResults of new records
    changing: dict = field(default_factory=dict)  # NIP -> RowResult whose data change: merged again when written
    roster_only: list = field(default_factory=list)  # (roster_values, NIP)
    codes: list = field(default_factory=list)  # (kode_akses, NIP)


_MATCH_COLUMNS = ("nip", "batch_id", "kode_akses", "roster_values", *DATA_COLUMNS)


def plan(results, batch):
    """Match the rows that passed the checks to the records, reading only the columns needed."""
    the_plan, batch_names = Plan(), {}
    valid = [r for r in results if not r.errors and r.status != DUPLICATE]
    for chunk in _chunks(valid, LOOKUP_CHUNK):
        found = Participant.objects.filter(nip__in=[r.nip for r in chunk]).values_list(*_MATCH_COLUMNS)
        current = {row[0]: dict(zip(_MATCH_COLUMNS, row)) for row in found}
        taken = _usernames_taken([r.nip for r in chunk if r.nip not in current])
        for result in chunk:
            record = current.get(result.nip)
            if record is None:
                if _account_free(result, taken):
                    the_plan.creating.append(result)
            elif _same_batch(result, record["batch_id"], batch, batch_names):
                _plan_existing(result, record, the_plan)
    return the_plan


def _plan_existing(result, record, the_plan):
    merged = merge(result.values, record, record["roster_values"])
    if merged.changed:
        the_plan.changing[result.nip] = result
        return
    _report(result, merged)
    if merged.roster_values != (record["roster_values"] or {}):
        the_plan.roster_only.append((merged.roster_values, result.nip))
    if result.access_code and result.access_code != record["kode_akses"]:
        the_plan.codes.append((result.access_code, result.nip))
    result.values = {}


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


def _same_batch(result, batch_id, batch, batch_names):
    if batch_id == batch.pk:
        return True
    if not batch_names:
        batch_names.update(Batch.objects.values_list("pk", "name"))
    result.add_error("nip", ValidationError(
        f"NIP ini sudah terdaftar di angkatan “{batch_names.get(batch_id)}”. "
        "Pindahkan peserta lewat admin bila memang pindah angkatan.",
        code="nip_other_batch",
    ))
    result.status = ERROR
    return False


def merge_changing(changing, *, batch, now, lock):
    """The records whose data the roster changes, merged (again) from their stored state.

    Returns (records with a data change, records with only roster_values or the access
    code changed); nothing is saved here.
    """
    changed, other = [], []
    for chunk in _chunks(list(changing), LOOKUP_CHUNK):
        records = Participant.objects.filter(nip__in=chunk)
        for participant in (records.select_for_update() if lock else records):
            result = changing[participant.nip]
            if participant.batch_id != batch.pk:
                raise RosterError(CHANGED_DURING_IMPORT)
            (changed if _merge_into(participant, result, now) else other).append(participant)
            result.values = {}
    if len(changed) + len(other) != len(changing):
        raise RosterError(CHANGED_DURING_IMPORT)  # a record was deleted in between
    return changed, other


def _merge_into(participant, result, now):
    if result.access_code and result.access_code != participant.kode_akses:
        participant.kode_akses = result.access_code
    current = {name: getattr(participant, name) for name in DATA_COLUMNS}
    merged = merge(result.values, current, participant.roster_values)
    _report(result, merged)
    participant.roster_values = merged.roster_values
    if not merged.changed:
        return False
    for name, value in merged.changed.items():
        setattr(participant, name, value)
    _revoke_confirmation(participant, result)
    participant.version += 1
    participant.updated_at = now
    return True


# Write: one short transaction of prepared statements ---------------------------------

def write(the_plan, *, batch, by, now, reason):
    """Returns the seconds the write transaction was open (SQLite's write lock held)."""
    # Everything the statements need is prepared first; the transaction only sends.
    new_records = _NewRecords(the_plan.creating, batch=batch, by=by, now=now, reason=reason)
    started = time.perf_counter()
    try:
        with transaction.atomic():
            changed, other = merge_changing(the_plan.changing, batch=batch, now=now, lock=True)
            new_records.insert()
            if changed:
                bulk_update_with_history(
                    changed, Participant, UPDATE_FIELDS, batch_size=BATCH_SIZE,
                    default_user=by, default_change_reason=reason, default_date=now,
                )
            # roster_values and the access code (a credential) are not part of the history.
            roster_values = [*the_plan.roster_only, *((p.roster_values, p.nip) for p in other)]
            bulk.update_column(Participant, "roster_values", roster_values)
            codes = [*the_plan.codes, *((p.kode_akses, p.nip) for p in other)]
            bulk.update_column(Participant, "kode_akses", codes)
    except IntegrityError as error:
        raise RosterError(CHANGED_DURING_IMPORT) from error
    return time.perf_counter() - started


_PARTICIPANT_COLUMNS = ("nip", *DATA_COLUMNS, "roster_values", "kode_akses")
_HISTORY_WIDTH = 1 + len(DATA_COLUMNS)  # nip and the data: the head of a participant row
# A field the roster leaves blank or invalid is stored as the form would store it empty.
_EMPTY = {name: Participant._meta.get_field(name).get_default() for name in DATA_COLUMNS}


class _NewRecords:
    """Accounts (no usable password: the first sign-in is with the NIP), records and their "+" history."""

    def __init__(self, creating, *, batch, by, now, reason):
        self.users = bulk.Table(User, ("username", "password"), {"date_joined": now}, key="id")
        self.records = bulk.Table(
            Participant, _PARTICIPANT_COLUMNS, {"batch_id": batch.pk, "updated_at": now}, key="user_id",
        )
        self.history = bulk.Table(
            Participant.history.model, _PARTICIPANT_COLUMNS[:_HISTORY_WIDTH],
            {"batch_id": batch.pk, "history_date": now, "history_type": "+",
             "history_change_reason": reason, "history_user_id": by.pk if by else None},
            key="user_id",
        )
        self.rows = [self.records.adapt(_record_row(result, batch)) for result in creating]
        for result in creating:
            result.values = {}

    def insert(self):
        if not self.rows:
            return
        ids = bulk.new_ids(User, len(self.rows))
        self.users.insert(((row[0], UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)) for row in self.rows), ids)
        self.records.insert(self.rows, ids)
        self.history.insert((row[:_HISTORY_WIDTH] for row in self.rows), ids)


def _stored_values(result):
    values = result.values
    return tuple(values.get(name, _EMPTY[name]) for name in DATA_COLUMNS)


def _record_row(result, batch):
    stored = _stored_values(result)
    return (
        result.nip, *stored,
        {name: "" if value is None else _dump(value) for name, value in zip(DATA_COLUMNS, stored)},
        result.access_code or (new_access_code() if batch.requires_access_code else ""),
    )


@contextmanager
def _no_cyclic_gc():
    """The cyclic collector off for the run: an import allocates hundreds of thousands of
    small objects that live until the end, and each collection would walk them all again
    (a third of a 100,000-row import went there). Reference counting still frees the rest."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_roster(data, filename="", *, batch, by=None, dry_run=False, today=None, now=None,
                  reason="Impor roster"):
    """Read, check, plan and (unless a dry run) write a roster. Raises RosterError for an unusable file."""
    with _no_cyclic_gc():
        return _import_roster(data, filename, batch=batch, by=by, dry_run=dry_run, today=today, now=now,
                              reason=reason)


def _import_roster(data, filename, *, batch, by, dry_run, today, now, reason):
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    roster = read_roster(data, filename)
    results = check_rows(roster, today=today)
    the_plan = plan(results, batch)
    if dry_run:
        merge_changing(the_plan.changing, batch=batch, now=now, lock=False)
        for result in the_plan.creating:
            result.values = {}
        return ImportReport(rows=results, roster=roster, dry_run=True)
    seconds = write(the_plan, batch=batch, by=by, now=now, reason=reason)
    return ImportReport(rows=results, roster=roster, dry_run=False, write_seconds=seconds)
