from datetime import datetime, timedelta, timezone as dt_timezone
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from profiles.services import batches
from profiles.models import Batch, Participant
from tests.rosters import csv_bytes, person

UTC = dt_timezone.utc


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_deadline_without_a_zone_is_read_in_wib():
    assert batches.parse_deadline("2026-12-16 23:59") == datetime(2026, 12, 16, 16, 59, tzinfo=UTC)


def test_a_deadline_with_an_offset_keeps_the_offset():
    assert batches.parse_deadline("2026-12-16 23:59 +08:00") == datetime(2026, 12, 16, 15, 59, tzinfo=UTC)


def test_a_deadline_may_name_wita_or_wit():
    assert batches.parse_deadline("2026-12-16 23:59 WITA") == datetime(2026, 12, 16, 15, 59, tzinfo=UTC)
    assert batches.parse_deadline("2026-12-16 23:59 WIT") == datetime(2026, 12, 16, 14, 59, tzinfo=UTC)


def test_a_date_alone_means_the_end_of_that_day_in_wib():
    assert batches.parse_deadline("2026-12-16") == datetime(2026, 12, 16, 16, 59, tzinfo=UTC)


@pytest.mark.parametrize("text", ["16-12-2026 23:59", "besok", "2026-02-30 10:00", "2026-12-16 25:00", ""])
def test_it_refuses_a_deadline_it_cannot_read(text):
    with pytest.raises(batches.BatchError) as error:
        batches.parse_deadline(text)
    assert "2026-12-16 23:59" in str(error.value)


def test_create_batch_command_creates_the_batch_with_its_deadline(db):
    output = run("create_batch", "Latsar 12", "--deadline", "2026-12-16 23:59")
    batch = Batch.objects.get(name="Latsar 12")
    assert batch.deadline == datetime(2026, 12, 16, 16, 59, tzinfo=UTC)
    assert "2026-12-16 23:59 WIB" in output


def test_create_batch_command_refuses_a_duplicate_name(batch):
    with pytest.raises(CommandError, match="sudah ada"):
        run("create_batch", batch.name.upper(), "--deadline", "2026-12-16 23:59")
    assert Batch.objects.count() == 1


def test_create_batch_command_refuses_a_bad_date_in_indonesian(db):
    with pytest.raises(CommandError, match="tidak dapat dibaca"):
        run("create_batch", "Latsar 12", "--deadline", "16/12/2026")
    assert not Batch.objects.exists()


def test_list_batches_shows_name_deadline_in_wib_and_participant_count(alice, bob, batch, closed_batch):
    output = run("list_batches")
    line = next(line for line in output.splitlines() if line.startswith(batch.name))
    assert batches.format_deadline_wib(batch.deadline) in line and "2 peserta" in line
    assert any(line.startswith(closed_batch.name) and "0 peserta" in line for line in output.splitlines())


@pytest.fixture
def roster_file(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([person(1), person(2)]))
    return path


def test_import_can_create_the_missing_batch(db, roster_file):
    run("import_participants", str(roster_file), "--batch", "Latsar Baru", "--create-batch",
        "--deadline", "2026-12-16 23:59")
    batch = Batch.objects.get(name="Latsar Baru")
    assert batch.deadline == datetime(2026, 12, 16, 16, 59, tzinfo=UTC)
    assert Participant.objects.filter(batch=batch).count() == 2


def test_import_into_an_existing_batch_with_create_batch_uses_it(batch, roster_file):
    run("import_participants", str(roster_file), "--batch", batch.name, "--create-batch",
        "--deadline", "2026-12-16 23:59")
    assert Batch.objects.count() == 1 and Participant.objects.filter(batch=batch).count() == 2


def test_import_without_create_batch_still_refuses_an_unknown_batch(db, roster_file):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run("import_participants", str(roster_file), "--batch", "Latsar Baru")


def test_create_batch_needs_a_deadline(db, roster_file):
    with pytest.raises(CommandError, match="--deadline"):
        run("import_participants", str(roster_file), "--batch", "Latsar Baru", "--create-batch")
    assert not Batch.objects.exists()


def test_a_dry_run_leaves_no_new_batch_behind(db, roster_file):
    output = run("import_participants", str(roster_file), "--batch", "Latsar Baru", "--create-batch",
                 "--deadline", "2026-12-16 23:59", "--dry-run")
    assert "akan dibuat" in output
    assert not Batch.objects.exists() and not Participant.objects.exists()


def test_a_bad_deadline_for_a_new_batch_is_refused_before_importing(db, roster_file):
    with pytest.raises(CommandError, match="tidak ada di kalender"):
        run("import_participants", str(roster_file), "--batch", "Latsar Baru", "--create-batch",
            "--deadline", "2026-13-01 10:00")
    assert not Participant.objects.exists()


def test_the_deadline_is_stored_as_the_same_instant_whatever_the_zone(db):
    a = batches.create_batch("A", "2026-12-16 23:59 WIB")
    b = batches.create_batch("B", "2026-12-17 00:59 +08:00")
    assert b.deadline - a.deadline == timedelta(0)
