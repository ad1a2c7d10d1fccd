"""Reading a roster file (CSV in any of Excel's dialects, or XLSX) into header-mapped rows.

Nothing here checks a value or touches the database: a file that cannot be used as a
whole raises RosterError with a message that tells staff what to do. Rows are streamed
(Roster.rows is an iterator), so a big file is never held as a list of rows.

Bounded input: a file is refused at once, before its rows are read, when it is larger
than ROSTER_MAX_UPLOAD_BYTES, when an XLSX declares more uncompressed content than
ROSTER_MAX_UNCOMPRESSED_BYTES (the zip's own sizes, which also cap what is inflated) or
shared strings over ROSTER_MAX_SHARED_STRINGS_BYTES (openpyxl holds those in memory),
or when a sheet declares more rows or columns than allowed. A sheet whose declared
dimension understates it is stopped the moment it passes a limit while streaming.
"""

import csv
import io
from array import array
import re
import zipfile
from bisect import insort
from dataclasses import dataclass
from itertools import chain, islice
from xml.etree.ElementTree import ParseError

from django.conf import settings
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.cell.text import Text
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from profiles.rules.fields import BIRTH, BIRTH_PARTS, EDITABLE, FIELDS, LABELS
from profiles.services.roster import sheet_xml

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


TOO_LARGE = (
    "File terlalu besar ({size:.1f} MB); batas ukuran file {limit} MB. Bagi roster menjadi beberapa file."
)
TOO_LARGE_UNPACKED = (
    "File Excel ini terlalu besar setelah dibuka: isinya {size:,.1f} MB, batas ukuran isi file {limit:,} MB. "
    "Hapus lembar, gambar atau format yang tidak perlu, atau simpan sebagai CSV UTF-8."
)
TOO_MANY_STRINGS = (
    "File Excel ini berisi teks terlalu banyak ({size:,.1f} MB teks), batas teks {limit:,} MB. "
    "Bagi roster menjadi beberapa file, atau simpan sebagai CSV UTF-8."
)
TOO_MANY_ROWS = (
    "File berisi terlalu banyak baris (lebih dari {limit:,}); batas jumlah baris {limit:,}. "
    "Bagi roster menjadi beberapa file."
)
TOO_MANY_COLUMNS = (
    "Lembar “{sheet}” berisi terlalu banyak kolom ({columns:,}); batas jumlah kolom {limit:,}. "
    "Hapus kolom yang tidak perlu, lalu impor lagi."
)
FORMULA_WITHOUT_VALUE = (
    "Sel {cell} berisi rumus ({formula}) tanpa hasil tersimpan, sehingga isinya tidak terbaca. "
    "Buka file di Excel agar rumusnya dihitung lalu simpan lagi, atau salin dan tempel sebagai nilai "
    "(Paste Values)."
)
MERGED_CELL = (
    "Sel {cell} termasuk sel gabungan {area}; isi sel gabungan hanya tersimpan di sel pertamanya. "
    "Batalkan gabungan (Unmerge Cells), isi sel ini, lalu impor lagi."
)


def limit(name):
    return getattr(settings, name, DEFAULT_LIMITS[name])


DEFAULT_LIMITS = {
    # A 100,000-row CSV of full records is about 22 MB.
    "ROSTER_MAX_UPLOAD_BYTES": 40 * 1024 * 1024,
    "ROSTER_MAX_UNCOMPRESSED_BYTES": 300 * 1024 * 1024,
    "ROSTER_MAX_SHARED_STRINGS_BYTES": 48 * 1024 * 1024,
    "ROSTER_MAX_ROWS": 200_000,
    "ROSTER_MAX_COLUMNS": 100,
}
MB = 1024 * 1024


class RosterError(Exception):
    """The file as a whole cannot be read; the message tells staff what to do."""


