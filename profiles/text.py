"""Free single-line text: jabatan, asal instansi, alamat instansi."""

import re
import unicodedata

from django.core.exceptions import ValidationError

_MARKUP = re.compile(r"[<>]|&[#a-z0-9]+;", re.IGNORECASE)


def collapse_spaces(raw):
    return re.sub(r"\s+", " ", str(raw or "")).strip()


def has_control_characters(text):
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def normalize_text(raw, *, max_length):
    text = collapse_spaces(raw)
    if _MARKUP.search(text) or has_control_characters(text):
        raise ValidationError(
            "Teks tidak boleh berisi tanda < >, kode HTML, atau karakter kontrol.",
            code="text_markup",
        )
    if len(text) > max_length:
        raise ValidationError(
            f"Teks terlalu panjang ({len(text)} karakter); paling banyak {max_length} karakter.",
            code="text_too_long",
        )
    return text
