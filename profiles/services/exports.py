"""The certificate export: one generator of rows, small renderers for CSV, XLSX and ZIP.

As in pretix's exporters, the generator yields the header and then one row per
participant, reading the database in chunks, so memory stays flat however big
the batch. CSV goes through defusedcsv and XLSX cells are written as text, so a
value typed by a participant (`=HYPERLINK(...)`) never runs as a formula.
"""

import getpass
import shutil
import tempfile
import time
import zipfile

from defusedcsv import csv
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from profiles.rules.birth import format_birth_date
from profiles.rules.deadlines import INDONESIAN_ZONES
from profiles.models import Batch, ExportLog, Participant
from profiles.rules.fields import DATA_COLUMNS, FIELDS
from profiles.services.review import effective_status

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
EXPORT_FIELDS = ["nip", *DATA_COLUMNS]
WIB = INDONESIAN_ZONES[0][1]


def export_queryset(*, batch=None, scope=SCOPE_VALIDATED, now=None, queryset=None):
    queryset = Participant.objects.all() if queryset is None else queryset
    if batch is not None:
        queryset = queryset.filter(batch=batch)
    if scope == SCOPE_VALIDATED:
        queryset = queryset.validated(now or timezone.now())
    # Only the columns a row needs: a 100,000-row export spends its time building objects.
    return (
        queryset.select_related("batch", "verified_by", "photo")
        .only(
            *EXPORT_FIELDS, "status", "reopened_until", "verified_at", "batch__deadline",
            "verified_by__username", "verified_by__first_name", "verified_by__last_name", "photo__file",
        )
        .order_by("nama", "nip")
    )


def _verified_at(moment):
    return f"{moment.astimezone(WIB):%Y-%m-%d %H:%M} WIB" if moment else ""


def _verified_by(user):
    if user is None:
        return ""
    return user.get_full_name() or user.username


def row_for(participant, now):
    p = participant
    return [
        *(field.display(p) for field in FIELDS),
        p.tempat_lahir,
        format_birth_date(p.tanggal_lahir) if p.tanggal_lahir else "",
        effective_status(p, now).label,
        _verified_by(p.verified_by),
        _verified_at(p.verified_at),
        f"{p.nip}.jpg" if p.photo_id else "",
    ]


def records(queryset, now=None):
    """(None, header), then (participant, row) for each participant."""
    now = now or timezone.now()
    yield None, list(HEADER)
    for participant in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield participant, row_for(participant, now)


def rows(queryset, now=None):
    for _, row in records(queryset, now):
        yield row


# Renderers ------------------------------------------------------------------------

class _Echo:
    def write(self, value):
        return value


def csv_chunks(rows, lines_per_chunk=500):
    """Encoded CSV, BOM first so that Excel reads UTF-8; for streaming responses."""
    writer = csv.writer(_Echo())
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


# openpyxl stores these strings as error cells (its ERROR_CODES), not as the text typed.
ERROR_LITERALS = frozenset(
    ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"]
)


class XlsxSheet:
    """A write-only workbook; text stays text (openpyxl reads a leading = as a formula and
    an error literal such as #N/A as an error cell)."""

    widths = {"A": 21, "B": 32, "C": 24, "J": 28, "K": 40}

    def __init__(self):
        # openpyxl imports numpy (about 100 ms): loaded when a sheet is written, not by
        # every process that imports the export service (the admin, the mail worker).
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self.write_only_cell, self.illegal_characters = WriteOnlyCell, ILLEGAL_CHARACTERS_RE
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet("Data sertifikat")
        for column, width in self.widths.items():
            self.sheet.column_dimensions[column].width = width

    def _cell(self, value):
        if not isinstance(value, str):
            return value
        value = self.illegal_characters.sub("", value)
        if value.startswith("=") or value.strip().upper() in ERROR_LITERALS:
            cell = self.write_only_cell(self.sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    def append(self, row):
        self.sheet.append([self._cell(value) for value in row])

    def save(self, output):
        self.workbook.save(output)


def write_xlsx(rows, output):
    sheet = XlsxSheet()
    for row in rows:
        sheet.append(row)
    sheet.save(output)


def _add_photo(archive, participant):
    """Copy the photo through its storage (local disk or S3); False when the file is gone."""
    name = f"{participant.nip}.jpg"
    try:
        with participant.photo.file.open("rb") as source, archive.open(name, "w") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
    except FileNotFoundError:
        return False
    return True


def write_zip(records, output):
    """<NIP>.jpg for every photo, with the data as data.csv and data.xlsx."""
    missing = []
    sheet = XlsxSheet()
    with tempfile.TemporaryFile() as data_csv, tempfile.TemporaryFile() as data_xlsx:
        writer = csv.writer(_TextToBytes(data_csv))
        data_csv.write("\ufeff".encode())
        # JPEGs do not shrink; store them as they are and deflate only the sheets.
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
            for participant, row in records:
                if participant is not None and participant.photo_id and not _add_photo(archive, participant):
                    missing.append(participant.nip)
                    row[-1] = ""
                writer.writerow(row)
                sheet.append(row)
            sheet.save(data_xlsx)
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
