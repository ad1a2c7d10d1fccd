import pytest
from datetime import datetime, timedelta, timezone

from profiles.rules.deadlines import describe_deadline, describe_duration, describe_time_left

UTC = timezone.utc


def test_it_names_the_deadline_in_wib_with_wita_and_wit():
    deadline = datetime(2021, 7, 9, 16, 59, tzinfo=UTC)  # 23.59 WIB
    assert describe_deadline(deadline) == "9 Juli 2021 pukul 23.59 WIB (00.59 WITA, 01.59 WIT)"


def test_it_counts_days_and_hours_left():
    now = datetime(2021, 7, 1, tzinfo=UTC)
    assert describe_time_left(now + timedelta(days=2, hours=3, minutes=10), now) == "2 hari 3 jam lagi"


def test_it_counts_minutes_on_the_last_day():
    now = datetime(2021, 7, 1, tzinfo=UTC)
    assert describe_time_left(now + timedelta(minutes=45, seconds=5), now) == "45 menit lagi"


def test_it_says_when_the_deadline_has_passed():
    now = datetime(2021, 7, 10, tzinfo=UTC)
    assert describe_time_left(now - timedelta(seconds=1), now) == "sudah lewat"
    assert describe_time_left(now, now) == "sudah lewat"


@pytest.mark.parametrize(
    "duration, words",
    [
        (timedelta(minutes=15), "15 menit"),
        (timedelta(hours=1, minutes=30), "1 jam 30 menit"),
        (timedelta(days=2), "2 hari"),
        (timedelta(seconds=61), "2 menit"),
        (900, "15 menit"),
        (timedelta(0), ""),
    ],
)
def test_it_says_a_wait_in_words(duration, words):
    assert describe_duration(duration) == words
