"""Checking roster rows by the rules of Update Profil; pure, nothing is written here."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError

from profiles.backends import clean_access_code
from profiles.rules.nip import normalize_nip, parse_nip
from profiles.rules.record import clean_record
from profiles.services.roster.parse import ACCESS_CODE, EXTRA_CELLS, RECORD_INPUTS

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


