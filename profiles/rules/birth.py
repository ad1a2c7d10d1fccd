"""The guide's birth field: `Tempat;Tanggal`, e.g. `Jayapura;29-2-2000`."""

import calendar
import re
from datetime import date, datetime

from django.core.exceptions import ValidationError

from profiles.rules.deadlines import BULAN
from profiles.rules.text import collapse_spaces

EXAMPLE = "Contoh: Jayapura;29-2-2000"
# The guide's first rule, word for word.
SEMICOLON_REMINDER = (
    "JANGAN MENGHAPUS tanda titik koma (;) yang menghubungkan Tempat dan Tanggal Lahir. "
    f"{EXAMPLE}"
)

_STRICT = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$", re.ASCII)
# Roster exports also write 29/02/2000, 29.02.2000 and ISO 2000-02-29 (with a midnight time).
_LENIENT_DMY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$", re.ASCII)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$", re.ASCII)
_PLACE_PUNCTUATION = set(" .-'()/")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def format_birth_date(d):
    return f"{d.day}-{d.month}-{d.year}" if d else ""


def format_birth_field(tempat, tanggal):
    """`Jayapura;29-2-2000`; a missing half leaves the semicolon for the participant to fill."""
    tempat, tanggal = tempat or "", format_birth_date(tanggal)
    if not tempat and not tanggal:
        return ""
    return f"{tempat};{tanggal}"


def format_birth_line(tempat, tanggal):
    """`Jayapura, 29 Februari 2000`: the birth field as the certificate prints it."""
    date_text = f"{tanggal.day} {BULAN[tanggal.month - 1]} {tanggal.year}" if tanggal else ""
    return ", ".join(part for part in (tempat or "", date_text) if part)


def age_on(born, today):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _real_date(day, month, year):
    if not 1 <= month <= 12:
        raise ValidationError(
            f"Bulan {month} tidak ada: bulan ditulis dengan angka 1 sampai 12. {EXAMPLE}",
            code="birth_date_invalid",
        )
    if year < 1:
        raise ValidationError(f"Tahun 0 tidak ada. {EXAMPLE}", code="birth_date_invalid")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValidationError(
            f"Tanggal {day} {BULAN[month - 1]} {year} tidak ada: {BULAN[month - 1]} {year} "
            f"hanya sampai tanggal {last}. Periksa kembali tanggal lahir Anda. {EXAMPLE}",
            code="birth_date_invalid",
        )
    return date(year, month, day)


def _date_from_text(text, lenient):
    if match := _STRICT.match(text):
        day, month, year = map(int, match.groups())
    elif lenient and (match := _LENIENT_DMY.match(text)):
        day, _, month, year = match.groups()
        day, month, year = int(day), int(month), int(year)
    elif lenient and (match := _ISO.match(text)):
        year, month, day = map(int, match.groups())
    else:
        problem = f"“{text}” harus ditulis" if text else "belum diisi; tulis"
        raise ValidationError(
            f"Tanggal lahir {problem} Tanggal-Bulan-Tahun dengan tanda hubung (-) dan tahun "
            f"4 angka; 09-02-2000 juga boleh. {EXAMPLE}",
            code="birth_date_format",
        )
    return _real_date(day, month, year)


def parse_birth_date(raw, *, today, lenient=False, min_age=18, max_age=60):
    # A date object (an Excel cell, the admin's date field) carries no format to get wrong.
    if isinstance(raw, datetime):
        born = raw.date()
    elif isinstance(raw, date):
        born = raw
    else:
        born = _date_from_text(str(raw if raw is not None else "").strip(), lenient)
    if born > today:
        raise ValidationError(
            f"Tanggal lahir {format_birth_date(born)} belum terjadi. Periksa tahun lahir Anda. "
            f"{EXAMPLE}",
            code="birth_date_future",
        )
    age = age_on(born, today)
    if (min_age is not None and age < min_age) or (max_age is not None and age > max_age):
        raise ValidationError(
            f"Dengan tanggal lahir {format_birth_date(born)} usia Anda {age} tahun, padahal usia "
            f"peserta Latsar CPNS {min_age} sampai {max_age} tahun. Periksa tahun lahir Anda.",
            code="birth_age",
        )
    return born


