"""Checking roster rows by the rules of Update Profil; pure, nothing is written here."""

import re
from datetime import date, datetime
from types import MappingProxyType

from django.conf import settings
from django.core.exceptions import ValidationError

from profiles.backends import clean_access_code
from profiles.rules.nip import normalize_nip, parse_nip
from profiles.rules.record import clean_record
from profiles.rules.fields import BIRTH, BIRTH_PARTS, DATA_COLUMNS, LABELS
from profiles.services.roster.parse import ACCESS_CODE, EXTRA_CELLS, RECORD_INPUTS, UnreadableCell

CREATED, UPDATED, UNCHANGED, CONFLICT, ERROR = "created", "updated", "unchanged", "conflict", "error"
# A row identical to an earlier one for the same NIP: imported once, this copy skipped.
DUPLICATE = "duplicate"
STATUSES = (CREATED, UPDATED, UNCHANGED, CONFLICT, ERROR, DUPLICATE)
STATUS_LABELS = {
    CREATED: "Baru", UPDATED: "Diperbarui", UNCHANGED: "Tetap", CONFLICT: "Konflik", ERROR: "Galat",
    DUPLICATE: "Baris ganda",
}

SHIFTED = (
    "Baris ini berisi lebih banyak kolom daripada baris judul, sehingga isian bergeser. Biasanya "
    "karena tanda {delimiter} di dalam isian (misalnya Jayapura;29-2-2000) tidak diapit tanda kutip. "
    "Simpan ulang file dari Excel sebagai CSV UTF-8, lalu impor lagi."
)


# Row results are kept for the whole report (100,000 of them for a national roster): no
# per-instance dict, one shared empty mapping until a row has something to say, and the
# checked values packed in a tuple in VALUE_COLUMNS order.
_NOTHING = MappingProxyType({})
_ABSENT = object()
VALUE_COLUMNS = DATA_COLUMNS


class RowResult:
    __slots__ = ("row", "nip", "status", "errors", "warnings", "cells", "access_code", "_values")

    def __init__(self, row, nip="", status="", errors=None, warnings=None, values=None, cells=0, access_code=""):
        self.row, self.nip, self.status = row, nip, status
        self.errors = errors or _NOTHING
        self.warnings = warnings or _NOTHING
        self.values = values or {}
        # A fingerprint of the row's cells as read, to tell an identical repeated row from
        # a differing one (compared only between rows of one NIP).
        self.cells = cells
        self.access_code = access_code

    def __repr__(self):
        return f"RowResult(row={self.row!r}, nip={self.nip!r}, status={self.status!r}, errors={dict(self.errors)!r}, warnings={dict(self.warnings)!r})"

    @property
    def values(self):
        """The row's checked values by model field (fields left blank or invalid are absent)."""
        return {name: value for name, value in zip(VALUE_COLUMNS, self._values) if value is not _ABSENT}

    @values.setter
    def values(self, values):
        self._values = tuple(values.get(name, _ABSENT) for name in VALUE_COLUMNS) if values else ()

    def add_error(self, name, error):
        if self.errors is _NOTHING:
            self.errors = {}
        self.errors.setdefault(name, []).extend(error.error_list)

    def add_warning(self, name, error):
        if self.warnings is _NOTHING:
            self.warnings = {}
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


_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)
NIP_AS_NUMBER = (
    "NIP tersimpan sebagai angka sehingga digit terakhirnya hilang ({shown}). Ubah format kolom NIP "
    "menjadi Teks, ketik ulang NIP-nya, lalu impor lagi."
)


def _nip(raw, today):
    if isinstance(raw, UnreadableCell):
        raise ValidationError(raw.message, code=raw.code)
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
    if isinstance(value, UnreadableCell):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fingerprint(raw):
    return hash(tuple(sorted((name, str(_cell(value))) for name, value in raw.items() if name != EXTRA_CELLS)))


def check_row(row_number, raw, *, today, missing_columns=(), rules=None, delimiter=",", memo=None):
    """One row by the same rules as Update Profil; nothing is written here."""
    rules = rules or record_rules()
    result = RowResult(row=row_number)
    result.cells = _fingerprint(raw)
    if not _row_has_a_nip(result, raw, today=today, delimiter=delimiter):
        result.status = ERROR
        return result
    inputs = {name: _cell(value) for name, value in raw.items() if name in RECORD_INPUTS}
    record = clean_record(result.nip, inputs, today=today, lenient=True, memo=memo, **rules)
    result.values = record.values
    _take_access_code(result, raw.get(ACCESS_CODE))
    _add_record_warnings(result, raw, record, missing_columns)
    return result


