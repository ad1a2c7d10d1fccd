"""Free single-line text: jabatan, asal instansi, alamat instansi."""

import re
import unicodedata

from django.core.exceptions import ValidationError

_MARKUP = re.compile(r"[<>]|&#?[a-z0-9]+;", re.IGNORECASE)
# Invisible characters that copy-paste from PDFs and chat apps leaves behind.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\ufeff\u00ad"))


def collapse_spaces(raw):
    """One line, single spaces: str.split() also splits on tabs, newlines and NBSP."""
    return " ".join(str(raw if raw is not None else "").split())


def has_control_characters(text):
    # Cc: control codes; Cf: format characters such as the right-to-left override.
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def normalize_text(raw, *, max_length):
    text = unicodedata.normalize("NFC", str(raw if raw is not None else ""))
    text = collapse_spaces(text.translate(_INVISIBLE))
    if _MARKUP.search(text) or has_control_characters(text):
        raise ValidationError(
            "Teks tidak boleh berisi tanda < >, kode HTML (seperti &lt;), atau karakter kontrol. "
            "Tulis teks biasa, contoh: Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat.",
            code="text_markup",
        )
    if len(text) > max_length:
        raise ValidationError(
            f"Teks terlalu panjang: {len(text)} karakter, paling banyak {max_length} karakter. "
            "Singkat teksnya.",
            code="text_too_long",
        )
    return text
