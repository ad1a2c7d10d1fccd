"""Deadlines as participants in all three Indonesian time zones read them."""

from datetime import timedelta
from zoneinfo import ZoneInfo

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
INDONESIAN_ZONES = (
    ("WIB", ZoneInfo("Asia/Jakarta")),
    ("WITA", ZoneInfo("Asia/Makassar")),
    ("WIT", ZoneInfo("Asia/Jayapura")),
)


def format_in_zone(moment, zone):
    local = moment.astimezone(zone)
    return f"{local.day} {BULAN[local.month - 1]} {local.year} pukul {local:%H.%M}"


def describe_deadline(deadline):
    """`9 Juli 2021 pukul 23.59 WIB (00.59 WITA, 01.59 WIT)`."""
    (wib_name, wib), *others = INDONESIAN_ZONES
    rest = ", ".join(f"{deadline.astimezone(zone):%H.%M} {name}" for name, zone in others)
    return f"{format_in_zone(deadline, wib)} {wib_name} ({rest})"


def describe_time_left(deadline, now):
    """`2 hari 3 jam lagi`, `45 menit lagi`, or `sudah lewat`."""
    left = deadline - now
    if left <= timedelta(0):
        return "sudah lewat"
    days, seconds = left.days, left.seconds
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    parts = []
    if days:
        parts.append(f"{days} hari")
    if hours:
        parts.append(f"{hours} jam")
    if not days and minutes:
        parts.append(f"{minutes} menit")
    return (" ".join(parts) or "kurang dari 1 menit") + " lagi"


def describe_duration(duration):
    """`15 menit`, `1 jam 30 menit`, `2 hari`: a wait as the lockout page says it."""
    if isinstance(duration, (int, float)):
        duration = timedelta(seconds=duration)
    if duration is None or duration <= timedelta(0):
        return ""
    # Round up: "wait 15 minutes" must not let someone try again after 14.
    minutes_total = -(-int(duration.total_seconds()) // 60)
    days, rest = divmod(minutes_total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "hari"), (hours, "jam"), (minutes, "menit")) if n]
    return " ".join(parts)
