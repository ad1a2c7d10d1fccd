"""make run's demo cohort and the example roster shipped in docs/."""

from pathlib import Path

import pytest
from django.utils import timezone

from profiles.models import Participant, Status
from profiles.services import demo
from profiles.services.roster import check_rows, read_roster

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture
def loaded(db):
    return demo.load_demo()


def test_the_demo_has_about_thirty_participants(loaded):
    assert 28 <= Participant.objects.count() <= 40


@pytest.mark.parametrize("status", [Status.BELUM_DIPERBARUI, Status.DIPERBARUI, Status.DIKONFIRMASI,
                                    Status.TERVERIFIKASI, Status.PERLU_REVISI, Status.DIANGGAP_VALID])
def test_the_demo_has_every_status(loaded, status):
    assert Participant.objects.filter(status=status).exists()


def test_the_demo_has_photos_with_warnings_and_auto_fixed_photos(loaded):
    assert Participant.objects.exclude(photo__warnings=[]).filter(photo__isnull=False).exists()
    assert Participant.objects.filter(photo__auto_fixed=True).exists()


def test_the_demo_has_a_batch_past_its_deadline(loaded):
    closed = Participant.objects.filter(batch__name=demo.CLOSED_BATCH)
    assert closed.exists()
    assert not Participant.objects.editable(timezone.now()).filter(batch__name=demo.CLOSED_BATCH).exists()


def test_a_demo_revision_waits_for_what_it_names(loaded):
    flagged = Participant.objects.filter(status=Status.PERLU_REVISI, batch__name=demo.OPEN_BATCH)
    assert all(participant.pending_revision() for participant in flagged)


def test_loading_again_creates_nothing(loaded):
    assert demo.load_demo().created == 0


@pytest.mark.parametrize("name", ["contoh-roster.csv", "contoh-roster.xlsx"])
def test_the_example_roster_in_docs_imports_without_errors(db, name):
    roster = read_roster((DOCS / name).read_bytes(), name)
    results = check_rows(roster, today=timezone.localdate())
    assert len(results) == len(demo.example_roster_rows())
    assert not [result.errors for result in results if result.errors]


def test_the_example_csv_in_docs_is_what_the_script_writes():
    assert (DOCS / "contoh-roster.csv").read_bytes() == demo.example_roster_csv().encode("utf-8")