@dataclass(frozen=True)
class UnreadableCell:
    """A cell that holds something the file does not show as a value (an XLSX formula
    without its cached result, or a cell covered by a merge): reported as such, never as
    "wajib diisi"."""

    code: str
    message: str

    def __str__(self):
        return ""


@dataclass
class Roster:
    rows: object  # iterator of (row number as the spreadsheet shows it, {input field: cell value})
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
    """A Roster over `records`, an iterator of cell lists (the header among its first rows)."""
    head = list(islice(records, HEADER_SEARCH_ROWS))
    header_index = _find_header(head)
    if header_index is None:
        first = next((cells for cells in chain(head, records) if not _is_blank(cells)), None)
        if first is None:
            raise RosterError(EMPTY)
        seen = ", ".join(f"“{str(c).strip()}”" for c in first if str(c or "").strip()) or "(kosong)"
        raise RosterError(NO_NIP.format(seen=seen))
    header = head[header_index]
    columns, ignored, repeated = _map_header(header)
    if repeated:
        name, texts = next(iter(repeated.items()))
        raise RosterError(
            DUPLICATE_HEADER.format(label=_HEADER_LABELS[name], headers=", ".join(f"“{t}”" for t in texts))
        )
    body = chain(head[header_index + 1:], records)
    return Roster(
        rows=_rows(body, header_index + 2, columns, len(header) if fmt == "csv" else None),
        columns={name: str(header[col]).strip() for name, col in columns.items()},
        ignored=ignored,
        format=fmt,
        delimiter=delimiter,
    )


def _rows(body, first_number, columns, header_width):
    """(row number, {field: cell}) for each non-blank row; RosterError past the row limit."""
    max_rows, yielded = limit("ROSTER_MAX_ROWS"), 0
    items = tuple(columns.items())
    for number, cells in enumerate(body, start=first_number):
        if _is_blank(cells):
            continue
        yielded += 1
        if yielded > max_rows:
            raise RosterError(TOO_MANY_ROWS.format(limit=max_rows))
        width = len(cells)
        raw = {name: cells[col] if col < width else None for name, col in items}
        if header_width is not None and width > header_width and not _is_blank(cells[header_width:]):
            raw[EXTRA_CELLS] = True
        yield number, raw
    if not yielded:
        raise RosterError(NO_ROWS)


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
    if not text or text.isspace():
        raise RosterError(EMPTY)
    delimiter = sniff_delimiter(text) or ","
    return _build(_csv_records(text, delimiter), "csv", delimiter)


# Lines as io.StringIO(text, newline="") gives them (\r\n, \r or \n, kept), without its
# copy of the whole text at four bytes a character.
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")


def _lines(text):
    return (match.group() for match in _LINE.finditer(text))


def _csv_records(text, delimiter):
    try:
        yield from csv.reader(_lines(text), delimiter=delimiter)
    except csv.Error as error:
        raise RosterError(BAD_CSV.format(detail=error)) from None


# XLSX -----------------------------------------------------------------------------

