"""The roster of a batch, imported from the training centre's CSV or XLSX file.

Each row is checked by the same rules as Update Profil (profiles.rules.record.clean_record,
lenient about how spreadsheets write dates). A bad or repeated NIP stops that
row; a blank or invalid field is a warning and leaves only that field for the
participant to fill in. Re-importing never overwrites what the participant
changed: Participant.roster_values keeps what the previous import wrote, and a
field that differs from it was changed since. The whole file is one
transaction; a dry run rolls it back.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from xml.etree.ElementTree import ParseError

import openpyxl
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl.utils.exceptions import InvalidFileException
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from profiles.rules.birth import format_birth_date
from profiles.services import review
from profiles.models import Batch, Participant, User
from profiles.rules.nip import normalize_nip, parse_nip
from profiles.rules.fields import BIRTH, BIRTH_PARTS, DATA_COLUMNS, EDITABLE, FIELDS, LABELS
from profiles.rules.record import clean_record
from profiles.backends import clean_access_code, new_access_code

CREATED, UPDATED, UNCHANGED, CONFLICT, ERROR = "created", "updated", "unchanged", "conflict", "error"
# A row identical to an earlier one for the same NIP: imported once, this copy skipped.
DUPLICATE = "duplicate"
STATUSES = (CREATED, UPDATED, UNCHANGED, CONFLICT, ERROR, DUPLICATE)
STATUS_LABELS = {
    CREATED: "Baru", UPDATED: "Diperbarui", UNCHANGED: "Tetap", CONFLICT: "Konflik", ERROR: "Galat",
    DUPLICATE: "Baris ganda",
}

# Header texts are compared in lower case with everything but letters and digits
# removed, so "No. Telp", "NO TELP" and "no_telp" are one header.
# Not a field of the guide: the access code a batch may require at first sign-in
# (profiles.services.access_codes), kept out of the participant's data.
ACCESS_CODE = "kode_akses"
HEADER_ALIASES = {
    **{field.name: field.aliases for field in FIELDS},
    **{name: aliases for name, (_, aliases) in BIRTH_PARTS.items()},
    ACCESS_CODE: ("kodeakses", "kodeaktivasi", "accesscode"),
}
_HEADER_FIELD = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
# A running number column is common and carries nothing.
_SILENT_HEADERS = {"no", "nomor", "nourut", "nomorurut"}
_HEADER_LABELS = {**LABELS, **{name: label for name, (label, _) in BIRTH_PARTS.items()}, ACCESS_CODE: "Kode akses"}
_BIRTH_COLUMNS = (BIRTH, *BIRTH_PARTS)
RECORD_INPUTS = frozenset(HEADER_ALIASES) - {"nip", ACCESS_CODE}
EXTRA_CELLS = "_extra_cells"
DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_ROWS = 10
BATCH_SIZE = 1000
# Rows are stored this many at a time; the NIP lists of their lookups stay under
# SQLite's 999 host parameters.
LOOKUP_CHUNK = 900

EMPTY = "File kosong: tidak ada baris judul maupun data peserta."
NOT_UTF8 = (
    "File CSV tidak ditulis dalam UTF-8 (baris {line}); kemungkinan disimpan sebagai ANSI/Latin-1. "
    "Di Excel pilih Simpan Sebagai → “CSV UTF-8 (Comma delimited)”, atau unggah file .xlsx."
)
UTF16 = (
    "File ini tersimpan sebagai “Unicode Text” (UTF-16), bukan CSV UTF-8. Di Excel pilih "
    "Simpan Sebagai → “CSV UTF-8 (Comma delimited)”, atau unggah file .xlsx."
)
OLD_XLS = "Format .xls (Excel 97–2003) tidak didukung. Simpan sebagai .xlsx atau CSV UTF-8, lalu unggah lagi."
BAD_XLSX = "File ini bukan file Excel .xlsx yang valid (rusak atau formatnya lain). Simpan ulang sebagai .xlsx atau CSV UTF-8."
NOT_A_ROSTER = "File ini bukan file CSV atau Excel .xlsx. Unggah roster dalam format .xlsx atau CSV UTF-8."
BAD_CSV = "File CSV tidak dapat dibaca ({detail}). Simpan ulang sebagai CSV UTF-8 dari Excel."
NO_NIP = (
    "Kolom NIP tidak ditemukan di baris judul. Baris pertama harus berisi judul kolom seperti "
    "NIP, Nama, Tempat;Tanggal Lahir, Jenis Kelamin, … Judul yang terbaca: {seen}."
)
DUPLICATE_HEADER = "Kolom {label} muncul lebih dari sekali di baris judul ({headers}). Hapus salah satu."
NO_ROWS = "File hanya berisi baris judul; tidak ada data peserta."
SHIFTED = (
    "Baris ini berisi lebih banyak kolom daripada baris judul, sehingga isian bergeser. Biasanya "
    "karena tanda {delimiter} di dalam isian (misalnya Jayapura;29-2-2000) tidak diapit tanda kutip. "
    "Simpan ulang file dari Excel sebagai CSV UTF-8, lalu impor lagi."
)


class RosterError(Exception):
    """The file as a whole cannot be read; the message tells staff what to do."""


@dataclass
class Roster:
    rows: list  # (row number as the spreadsheet shows it, {input field: cell value})
    columns: dict  # input field -> header text
    ignored: list  # header texts that match no field
    format: str
    delimiter: str = ""

    @property
    def missing(self):
        """Fields of the guide that have no column at all."""
        present = set(self.columns)
        if present & set(_BIRTH_COLUMNS):
            present.add(BIRTH)
        if "golongan" in present:
            present.add("pangkat")  # clean_record fills it from the golongan
        return [field.name for field in EDITABLE if field.name not in present]


@dataclass
class RowResult:
    row: int
    nip: str = ""
    status: str = ""
    errors: dict = field(default_factory=dict)
    warnings: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict, repr=False)
    # The row's cells as read, to tell an identical repeated row from a differing one.
    cells: tuple = field(default=(), repr=False)
    access_code: str = field(default="", repr=False)

    def add_error(self, name, error):
        self.errors.setdefault(name, []).extend(error.error_list)

    def add_warning(self, name, error):
        self.warnings.setdefault(name, []).extend(error.error_list)

    def codes(self, kind="errors"):
        return {name: [e.code for e in errors] for name, errors in getattr(self, kind).items()}

    def as_json(self):
        def messages(problems):
            return {name: [m for e in errors for m in e.messages] for name, errors in problems.items()}

        return {
            "row": self.row,
            "nip": self.nip,
            "status": self.status,
            "errors": messages(self.errors),
            "warnings": messages(self.warnings),
        }


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


# Reading ------------------------------------------------------------------------

def header_key(text):
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


def _map_header(cells):
    """{input field: column index}, unrecognised header texts, and repeated fields."""
    columns, ignored, seen = {}, [], {}
    for index, cell in enumerate(cells):
        text = str(cell or "").strip()
        key = header_key(text)
        if not key:
            continue
        name = _HEADER_FIELD.get(key)
        if name is None:
            if key not in _SILENT_HEADERS:
                ignored.append(text)
            continue
        seen.setdefault(name, []).append(text)
        columns.setdefault(name, index)
    repeated = {name: texts for name, texts in seen.items() if len(texts) > 1}
    return columns, ignored, repeated


def _is_blank(cells):
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _find_header(records):
    """The index of the first of the leading rows that names a NIP column, or None."""
    for index, cells in enumerate(records[:HEADER_SEARCH_ROWS]):
        if not _is_blank(cells) and "nip" in _map_header(cells)[0]:
            return index
    return None


def _build(records, fmt, delimiter=""):
    header_index = _find_header(records)
    if header_index is None:
        first = next((cells for cells in records if not _is_blank(cells)), None)
        if first is None:
            raise RosterError(EMPTY)
        seen = ", ".join(f"“{str(c).strip()}”" for c in first if str(c or "").strip()) or "(kosong)"
        raise RosterError(NO_NIP.format(seen=seen))
    header = records[header_index]
    columns, ignored, repeated = _map_header(header)
    if repeated:
        name, texts = next(iter(repeated.items()))
        raise RosterError(
            DUPLICATE_HEADER.format(label=_HEADER_LABELS[name], headers=", ".join(f"“{t}”" for t in texts))
        )
    rows = []
    for index in range(header_index + 1, len(records)):
        cells, records[index] = records[index], None  # a 100,000-row file: keep one copy only
        if _is_blank(cells):
            continue
        raw = {name: cells[col] if col < len(cells) else None for name, col in columns.items()}
        if fmt == "csv" and not _is_blank(cells[len(header):]):
            raw[EXTRA_CELLS] = True
        rows.append((index + 1, raw))
    if not rows:
        raise RosterError(NO_ROWS)
    return Roster(
        rows=rows,
        columns={name: str(header[col]).strip() for name, col in columns.items()},
        ignored=ignored,
        format=fmt,
        delimiter=delimiter,
    )


def _looks_utf16(head):
    # Latin text in UTF-16 has a NUL in every other byte.
    return len(head) >= 4 and (head[1::2].count(0) > len(head) // 3 or head[0::2].count(0) > len(head) // 3)


def _decode(data):
    head = data[:4096]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(head):
        raise RosterError(UTF16)
    if b"\x00" in head:
        raise RosterError(NOT_A_ROSTER)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RosterError(NOT_UTF8.format(line=line)) from None


def sniff_delimiter(text):
    """The delimiter under which the header row names the most known columns.

    csv.Sniffer guesses from character frequencies and is misled by the guide's
    own `Tempat;Tanggal` values in a comma file; the header row is unambiguous.
    """
    sample = text[:65536]
    best, best_score = None, (0, 0)
    for delimiter in DELIMITERS:
        try:
            records = list(islice(csv.reader(io.StringIO(sample), delimiter=delimiter), HEADER_SEARCH_ROWS))
        except csv.Error:
            continue
        index = _find_header(records)
        if index is None:
            continue
        score = (len(_map_header(records[index])[0]), len(records[index]))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data):
    text = _decode(data)
    if not text.strip():
        raise RosterError(EMPTY)
    delimiter = sniff_delimiter(text) or ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise RosterError(BAD_CSV.format(detail=error)) from None
    return _build(records, "csv", delimiter)


def _read_xlsx(data):
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            # The first sheet that has a NIP header; most rosters have one sheet.
            records = []
            for sheet in workbook.worksheets:
                # Read-only mode trusts the <dimension> the file declares; a wrong one
                # (A1:L2 on a 400-row sheet) would silently drop rows.
                sheet.reset_dimensions()
                rows = sheet.iter_rows(values_only=True)
                head = list(islice(rows, HEADER_SEARCH_ROWS))
                if _find_header(head) is not None:
                    records = head + list(rows)
                    break
                records = records or head
        finally:
            workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ParseError, ValueError, OSError) as error:
        raise RosterError(BAD_XLSX) from error
    return _build(records, "xlsx")


def read_roster(data, filename=""):
    """A Roster from the bytes of a CSV or XLSX file; RosterError when it cannot be used."""
    if not data or not data.strip():
        raise RosterError(EMPTY)
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RosterError(OLD_XLS)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise RosterError(BAD_XLSX)
    return _read_csv(data)


# Checking -------------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)
NIP_AS_NUMBER = (
    "NIP tersimpan sebagai angka sehingga digit terakhirnya hilang ({shown}). Ubah format kolom NIP "
    "menjadi Teks, ketik ulang NIP-nya, lalu impor lagi."
)


def _nip(raw, today):
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        # Spreadsheet numbers keep 15 significant digits; an 18-digit NIP is already damaged.
        raise ValidationError(NIP_AS_NUMBER.format(shown=raw), code="nip_number_cell")
    text = str(raw if raw is not None else "").strip().lstrip("'")
    if not text:
        raise ValidationError("NIP kosong; setiap baris peserta harus berisi NIP.", code="nip_required")
    if _SCIENTIFIC.match(text):
        raise ValidationError(NIP_AS_NUMBER.format(shown=text), code="nip_number_cell")
    return parse_nip(text, today=today).nip


def _cell(value):
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, (date, datetime)):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_row(row_number, raw, *, today, missing_columns=(), rules=None, delimiter=","):
    """One row by the same rules as Update Profil; nothing is written here."""
    rules = rules or record_rules()
    result = RowResult(row=row_number)
    result.cells = tuple(sorted((name, str(_cell(value))) for name, value in raw.items() if name != EXTRA_CELLS))
    if raw.get(EXTRA_CELLS):
        # Shifted cells would put one field's value into another: the row is not imported.
        result.nip = normalize_nip(raw.get("nip"))
        shown = "titik koma (;)" if delimiter == ";" else "koma (,)" if delimiter == "," else "pemisah"
        result.add_error("baris", ValidationError(SHIFTED.format(delimiter=shown), code="row_shifted"))
        result.status = ERROR
        return result
    try:
        result.nip = _nip(raw.get("nip"), today)
    except ValidationError as error:
        result.nip = normalize_nip(raw.get("nip"))
        result.add_error("nip", error)
        result.status = ERROR
        return result
    record = clean_record(result.nip, {name: _cell(value) for name, value in raw.items() if name in RECORD_INPUTS},
                          today=today, lenient=True, **rules)
    result.values = record.values
    if not _blank_cell(raw.get(ACCESS_CODE)):
        result.access_code = clean_access_code(_cell(raw.get(ACCESS_CODE)))
        if not result.access_code:
            result.add_warning(ACCESS_CODE, ValidationError(
                "Kode akses harus 4–16 huruf atau angka; kode ini diabaikan dan kode baru dibuat "
                "bila angkatan memerlukannya.",
                code="access_code_invalid",
            ))
    for name, errors in record.errors.items():
        for error in errors:
            # A column the file does not have is reported once for the file, not per row.
            if error.code == "required" and name in missing_columns:
                continue
            result.add_warning(name, error)
    return result


def _blank_cell(value):
    return value is None or (isinstance(value, str) and not value.strip())


def record_rules():
    return {
        "email_suffixes": settings.OFFICIAL_EMAIL_SUFFIXES,
        "min_age": settings.PARTICIPANT_MIN_AGE,
        "max_age": settings.PARTICIPANT_MAX_AGE,
    }


def check_rows(roster, *, today):
    """Check every row (and NIPs repeated across rows); consumes roster.rows."""
    rules = record_rules()
    missing = set(roster.missing)
    results = []
    # The raw cells are released row by row as their results are made (memory of big rosters).
    rows, roster.rows = roster.rows, []
    while rows:
        number, raw = rows.pop()
        results.append(check_row(number, raw, today=today, missing_columns=missing, rules=rules, delimiter=roster.delimiter))
    results.reverse()
    by_nip = {}
    for result in results:
        if not result.errors:
            by_nip.setdefault(result.nip, []).append(result)
    for nip, repeated in by_nip.items():
        if len(repeated) > 1:
            lines = ", ".join(str(r.row) for r in repeated)
            if len({r.cells for r in repeated}) == 1:
                # The same row pasted twice: nothing to decide, import the first copy.
                for result in repeated:
                    result.add_warning("nip", ValidationError(
                        f"NIP {nip} muncul lebih dari sekali di file dengan isi yang sama (baris {lines}); "
                        f"diimpor satu kali dari baris {repeated[0].row}.",
                        code="nip_repeated_identical",
                    ))
                for result in repeated[1:]:
                    result.status = DUPLICATE
                continue
            # Which of the differing rows is right is for staff to decide: none is imported.
            for result in repeated:
                result.add_error("nip", ValidationError(
                    f"NIP {nip} muncul lebih dari sekali di file (baris {lines}). "
                    "Hapus baris ganda, lalu impor lagi.",
                    code="nip_duplicate",
                ))
                result.status = ERROR
    for result in results:
        result.cells = ()
    return results


# Writing --------------------------------------------------------------------------

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
    nips = [r.nip for r in valid]
    # Locked so that a participant saving at this moment waits for the import.
    existing = {p.nip: p for p in Participant.objects.select_for_update().filter(nip__in=nips)}
    new_nips = [nip for nip in nips if nip not in existing]
    taken = set(User.objects.filter(username__in=new_nips).values_list("username", flat=True))

    creating, changed_records, roster_only, code_changes = [], [], [], []
    for result in valid:
        participant = existing.get(result.nip)
        if participant is None:
            if result.nip in taken:
                result.add_error("nip", ValidationError(
                    f"Sudah ada akun dengan nama pengguna {result.nip} yang bukan akun peserta. "
                    "Hubungi admin sistem.",
                    code="nip_account_taken",
                ))
                result.status = ERROR
                continue
            creating.append(result)
            result.status = CREATED
            continue
        if participant.batch_id != batch.pk:
            if not batch_names:
                batch_names.update(Batch.objects.values_list("pk", "name"))
            result.add_error("nip", ValidationError(
                f"NIP ini sudah terdaftar di angkatan “{batch_names.get(participant.batch_id)}”. "
                "Pindahkan peserta lewat admin bila memang pindah angkatan.",
                code="nip_other_batch",
            ))
            result.status = ERROR
            continue
        result.status = UNCHANGED
        if result.access_code and result.access_code != participant.kode_akses:
            code_changes.append(participant)
            participant.kode_akses = result.access_code
        changed, roster_changed = _merge(participant, result)
        if changed:
            if result.status != CONFLICT:
                result.status = UPDATED
            _revoke_confirmation(participant, result)
            participant.version += 1
            participant.updated_at = now
            changed_records.append(participant)
        elif roster_changed:
            roster_only.append(participant)

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
    history = {"default_user": by, "default_change_reason": reason, "default_date": now}
    bulk_create_with_history(participants, Participant, batch_size=BATCH_SIZE, **history)
    if changed_records:
        bulk_update_with_history(changed_records, Participant, UPDATE_FIELDS, batch_size=BATCH_SIZE, **history)
    if roster_only:
        # roster_values is not part of the history: a plain update loses nothing.
        Participant.objects.bulk_update(roster_only, ["roster_values"], batch_size=BATCH_SIZE)
    if code_changes:
        # Nor is the access code (a credential).
        Participant.objects.bulk_update(code_changes, ["kode_akses"], batch_size=BATCH_SIZE)


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