def _row_has_a_nip(result, raw, *, today, delimiter):
    """Sets result.nip; False (with the error) for a shifted row or a NIP that cannot be used."""
    if raw.get(EXTRA_CELLS):
        # Shifted cells would put one field's value into another: the row is not imported.
        result.nip = normalize_nip(raw.get("nip"))
        shown = "titik koma (;)" if delimiter == ";" else "koma (,)" if delimiter == "," else "pemisah"
        result.add_error("baris", ValidationError(SHIFTED.format(delimiter=shown), code="row_shifted"))
        return False
    try:
        result.nip = _nip(raw.get("nip"), today)
    except ValidationError as error:
        result.nip = normalize_nip(_cell(raw.get("nip")))
        result.add_error("nip", error)
        return False
    return True


def _take_access_code(result, cell):
    if _blank_cell(cell):
        return
    result.access_code = clean_access_code(_cell(cell))
    if not result.access_code:
        result.add_warning(ACCESS_CODE, ValidationError(
            "Kode akses harus 4–16 huruf atau angka; kode ini diabaikan dan kode baru dibuat "
            "bila angkatan memerlukannya.",
            code="access_code_invalid",
        ))


def _add_record_warnings(result, raw, record, missing_columns):
    """The record's errors are the row's warnings (the field is left for the participant),
    except a column the file lacks (reported once for the file) and a cell that is not blank
    but unreadable (its own message instead of "wajib diisi")."""
    unreadable = {name: value for name, value in raw.items() if isinstance(value, UnreadableCell)}
    for name, cell in unreadable.items():
        result.add_warning(_reported_as(name), ValidationError(cell.message, code=cell.code))
    for name, errors in record.errors.items():
        for error in errors:
            if error.code == "required" and (name in missing_columns or _is_unreadable_cell(name, error, unreadable)):
                continue
            result.add_warning(name, error)
    if unreadable:
        blank = _other_birth_part_blank(raw, unreadable)
        if blank is not None and not any(e.code == "required" for e in result.warnings.get(BIRTH, ())):
            result.add_warning(BIRTH, blank)


def _reported_as(name):
    return BIRTH if name in BIRTH_PARTS else name


def _is_unreadable_cell(name, error, unreadable):
    if name in unreadable:
        return True
    if name != BIRTH:
        return False
    # A birth error from two columns names the part it is about ("Tempat lahir wajib diisi.");
    # with both parts blank it is one error for the whole field.
    labels = [BIRTH_PARTS[part][0].lower() for part in unreadable if part in BIRTH_PARTS]
    message = error.message.lower()
    return bool(labels) and (message.startswith(LABELS[BIRTH].lower()) or any(message.startswith(label) for label in labels))


def _other_birth_part_blank(raw, unreadable):
    """With one birth column unreadable and the other blank, the blank one is still required."""
    parts = [part for part in BIRTH_PARTS if part in unreadable]
    if len(parts) != 1:
        return None
    other = next(part for part in BIRTH_PARTS if part not in parts)
    if other in raw and _blank_cell(raw.get(other)):
        label = BIRTH_PARTS[other][0].capitalize()
        return ValidationError(f"{label} wajib diisi.", code="required")
    return None


def _blank_cell(value):
    return value is None or (isinstance(value, str) and not value.strip())


def record_rules():
    return {
        "email_suffixes": settings.OFFICIAL_EMAIL_SUFFIXES,
        "min_age": settings.PARTICIPANT_MIN_AGE,
        "max_age": settings.PARTICIPANT_MAX_AGE,
    }


def check_rows(roster, *, today):
    """Check every row as the file streams in, then the NIPs repeated across rows."""
    rules, memo = record_rules(), {}
    missing = set(roster.missing)
    results = [
        check_row(number, raw, today=today, missing_columns=missing, rules=rules, delimiter=roster.delimiter,
                  memo=memo)
        for number, raw in roster.rows
    ]
    _mark_repeated_nips(results)
    return results


def _mark_repeated_nips(results):
    by_nip = {}
    for result in results:
        if not result.errors:
            by_nip.setdefault(result.nip, []).append(result)
    for nip, repeated in by_nip.items():
        if len(repeated) > 1:
            _mark_repeated(nip, repeated)
    for result in results:
        result.cells = 0


def _mark_repeated(nip, repeated):
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
        return
    # Which of the differing rows is right is for staff to decide: none is imported.
    for result in repeated:
        result.add_error("nip", ValidationError(
            f"NIP {nip} muncul lebih dari sekali di file (baris {lines}). "
            "Hapus baris ganda, lalu impor lagi.",
            code="nip_duplicate",
        ))
        result.status = ERROR
