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


_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def has_control_characters(text):
    if text.isascii():  # the common case, checked without a loop in Python
        return _ASCII_CONTROL.search(text) is not None
    # Cc: control codes; Cf: format characters such as the right-to-left override.
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def has_emoji(text):
    # Emoji and pictographs (So in the emoji blocks), their variation selector and keycap
    # mark: a certificate font has none of them, and they print as empty boxes.
    if text.isascii():
        return False
    return any(
        0x1F000 <= ord(ch) <= 0x1FAFF or 0x2600 <= ord(ch) <= 0x27BF or 0x2B00 <= ord(ch) <= 0x2BFF
        or 0x2300 <= ord(ch) <= 0x23FF or ch in "\ufe0f\u20e3"
        for ch in text
    )


def normalize_text(raw, *, max_length):
    text = unicodedata.normalize("NFC", str(raw if raw is not None else ""))
    text = collapse_spaces(text.translate(_INVISIBLE))
    if "\ufffd" in text:
        raise ValidationError(
            "Teks berisi karakter rusak (�), biasanya karena disalin dari file dengan pengodean lain. "
            "Ketik ulang bagian itu dengan huruf biasa.",
            code="text_replacement_character",
        )
    if has_emoji(text):
        raise ValidationError(
            "Teks tidak boleh berisi emoji atau simbol gambar; sertifikat hanya mencetak huruf, angka "
            "dan tanda baca. Hapus emoji-nya.",
            code="text_emoji",
        )
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
