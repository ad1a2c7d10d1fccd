"""The roster import as the command line runs it: a file path and a batch name in, a report out."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from profiles.models import Batch
from profiles.rules.fields import LABELS
from profiles.services import batches
from profiles.services.roster.apply import ImportReport, import_roster
from profiles.services.roster.check import CONFLICT, STATUS_LABELS, STATUSES
from profiles.services.roster.parse import MB, TOO_LARGE, RosterError, limit


@dataclass
class FileImport:
    report: ImportReport
    batch: Batch
    batch_created: bool

    def batch_note(self):
        if not self.batch_created:
            return ""
        verb = "akan dibuat" if self.report.dry_run else "dibuat"
        return f"Angkatan “{self.batch.name}” {verb}, tenggat {batches.format_deadline_wib(self.batch.deadline)}."


def import_file(path, *, batch_name, create_batch=False, deadline=None, dry_run=False):
    """Import the roster at `path` into the batch called `batch_name` (created when asked).

    RosterError for a file that cannot be read or used and for a batch that is not there.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limit("ROSTER_MAX_UPLOAD_BYTES"):
            # Refused before it is read: a file of any size never enters memory.
            raise RosterError(TOO_LARGE.format(size=size / MB, limit=limit("ROSTER_MAX_UPLOAD_BYTES") // MB))
        data = path.read_bytes()
    except OSError as error:
        raise RosterError(f"File {path} tidak dapat dibaca: {error.strerror}.") from None
    reason = "Impor roster (perintah)" + (" — uji" if dry_run else "")
    with transaction.atomic():
        batch, created = _batch(batch_name, create_batch, deadline)
        report = import_roster(data, path.name, batch=batch, dry_run=dry_run, reason=reason)
        if created and dry_run:
            # A dry run leaves nothing behind, the new batch included.
            transaction.set_rollback(True)
    return FileImport(report=report, batch=batch, batch_created=created)


def _batch(name, create, deadline):
    if deadline and not create:
        raise RosterError("--deadline hanya dipakai bersama --create-batch.")
    if not create or Batch.objects.filter(name=name).exists():
        try:
            return batches.find_batch(name), False
        except batches.BatchNotFound as error:
            raise RosterError(str(error)) from None
    if not deadline:
        raise RosterError(
            f"Angkatan “{name}” belum ada. Beri tenggatnya: --create-batch --deadline \"2026-12-16 23:59\"."
        )
    try:
        return batches.create_batch(name, deadline), True
    except batches.BatchError as error:
        raise RosterError(str(error)) from None


def json_lines(report):
    for row in report.rows:
        yield json.dumps(row.as_json(), ensure_ascii=False)


def text_lines(report):
    """File notes, the rows that need attention, then the summary."""
    yield from _file_notes(report)
    for row in report.rows:
        if row.errors or row.status == CONFLICT:
            shown = row.as_json()
            problems = shown["errors"] if row.errors else shown["warnings"]
            for field, messages in problems.items():
                for message in messages:
                    yield f"baris {row.row} ({row.nip or '-'}) {row.status} {field}: {message}"
    counts = report.counts
    summary = ", ".join(f"{counts[s]} {STATUS_LABELS[s].lower()}" for s in STATUSES)
    prefix = "Uji (tidak disimpan)" if report.dry_run else "Selesai"
    yield f"{prefix}: {len(report.rows)} baris — {summary}."


def _file_notes(report):
    if report.roster.ignored:
        yield "Kolom tidak dikenal, diabaikan: " + ", ".join(report.roster.ignored)
    missing = [LABELS[name] for name in report.roster.missing]
    if missing:
        yield "Kolom tidak ada di file (dibiarkan kosong untuk diisi peserta): " + ", ".join(missing)
    warned = sum(1 for row in report.rows if row.warnings and not row.errors)
    if warned:
        yield f"{warned} baris punya isian kosong/salah yang dibiarkan untuk peserta (lihat --json)."
