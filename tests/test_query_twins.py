"""Each rule the database answers for many records has a Python twin for one record
(ParticipantQuerySet beside Participant); these tests hold each pair to one answer."""

from datetime import timedelta
from itertools import product

import pytest
from django.utils import timezone

from profiles.models import Participant, Status

NOW = timezone.now()
DEADLINES = {"before the deadline": NOW + timedelta(days=1), "after the deadline": NOW - timedelta(days=1)}
REOPENINGS = {"never reopened": None, "reopened until later": NOW + timedelta(hours=1),
              "reopening expired": NOW - timedelta(hours=1)}
STAFF_EDITS = {"untouched by staff since": False, "edited by staff after verification": True}
CASES = list(product(DEADLINES, REOPENINGS, Status.values, STAFF_EDITS))


def make_case(alice, deadline, reopened_until, status, staff_edit="untouched by staff since"):
    alice.batch.deadline = DEADLINES[deadline]
    alice.batch.save()
    Participant.objects.filter(pk=alice.pk).update(
        reopened_until=REOPENINGS[reopened_until], status=status, needs_verification=STAFF_EDITS[staff_edit]
    )
    return Participant.objects.select_related("batch").get(pk=alice.pk)


@pytest.mark.parametrize("deadline, reopened_until, status, staff_edit", CASES)
def test_can_edit_and_editable_give_one_answer(alice, deadline, reopened_until, status, staff_edit):
    participant = make_case(alice, deadline, reopened_until, status, staff_edit)
    in_query = Participant.objects.editable(NOW).filter(pk=participant.pk).exists()
    assert participant.can_edit(NOW) == in_query


@pytest.mark.parametrize("deadline, reopened_until, status, staff_edit", CASES)
def test_is_validated_and_validated_give_one_answer(alice, deadline, reopened_until, status, staff_edit):
    participant = make_case(alice, deadline, reopened_until, status, staff_edit)
    in_query = Participant.objects.validated(NOW).filter(pk=participant.pk).exists()
    assert participant.is_validated(NOW) == in_query


def test_editing_closes_when_a_reopening_expires(alice):
    participant = make_case(alice, "after the deadline", "reopening expired", Status.PERLU_REVISI)
    assert not participant.can_edit(NOW)
    assert not Participant.objects.editable(NOW).filter(pk=participant.pk).exists()


def test_a_reopening_in_the_future_keeps_editing_open_after_the_deadline(alice):
    participant = make_case(alice, "after the deadline", "reopened until later", Status.PERLU_REVISI)
    assert participant.can_edit(NOW)
    assert Participant.objects.editable(NOW).filter(pk=participant.pk).exists()


def test_a_record_is_deemed_valid_once_its_reopening_expires(alice):
    participant = make_case(alice, "after the deadline", "reopening expired", Status.DIKONFIRMASI)
    assert participant.is_validated(NOW)
    assert Participant.objects.validated(NOW).filter(pk=participant.pk).exists()


def test_a_staff_edit_after_verification_is_never_deemed_valid(alice):
    participant = make_case(alice, "after the deadline", "never reopened", Status.DIPERBARUI,
                            "edited by staff after verification")
    assert not participant.is_validated(NOW)
    assert not Participant.objects.validated(NOW).filter(pk=participant.pk).exists()
