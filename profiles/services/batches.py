"""Cohorts (angkatan) created and listed outside the admin: the commands call these.

A deadline is typed as "2026-12-16 23:59" and read in WIB, the zone the guide's
deadlines are given in, unless an offset ("+08:00") or a zone name (WITA, WIT) follows.
"""

import re
from datetime import datetime, timedelta, timezone as dt_timezone

from django.db import IntegrityError, transaction
from django.db.models import Count

from profiles.rules.deadlines import INDONESIAN_ZONES
from profiles.models import Batch

ZONES = dict(INDONESIAN_ZONES)
WIB = ZONES["WIB"]

_DEADLINE = re.compile(
    r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})"
    r"(?:[ T](?P<time>\d{1,2}[:.]\d{2})(?::\d{2})?)?"
    r"\s*(?P<zone>[+-]\d{2}:?\d{2}|Z|WIB|WITA|WIT)?$",
    re.IGNORECASE,
)

FORMAT_HELP = "Tulis seperti 2026-12-16 23:59 (WIB), atau dengan zona: 2026-12-16 23:59 +08:00 / WITA."


class BatchError(Exception):
    """A batch that cannot be created as asked; the message is for the staff member."""


def _zone(text):
    if not text:
        return WIB
    upper = text.upper()
    if upper in ZONES:
        return ZONES[upper]
    if upper == "Z":
        return dt_timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        raise BatchError(f"Zona waktu “{text}” tidak dikenal. {FORMAT_HELP}")
    return dt_timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_deadline(text):
    """An aware datetime; a date without a time means the end of that day (23:59)."""
    text = " ".join((text or "").split())
    match = _DEADLINE.match(text)
    if not match:
        raise BatchError(f"Tenggat “{text}” tidak dapat dibaca. {FORMAT_HELP}")
    clock = (match["time"] or "23:59").replace(".", ":")
    try:
        naive = datetime.strptime(f"{match['date']} {clock}", "%Y-%m-%d %H:%M")
    except ValueError:
        raise BatchError(f"Tanggal atau jam “{text}” tidak ada di kalender. {FORMAT_HELP}") from None
    return naive.replace(tzinfo=_zone(match["zone"]))


def create_batch(name, deadline, **details):
    """A new batch; `deadline` is an aware datetime or the text parse_deadline reads."""
    name = " ".join((name or "").split())
    if not name:
        raise BatchError("Nama angkatan tidak boleh kosong.")
    if isinstance(deadline, str):
        deadline = parse_deadline(deadline)
    if Batch.objects.filter(name__iexact=name).exists():
        raise BatchError(f"Angkatan “{name}” sudah ada. Pakai nama lain, atau impor ke angkatan itu dengan --batch.")
    try:
        with transaction.atomic():
            return Batch.objects.create(name=name, deadline=deadline, **details)
    except IntegrityError:
        raise BatchError(f"Angkatan “{name}” sudah ada.") from None


def batches_with_counts():
    return Batch.objects.annotate(participant_count=Count("participants")).order_by("-deadline", "name")


def format_deadline_wib(deadline):
    return f"{deadline.astimezone(WIB):%Y-%m-%d %H:%M} WIB"


class BatchNotFound(LookupError):
    pass


def find_batch(name):
    """The batch called `name`; BatchNotFound names the batches there are."""
    try:
        return Batch.objects.get(name=name)
    except Batch.DoesNotExist:
        known = ", ".join(f"“{n}”" for n in Batch.objects.values_list("name", flat=True)[:20]) or "(belum ada)"
        raise BatchNotFound(f"Angkatan “{name}” tidak ditemukan. Angkatan yang ada: {known}.") from None
