"""Numbers under concurrency: two workers at once never share a number nor issue one record twice.

Real threads with their own database connections (transactional_db), on SQLite and, in CI's
second run, on PostgreSQL.
"""

import threading

import pytest
from django.db import connection

from profiles.models import Certificate
from profiles.services.accounts import create_participant
from profiles.services.certificates import issue
from tests.certificates import validated
from tests.conftest import ALICE_VALUES

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # The SQLite test database lives in shared-cache memory, where a second writer gets
    # "table is locked" at once instead of waiting; the real SQLite file serialises writers
    # (IMMEDIATE transactions). CI's PostgreSQL run is where two workers really race.
    pytest.mark.skipif(connection.vendor == "sqlite", reason="two writers need PostgreSQL here"),
]

NIPS = [f"1993012120201210{n:02d}" for n in range(1, 13)]


def run_in_threads(work, arguments, threads=2):
    errors = []
    barrier = threading.Barrier(threads)

    def worker(items):
        try:
            barrier.wait()
            for item in items:
                work(item)
        except Exception as error:  # reported below, with the thread's traceback lost otherwise
            errors.append(error)
        finally:
            connection.close()

    parts = [arguments[i::threads] for i in range(threads)]
    running = [threading.Thread(target=worker, args=(part,)) for part in parts]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    assert not errors, errors


@pytest.fixture
def participants(batch):
    made = []
    for i, nip in enumerate(NIPS):
        made.append(validated(create_participant(nip, batch, {**ALICE_VALUES, "nama": f"Peserta {i}"})))
    return made


def test_two_workers_never_share_a_number(participants):
    run_in_threads(lambda p: issue.claim(p.pk), participants)
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == list(range(1, len(participants) + 1))


def test_two_workers_issuing_the_same_records_issue_each_once(participants):
    # Both workers get every record: each is claimed by one, the other finds it claimed.
    run_in_threads(lambda p: issue.issue_one(p.pk), participants + participants[::-1])
    assert Certificate.objects.count() == len(participants)
    assert Certificate.objects.filter(state=Certificate.State.ISSUED).count() == len(participants)
    assert len(set(Certificate.objects.values_list("number", flat=True))) == len(participants)


def test_a_number_is_never_reused_after_a_revocation(participants, staff):
    first = issue.claim(participants[0].pk)
    issue.complete(first)
    issue.revoke(first, by=staff, reason="Salah")
    run_in_threads(lambda p: issue.claim(p.pk), participants)
    serials = list(Certificate.objects.values_list("serial", flat=True))
    assert len(serials) == len(set(serials)) == len(participants) + 1
