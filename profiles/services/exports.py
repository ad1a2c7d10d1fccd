"""The certificate export: one generator of rows, small renderers for CSV, XLSX and ZIP.

As in pretix's exporters, the generator yields the header and then one row per
participant, reading the database in chunks, so memory stays flat however big
the batch. CSV goes through defusedcsv and XLSX cells are written as text, so a
value typed by a participant (`=HYPERLINK(...)`) never runs as a formula.
"""

import getpass
import re
from operator import itemgetter
import shutil
import tempfile
import time
import zipfile

import csv
from numbers import Number
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper

from profiles.models import ExportLog, Participant, ParticipantQuerySet, Photo
from profiles.rules.birth import format_birth_date, format_birth_field
from profiles.rules.contact import format_no_telp
from profiles.rules.deadlines import INDONESIAN_ZONES
from profiles.models import Batch
from profiles.rules.fields import BIRTH, DATA_COLUMNS, FIELDS
from profiles.rules.statuses import Status

HEADER = [
    *(field.heading for field in FIELDS),
    "Tempat Lahir", "Tanggal Lahir", "Status", "Diverifikasi oleh", "Diverifikasi pada", "Foto",
]
FORMATS = {"csv": "CSV (UTF-8)", "xlsx": "Excel (.xlsx)", "zip": "ZIP (foto + data)"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
SCOPE_VALIDATED, SCOPE_ALL, SCOPE_SELECTED = "validated", "all", "selected"
# Personal data leaving the portal by other downloads, logged the same way.
SCOPE_UNFINISHED, SCOPE_ACCESS_CODES = "unfinished", "access_codes"
SCOPES = dict(ExportLog.SCOPES)
CHUNK_SIZE = 2000
WIB = INDONESIAN_ZONES[0][1]


def export_queryset(*, batch=None, scope=SCOPE_VALIDATED, now=None, queryset=None):
    queryset = Participant.objects.all() if queryset is None else queryset
    if batch is not None:
        queryset = queryset.filter(batch=batch)
    if scope == SCOPE_VALIDATED:
        queryset = queryset.validated(now or timezone.now())
    return queryset.order_by("nama", "nip")


# What a row needs, read as plain tuples (no model instances): a 100,000-row export spent
# its time building three objects per row and parsing every phone number again.
_COLUMNS = (
    "nip", *DATA_COLUMNS, "status", "verified_at", "photo__file",
    "verified_by__username", "verified_by__first_name", "verified_by__last_name", "validated_now",
)
_AT = {name: index for index, name in enumerate(_COLUMNS)}
_STATUS_LABELS = {status.value: status.label for status in Status}


def _value_rows(queryset, now):
    # The validated rule is the queryset twin's (ParticipantQuerySet.validated_q), as a column.
    validated = ExpressionWrapper(ParticipantQuerySet.validated_q(now), output_field=BooleanField())
    return queryset.annotate(validated_now=validated).values_list(*_COLUMNS).iterator(chunk_size=CHUNK_SIZE)


def _field_getter():
    """One itemgetter for the twelve fields (Field.display), and where the two that are
    formatted sit: the birth field (from two columns) and the phone number."""
    indices, birth_at, phone_at = [], None, None
    for position, field in enumerate(FIELDS):
        if field.name == BIRTH:
            birth_at = position
        elif field.name == "no_telp":
            phone_at = position
        indices.append(_AT[field.columns[0]])
    return itemgetter(*indices), birth_at, phone_at


_FIELDS_OF, _BIRTH_AT, _PHONE_AT = _field_getter()


def _verified_at(moment):
    return f"{moment.astimezone(WIB):%Y-%m-%d %H:%M} WIB" if moment else ""


def _row(v):
    status = v[_AT["status"]]
    if status != Status.TERVERIFIKASI and v[_AT["validated_now"]]:
        status = Status.DIANGGAP_VALID
    first, last = v[_AT["verified_by__first_name"]] or "", v[_AT["verified_by__last_name"]] or ""
    place, born = v[_AT["tempat_lahir"]], v[_AT["tanggal_lahir"]]
    row = list(_FIELDS_OF(v))
    row[_BIRTH_AT] = format_birth_field(place, born)
    phone = row[_PHONE_AT]
    row[_PHONE_AT] = format_no_telp(phone) if phone else ""
    row += [
        place,
        format_birth_date(born) if born else "",
        _STATUS_LABELS[status],
        f"{first} {last}".strip() or v[_AT["verified_by__username"]] or "",
        _verified_at(v[_AT["verified_at"]]),
        f"{v[0]}.jpg" if v[_AT["photo__file"]] else "",
    ]
    return row


@dataclass(frozen=True)
class ExportRecord:
    """What the ZIP renderer needs beside the row: the NIP and the photo's stored name."""

    nip: str
    photo_file: str


def records(queryset, now=None):
    """(None, header), then (ExportRecord, row) for each participant."""
    now = now or timezone.now()
    yield None, list(HEADER)
    photo = _AT["photo__file"]
    for values in _value_rows(queryset, now):
        yield ExportRecord(values[0], values[photo] or ""), _row(values)


def rows(queryset, now=None):
    for _, row in records(queryset, now):
        yield row


# Renderers ------------------------------------------------------------------------

# defusedcsv's rule (a cell that a spreadsheet would run as a formula gets a leading
# quote, and its pipes escaped), applied with a fast path for the plain text cells that
# make up nearly all of an export; tests hold it to defusedcsv's output.
_FORMULA_STARTS = frozenset("@+-=|%")
_PLAIN_NUMBER = re.compile(r"^-?[0-9,\.]+$")


def _defused(value):
    if value.__class__ is str:
        if not value or value[0] not in _FORMULA_STARTS:
            return value
    elif value is None or isinstance(value, Number):
        return value
    else:
        value = str(value)
        if not value or value[0] not in _FORMULA_STARTS:
            return value
    if _PLAIN_NUMBER.match(value):
        return value
    return "'" + value.replace("|", "\\|")


class _DefusedWriter:
    def __init__(self, target):
        self.writer = csv.writer(target)

    def writerow(self, row):
        return self.writer.writerow([_defused(value) for value in row])


class _Echo:
    def write(self, value):
        return value


def csv_chunks(rows, lines_per_chunk=500):
    """Encoded CSV, BOM first so that Excel reads UTF-8; for streaming responses."""
    writer = _DefusedWriter(_Echo())
    yield "\ufeff".encode()
    lines = []
    for row in rows:
        lines.append(writer.writerow(row))
        if len(lines) >= lines_per_chunk:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def write_csv(rows, output):
    for chunk in csv_chunks(rows):
        output.write(chunk)


# openpyxl stores these strings as error cells (its ERROR_CODES), not as the text typed;
# in our sheets every cell is an inline string, so they arrive as text.
ERROR_LITERALS = frozenset(
    ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"]
)
# Characters XML 1.0 cannot carry (openpyxl's ILLEGAL_CHARACTERS_RE): dropped.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '</Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'
    ),
    # The smallest stylesheet Excel accepts: one font, the two required fills, one border.
    "xl/styles.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{_NS}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}