def _capitalize(match):
    word = match.group(0)
    return word[:1].upper() + word[1:].lower()


def normalize_place(raw):
    """`KOTA  BANDUNG` → `Kota Bandung`, `bau-bau` → `Bau-Bau`."""
    text = collapse_spaces(raw).replace("’", "'")
    if not text:
        raise ValidationError(
            f"Tempat lahir wajib diisi, sebelum tanda titik koma. {EXAMPLE}",
            code="birth_place_required",
        )
    if not any(ch.isalpha() for ch in text) or not all(
        ch.isalpha() or ch in _PLACE_PUNCTUATION for ch in text
    ):
        raise ValidationError(
            f"Tempat lahir “{text}” hanya boleh berisi huruf, spasi, dan tanda . - ' ( ) /, "
            f"tanpa angka. Tulis nama kota atau kabupaten. {EXAMPLE}",
            code="birth_place_invalid",
        )
    return _WORD.sub(_capitalize, text)


# A place (no digits) then a date, with a comma or only a space where the semicolon goes:
# "Jayapura, 21-1-1993" or "Jayapura 21-1-1993" has one meaning, so it is not refused.
_PLACE_THEN_DATE = re.compile(r"^([^\d,;]*[^\d\s,;])\s*(?:,\s*|\s+)(\d[\d\-/.: T]*)$")


def _with_semicolon(text):
    if match := _PLACE_THEN_DATE.match(text):
        return f"{match.group(1)};{match.group(2)}"
    return text


# A month written in words ("21 Januari 1993", "21 Agt 1993") has one meaning: it is read.
MONTH_WORDS = {
    **{name.lower(): number for number, name in enumerate(BULAN, start=1)},
    **{name.lower()[:3]: number for number, name in enumerate(BULAN, start=1)},
    "agt": 8, "agus": 8, "sept": 9, "nop": 11, "pebruari": 2, "peb": 2,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10, "oct": 10, "december": 12, "dec": 12, "aug": 8,
}
_DATE_IN_WORDS = re.compile(r"(\d{1,2})\s*[-\s]\s*([^\W\d_]+)\.?\s*[-\s]\s*(\d{4})\s*$")
_DATE_ONLY = re.compile(r"^\d{1,4}[-/. ]\d{1,2}[-/. ]\d{1,4}$", re.ASCII)
PLACE_MISSING = (
    "Tempat lahir belum ada: tulis tempat lahir, tanda titik koma (;), lalu tanggal lahir. "
    f"{EXAMPLE}"
)


def _month_in_words(text):
    """`Makassar, 21 Januari 1993` → `Makassar, 21-1-1993`; anything else unchanged."""
    match = _DATE_IN_WORDS.search(text)
    if not match or match.group(2).lower() not in MONTH_WORDS:
        return text
    day, month, year = match.group(1), MONTH_WORDS[match.group(2).lower()], match.group(3)
    return f"{text[:match.start()]}{int(day)}-{month}-{year}"


def split_birth_field(raw, *, lenient=False):
    """`Tempat;Tanggal` → the two raw halves, stripped; the form's shape checks only."""
    text = collapse_spaces(raw)
    if not text:
        raise ValidationError(
            f"Tempat dan tanggal lahir wajib diisi. {EXAMPLE}", code="birth_required"
        )
    text = _month_in_words(text)
    if ";" not in text:
        text = _with_semicolon(text)
    if ";" not in text:
        if _DATE_ONLY.match(text):
            # A date alone: the place is what is missing, not the separator.
            raise ValidationError(PLACE_MISSING, code="birth_place_required")
        raise ValidationError(SEMICOLON_REMINDER, code="birth_semicolon")
    if text.count(";") > 1:
        # Same code as a missing semicolon: the field's shape is wrong either way.
        raise ValidationError(
            f"Gunakan tepat satu tanda titik koma (;), di antara Tempat dan Tanggal Lahir. "
            f"{SEMICOLON_REMINDER}",
            code="birth_semicolon",
        )
    place, tanggal = text.split(";")
    return place.strip(), tanggal.strip()