def _check_archive(data):
    """Refuse an XLSX by its declared sizes before anything is inflated."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limit("ROSTER_MAX_UNCOMPRESSED_BYTES"):
        raise RosterError(TOO_LARGE_UNPACKED.format(size=unpacked / MB, limit=limit("ROSTER_MAX_UNCOMPRESSED_BYTES") // MB))
    strings = sum(entry.file_size for entry in entries if entry.filename.lower().endswith("sharedstrings.xml"))
    if strings > limit("ROSTER_MAX_SHARED_STRINGS_BYTES"):
        raise RosterError(TOO_MANY_STRINGS.format(size=strings / MB, limit=limit("ROSTER_MAX_SHARED_STRINGS_BYTES") // MB))


class CompactStrings:
    """An XLSX's shared strings, held as joined blocks and end offsets instead of one
    Python object per string (openpyxl's list took about eight times the XML's size:
    470 MB for a 48 MB table of short strings). A string is sliced out when a cell uses it."""

    BLOCK = 4096

    def __init__(self):
        self.blocks, self.ends, self.pending = [], array("q"), []

    def append(self, text):
        self.pending.append(text)
        if len(self.pending) == self.BLOCK:
            self.seal()

    def seal(self):
        position = 0
        for text in self.pending:
            position += len(text)
            self.ends.append(position)
        if self.pending:
            self.blocks.append("".join(self.pending))
        self.pending = []

    def __len__(self):
        return len(self.ends)

    def __getitem__(self, index):
        if index < 0:
            raise IndexError(index)
        block, offset = divmod(index, self.BLOCK)
        start = self.ends[index - 1] if offset else 0
        return self.blocks[block][start:self.ends[index]]


_STRING_TAG = f"{{{SHEET_MAIN_NS}}}si"


def read_compact_strings(source):
    """openpyxl's read_string_table, into CompactStrings, releasing each parsed element."""
    strings, root = CompactStrings(), None
    for event, node in iterparse(source, events=("start", "end")):
        if root is None:
            root = node
        if event == "end" and node.tag == _STRING_TAG:
            strings.append(Text.from_tree(node).content.replace("x005F_", ""))
            root.clear()
    strings.seal()
    return strings


class _Sheet(ReadOnlyWorksheet):
    """A read-only sheet that does not scan itself for its size when it is opened: openpyxl
    reads the whole sheet when it has no <dimension> (as openpyxl's own write-only files);
    the declared size is read by sheet_xml.declared_dimension instead."""

    def _get_size(self):
        pass


class _Reader(ExcelReader):
    """openpyxl's workbook reader with a compact shared string table and _Sheet sheets."""

    def read_strings(self):
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = read_compact_strings(source)

    def read_worksheets(self):
        # openpyxl's read-only branch (3.1), with _Sheet; chart sheets hold no rows.
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def _load_workbook(data):
    # As openpyxl.load_workbook(read_only=True, data_only=True) does, with _Reader.
    reader = _Reader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read()
    return reader.wb


def _merged_areas(sheet):
    """The merged ranges of a sheet, from <mergeCell ref=…> (after the rows in the XML)."""
    pattern, areas, tail = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"'), [], b""
    with sheet._get_source() as source:
        while chunk := source.read(1 << 20):
            block = tail + chunk
            if b"mergeCell" in block:
                areas.extend(match.group(1).decode() for match in pattern.finditer(block))
                tail = b""
            else:
                tail = block[-64:]
    return sorted({range_boundaries(area) + (area,) for area in areas}, key=lambda a: a[1])


def _refuse_declared_size(sheet, max_rows, max_columns):
    """The sheet's declared <dimension>, read before any row: over a limit, refused at once."""
    with sheet._get_source() as source:
        bounds = sheet_xml.declared_dimension(source)
    if not bounds:
        return
    _, _, last_column, last_row = bounds
    if last_column and last_column > max_columns:
        raise RosterError(TOO_MANY_COLUMNS.format(sheet=sheet.title, columns=last_column, limit=max_columns))
    if last_row and last_row > max_rows + HEADER_SEARCH_ROWS:
        raise RosterError(TOO_MANY_ROWS.format(limit=max_rows))


def _row_values(cells, sheet, max_columns):
    """A parsed row's values by position; a filled cell past the column limit refuses the file."""
    width = max((cell["column"] for cell in cells), default=0)
    if width > max_columns:
        if any(c["column"] > max_columns and not _is_blank([c["value"]]) for c in cells):
            raise RosterError(TOO_MANY_COLUMNS.format(sheet=sheet.title, columns=width, limit=max_columns))
        width = max_columns
    values = [None] * width
    for cell in cells:
        if cell["column"] <= width:
            value = cell["value"]
            if isinstance(value, sheet_xml.FormulaWithoutValue):
                shown = "=" + value.formula if value.formula else "rumus bersama"
                value = UnreadableCell("formula_without_value", FORMULA_WITHOUT_VALUE.format(
                    cell=value.reference, formula=shown[:60]))
            values[cell["column"] - 1] = value
    return values


