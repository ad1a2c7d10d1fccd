"""Golongan and pangkat of PNS (DOMAIN.md table)."""

import re

from django.core.exceptions import ValidationError

GOLONGAN_PANGKAT = (
    ("I/a", "Juru Muda"),
    ("I/b", "Juru Muda Tingkat I"),
    ("I/c", "Juru"),
    ("I/d", "Juru Tingkat I"),
    ("II/a", "Pengatur Muda"),
    ("II/b", "Pengatur Muda Tingkat I"),
    ("II/c", "Pengatur"),
    ("II/d", "Pengatur Tingkat I"),
    ("III/a", "Penata Muda"),
    ("III/b", "Penata Muda Tingkat I"),
    ("III/c", "Penata"),
    ("III/d", "Penata Tingkat I"),
    ("IV/a", "Pembina"),
    ("IV/b", "Pembina Tingkat I"),
    ("IV/c", "Pembina Utama Muda"),
    ("IV/d", "Pembina Utama Madya"),
    ("IV/e", "Pembina Utama"),
)
GOLONGAN_CHOICES = tuple((g, g) for g, _ in GOLONGAN_PANGKAT)
PANGKAT_CHOICES = tuple((p, p) for _, p in GOLONGAN_PANGKAT)
_PANGKAT_BY_GOLONGAN = dict(GOLONGAN_PANGKAT)
_PANGKAT_BY_KEY = {p.lower(): p for _, p in GOLONGAN_PANGKAT}

ROMAN = {"i": "I", "ii": "II", "iii": "III", "iv": "IV", "1": "I", "2": "II", "3": "III", "4": "IV"}
_GOLONGAN_RE = re.compile(r"^(?:gol(?:ongan)?\.?\s*)?(iv|iii|ii|i|[1-4])\s*[/\-.]?\s*([a-e])$")
# SIASN reference codes: I/a = 11 ... IV/e = 45.
_SIASN_RE = re.compile(r"^([1-4])([1-5])$")
# "Tk. I", "Tk.I", "TK I", "Tkt. I", "Tingkat 1" all mean "Tingkat I".
_TINGKAT_RE = re.compile(r"\b(?:tkt?|tingkat)\s*\.?\s*(?:i|1)$")

GOLONGAN_EXAMPLE = (
    "Tulis seperti III/a: golongan I sampai III memakai huruf a–d, golongan IV huruf a–e."
)


def _as_text(raw):
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a SIASN code read from a spreadsheet cell as 31.0
    return " ".join(str(raw if raw is not None else "").split()).lower()


def normalize_golongan(raw):
    text = _as_text(raw)
    golongan = None
    if match := _GOLONGAN_RE.match(text):
        golongan = f"{ROMAN[match.group(1)]}/{match.group(2)}"
    elif match := _SIASN_RE.match(text):
        golongan = f"{ROMAN[match.group(1)]}/{'abcde'[int(match.group(2)) - 1]}"
    if golongan not in _PANGKAT_BY_GOLONGAN:  # also I/e, II/e and III/e, which do not exist
        raise ValidationError(
            f"Golongan “{' '.join(str(raw).split())}” tidak dikenal. {GOLONGAN_EXAMPLE}",
            code="golongan_invalid",
        )
    return golongan


def normalize_pangkat(raw):
    text = _TINGKAT_RE.sub("tingkat i", _as_text(raw))
    if text not in _PANGKAT_BY_KEY:
        raise ValidationError(
            f"Pangkat “{' '.join(str(raw).split())}” tidak dikenal. Tulis nama pangkat lengkap, "
            "contoh: Penata Muda, Penata Muda Tingkat I, Pengatur.",
            code="pangkat_invalid",
        )
    return _PANGKAT_BY_KEY[text]


def pangkat_for_golongan(golongan):
    return _PANGKAT_BY_GOLONGAN[normalize_golongan(golongan)]


def check_pangkat_matches_golongan(pangkat, golongan):
    try:
        golongan, pangkat = normalize_golongan(golongan), normalize_pangkat(pangkat)
    except ValidationError:
        return  # an unreadable golongan or pangkat is reported by its own rule
    expected = _PANGKAT_BY_GOLONGAN[golongan]
    if pangkat != expected:
        raise ValidationError(
            f"Golongan {golongan} berpangkat {expected}, bukan {pangkat}. "
            "Periksa golongan dan pangkat Anda sesuai SK, lalu perbaiki salah satunya.",
            code="pangkat_mismatch",
        )
