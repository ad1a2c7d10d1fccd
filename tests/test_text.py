import pytest
from django.core.exceptions import ValidationError

from profiles.rules.text import normalize_text


def error_of(raw, max_length=200):
    with pytest.raises(ValidationError) as caught:
        normalize_text(raw, max_length=max_length)
    return caught.value


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Analis Keuangan", "Analis Keuangan"),
        ("  Analis   Keuangan  ", "Analis Keuangan"),
        ("Jl. Lapangan Banteng\nTimur No. 2-4,\r\nJakarta Pusat", "Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat"),
        ("Kementerian\tKeuangan", "Kementerian Keuangan"),
        ("Kementerian\u00a0Keuangan", "Kementerian Keuangan"),
        ("PPATK", "PPATK"),
        ("pranata komputer ahli pertama", "pranata komputer ahli pertama"),
        ("PT A & B (Persero); Lt. 3 #12", "PT A & B (Persero); Lt. 3 #12"),
        ("Kemen\u200bkeu", "Kemenkeu"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_keeps_one_line_and_the_case_as_typed(raw, expected):
    assert normalize_text(raw, max_length=200) == expected
    assert normalize_text(expected, max_length=200) == expected


@pytest.mark.parametrize(
    "raw",
    ["<b>Analis</b>", "Analis >", "a < b", "&lt;script&gt;", "Analis &#60;", "Analis &amp; Ahli",
     "Analis\x00", "Analis\x07", "Analis\u202eKeuangan", "Analis\x1b[31m"],
)
def test_it_rejects_markup_and_control_characters(raw):
    assert error_of(raw).code == "text_markup"


def test_it_rejects_text_that_is_too_long_and_says_the_limit():
    error = error_of("a" * 201, max_length=200)
    assert error.code == "text_too_long"
    assert "201" in error.message and "200" in error.message


def test_it_measures_the_length_after_collapsing_spaces():
    assert normalize_text("a" + " " * 50 + "b", max_length=3) == "a b"


@pytest.mark.parametrize("raw", ["Analis 😀", "Analis 👩‍💻", "Jl. Merdeka ❤️", "Analis ⭐", "Analis ✅", "1️⃣ Analis"])
def test_it_rejects_emoji(raw):
    assert error_of(raw).code == "text_emoji"


def test_it_rejects_the_replacement_character_left_by_a_wrong_encoding():
    error = error_of("Jl. Sudirman No. 5 \ufffd Jakarta")
    assert error.code == "text_replacement_character"
    assert "Ketik ulang" in error.message


@pytest.mark.parametrize("raw", ["Jl. Jend. Sudirman Kav. 52–53", "Kantor Pusat (Gedung A) – Lantai 3", "Jalan Café № 5"])
def test_it_keeps_ordinary_punctuation_and_letters(raw):
    assert normalize_text(raw, max_length=200) == raw
