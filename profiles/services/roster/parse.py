"""Reading a roster file (CSV in any of Excel's dialects, or XLSX) into header-mapped rows.

Nothing here checks a value or touches the database: a file that cannot be used as a
whole raises RosterError with a message that tells staff what to do.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from itertools import islice
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from profiles.rules.fields import BIRTH, BIRTH_PARTS, EDITABLE, FIELDS, LABELS

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