class XlsxSheet:
    """One sheet of text, streamed into an XLSX as rows arrive; memory stays flat.

    Every cell is an inline string, so text stays text: a participant's `=HYPERLINK(...)`
    or `#N/A` is never a formula or an error cell. A sheet of text cells needs only four
    fixed parts and one streamed part, so the parts are written here directly (openpyxl's
    write-only mode spent about 20 s on 100,000 rows building a cell object per value).
    """

    title = "Data sertifikat"
    widths = {"A": 21, "B": 32, "C": 24, "J": 28, "K": 40}

    def __init__(self, output):
        self.archive = zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1,
                                       allowZip64=True)
        for name, text in _XLSX_PARTS.items():
            self.archive.writestr(name, text)
        self.archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_NS}" '
            f'xmlns:r="{_REL_NS}"><sheets><sheet name="{self.title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ))
        self.sheet = self.archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        columns = "".join(
            f'<col min="{_column_number(c)}" max="{_column_number(c)}" width="{w}" customWidth="1"/>'
            for c, w in self.widths.items()
        )
        self.sheet.write(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_NS}">'
            f'<cols>{columns}</cols><sheetData>'.encode()
        )
        self.lines, self.number = [], 0

    def append(self, row):
        self.number += 1
        number = self.number
        cells = "".join(_inline_cell(f"{_column_letters(i)}{number}", v) for i, v in enumerate(row))
        self.lines.append(f'<row r="{number}">{cells}</row>')
        if len(self.lines) >= 500:
            self._flush()

    def _flush(self):
        self.sheet.write("".join(self.lines).encode())
        self.lines = []

    def close(self):
        self._flush()
        self.sheet.write(b"</sheetData></worksheet>")
        self.sheet.close()
        self.archive.close()


