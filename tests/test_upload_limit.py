"""Photo uploads per participant are limited per hour, refused ones included."""

from datetime import timedelta

import pytest
from django.utils import timezone

from profiles.models import UploadAttempt
from profiles.services.photo_versions import UploadLimitReached
from profiles.services.uploads import receive_upload
from tests.photo_factory import HTML_PAGE, make_id_photo


def test_refused_uploads_count_towards_the_limit(alice, settings):
    settings.PHOTO_UPLOADS_PER_HOUR = 3
    for _ in range(3):
        assert not receive_upload(alice, HTML_PAGE, by=alice.user).stored
    with pytest.raises(UploadLimitReached) as raised:
        receive_upload(alice, make_id_photo(), by=alice.user)
    assert "3 foto dalam satu jam" in str(raised.value)
    assert alice.photos.count() == 0


def test_the_default_limit_is_twenty_an_hour(alice):
    now = timezone.now()
    UploadAttempt.objects.bulk_create([
        UploadAttempt(participant=alice, at=now - timedelta(minutes=i)) for i in range(1, 20)
    ])
    receive_upload(alice, HTML_PAGE, by=alice.user, now=now)  # the 20th
    with pytest.raises(UploadLimitReached):
        receive_upload(alice, HTML_PAGE, by=alice.user, now=now)


def test_uploads_older_than_an_hour_no_longer_count(alice, settings):
    settings.PHOTO_UPLOADS_PER_HOUR = 2
    now = timezone.now()
    for _ in range(2):
        receive_upload(alice, HTML_PAGE, by=alice.user, now=now - timedelta(hours=1))
    assert receive_upload(alice, make_id_photo(), by=alice.user, now=now).stored


def test_an_accepted_upload_is_recorded_as_accepted(alice):
    receive_upload(alice, make_id_photo(), by=alice.user)
    assert list(UploadAttempt.objects.values_list("accepted", flat=True)) == [True]


def test_the_limit_is_per_participant(alice, bob, settings):
    settings.PHOTO_UPLOADS_PER_HOUR = 1
    receive_upload(alice, HTML_PAGE, by=alice.user)
    receive_upload(bob, HTML_PAGE, by=bob.user)
    with pytest.raises(UploadLimitReached):
        receive_upload(alice, HTML_PAGE, by=alice.user)


def test_staff_uploading_for_a_participant_are_not_limited(alice, staff, settings):
    settings.PHOTO_UPLOADS_PER_HOUR = 1
    receive_upload(alice, HTML_PAGE, by=alice.user)
    assert receive_upload(alice, make_id_photo(), by=staff).stored


def test_a_closed_deadline_is_refused_before_counting(closed_batch, alice):
    from profiles.services.participants import EditingClosed

    alice.batch = closed_batch
    alice.save()
    with pytest.raises(EditingClosed):
        receive_upload(alice, HTML_PAGE, by=alice.user)
    assert not UploadAttempt.objects.exists()