class _MergeSweep:
    """The merged areas covering each row, as rows arrive in order (an area may span many)."""

    def __init__(self, areas):
        self.areas, self.next, self.active = areas, 0, []

    def covering(self, number):
        while self.next < len(self.areas) and self.areas[self.next][1] <= number:
            insort(self.active, self.areas[self.next], key=lambda area: area[3])
            self.next += 1
        self.active = [area for area in self.active if area[3] >= number]
        return self.active


def _sheet_records(workbook, sheet):
    """Each row of the sheet as a list of values, by position, whatever its declared dimension.

    The declared <dimension> is read only to refuse an oversized sheet at once; rows are
    counted again as they stream, since a dimension may understate the sheet.
    """
    max_columns, max_rows = limit("ROSTER_MAX_COLUMNS"), limit("ROSTER_MAX_ROWS")
    _refuse_declared_size(sheet, max_rows, max_columns)
    merges, expected = _MergeSweep(_merged_areas(sheet)), 1
    with sheet._get_source() as source:
        # The read-only sheet's own parts (openpyxl 3.1): its shared strings and the
        # workbook's date formats, as ReadOnlyWorksheet._cells_by_row passes them.
        parsed = sheet_xml.rows(
            source, sheet._shared_strings, epoch=workbook.epoch,
            date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parsed:
            if number > max_rows + HEADER_SEARCH_ROWS:
                raise RosterError(TOO_MANY_ROWS.format(limit=max_rows))
            yield from [[]] * (number - expected)  # rows the file leaves out
            expected = number + 1
            values = _row_values(cells, sheet, max_columns)
            areas = merges.covering(number)
            if areas:
                _mark_merged(values, number, areas, max_columns)
            yield values


def _mark_merged(values, number, areas, max_columns):
    for min_col, min_row, max_col, _, ref in areas:
        for column in range(min_col, min(max_col, max_columns) + 1):
            if (column, number) == (min_col, min_row):
                continue  # the merge's own value lives in its first cell
            if column > len(values):
                values.extend([None] * (column - len(values)))
            if _is_blank([values[column - 1]]):
                values[column - 1] = UnreadableCell("merged_cell", MERGED_CELL.format(
                    cell=f"{get_column_letter(column)}{number}", area=ref))


def _read_xlsx(data):
    _check_archive_or_bad(data)
    try:
        workbook = _load_workbook(data)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ParseError, ValueError, OSError) as error:
        raise RosterError(BAD_XLSX) from error
    return _build(_workbook_records(workbook), "xlsx")


def _check_archive_or_bad(data):
    try:
        _check_archive(data)
    except zipfile.BadZipFile as error:
        raise RosterError(BAD_XLSX) from error


def _workbook_records(workbook):
    """The rows of the first sheet that has a NIP header (most rosters have one sheet)."""
    try:
        first = None
        for sheet in workbook.worksheets:
            records = _sheet_records(workbook, sheet)
            head = list(islice(records, HEADER_SEARCH_ROWS))
            if _find_header(head) is not None:
                yield from head
                yield from records
                return
            first = first or head
        yield from first or []
    except (zipfile.BadZipFile, KeyError, ParseError, ValueError, OSError) as error:
        raise RosterError(BAD_XLSX) from error
    finally:
        workbook.close()


def read_roster(data, filename=""):
    """A Roster from the bytes of a CSV or XLSX file; RosterError when it cannot be used."""
    if len(data) > limit("ROSTER_MAX_UPLOAD_BYTES"):
        raise RosterError(TOO_LARGE.format(size=len(data) / MB, limit=limit("ROSTER_MAX_UPLOAD_BYTES") // MB))
    if not data or data.isspace():
        raise RosterError(EMPTY)
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RosterError(OLD_XLS)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise RosterError(BAD_XLSX)
    return _read_csv(data)