def _column_number(letters):
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(index):
    if index < len(_LETTERS):
        return _LETTERS[index]
    return _letters(index)


def _letters(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_LETTERS = tuple(_letters(index) for index in range(64))


def _inline_cell(ref, value):
    if value is None or value == "":
        return ""
    text = value if isinstance(value, str) else str(value)
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    if "&" in text or "<" in text or ">" in text:
        text = text.translate(_XML_ESCAPES)
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def write_xlsx(rows, output):
    sheet = XlsxSheet(output)
    for row in rows:
        sheet.append(row)
    sheet.close()


def _add_photo(archive, record):
    """Copy the photo through its storage (local disk or S3); False when the file is gone."""
    name = f"{record.nip}.jpg"
    storage = Photo._meta.get_field("file").storage
    try:
        with storage.open(record.photo_file, "rb") as source, archive.open(name, "w") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
    except FileNotFoundError:
        return False
    return True


def write_zip(records, output):
    """<NIP>.jpg for every photo, with the data as data.csv and data.xlsx."""
    missing = []
    with tempfile.TemporaryFile() as data_csv, tempfile.TemporaryFile() as data_xlsx:
        sheet = XlsxSheet(data_xlsx)
        writer = _DefusedWriter(_TextToBytes(data_csv))
        data_csv.write("\ufeff".encode())
        # JPEGs do not shrink; store them as they are and deflate only the sheets.
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
            for participant, row in records:
                if participant is not None and participant.photo_file and not _add_photo(archive, participant):
                    missing.append(participant.nip)
                    row[-1] = ""
                writer.writerow(row)
                sheet.append(row)
            sheet.close()
            for name, handle in (("data.csv", data_csv), ("data.xlsx", data_xlsx)):
                handle.seek(0)
                info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w") as target:
                    shutil.copyfileobj(handle, target)
    return missing


class _TextToBytes:
    def __init__(self, handle):
        self.handle = handle

    def write(self, text):
        return self.handle.write(text.encode())


def render(fmt, queryset, output, now=None):
    """Write the export in one format to a binary file object; returns NIPs whose photo file is missing."""
    if fmt == "csv":
        write_csv(rows(queryset, now), output)
    elif fmt == "xlsx":
        write_xlsx(rows(queryset, now), output)
    elif fmt == "zip":
        return write_zip(records(queryset, now), output)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return []


def filename_for(batch, fmt, now=None):
    moment = (now or timezone.now()).astimezone(WIB)
    label = "".join(ch if ch.isalnum() else "-" for ch in (batch.name if batch else "peserta")).strip("-")
    return f"sertifikat-{label}-{moment:%Y%m%d-%H%M}.{fmt}"


def cli_actor():
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def log_export(*, user, batch, fmt, scope, count, source, actor=None, nips=()):
    """Every export is recorded: who, which batch, which format, how many records, and for
    a selection the NIPs it contained."""
    return ExportLog.objects.create(
        nips=list(nips),
        user=user,
        actor=actor or (user.get_username() if user else cli_actor()),
        batch=batch,
        format=fmt,
        scope=scope,
        count=count,
        source=source,
    )


def response(queryset, fmt, filename, now):
    """The export as a download: CSV streamed, XLSX and ZIP from a temporary file."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_chunks(rows(queryset, now)), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # XLSX and ZIP are written to a temporary file (deleted when the response closes it).
    handle = tempfile.TemporaryFile()
    render(fmt, queryset, handle, now)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])


def selected_download(queryset, *, user, now=None):
    """The admin's "export selected": the validated among the selection, logged with their NIPs."""
    now = now or timezone.now()
    participants = export_queryset(scope=SCOPE_SELECTED, queryset=queryset, now=now)
    batch_ids = set(queryset.order_by().values_list("batch", flat=True).distinct()[:2])
    batch = Batch.objects.get(pk=batch_ids.pop()) if len(batch_ids) == 1 else None
    nips = list(participants.values_list("nip", flat=True))
    log_export(user=user, batch=batch, fmt="csv", scope=SCOPE_SELECTED, count=len(nips), source="web", nips=nips)
    return response(participants, "csv", filename_for(batch, "csv", now), now)
