from datetime import date, datetime

import pytest

from profiles.rules.birth import (
    format_birth_date,
    format_birth_field,
    normalize_place,
    parse_birth_date,
    split_birth_field,
)
from profiles.rules.fields import BIRTH
from profiles.rules.record import clean_record
from tests.validation import code_of, error_of

TODAY = date(2026, 11, 29)


def read_birth_field(raw, *, today, lenient=False):
    """The `Tempat;Tanggal` input through the real path (clean_record, as the form and the
    roster call it); the NIP is left out so only the field's own rules apply."""
    result = clean_record("", {BIRTH: raw}, today=today, lenient=lenient)
    if BIRTH in result.errors:
        raise result.errors[BIRTH][0]
    return result.values["tempat_lahir"], result.values["tanggal_lahir"]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("29-2-2000", date(2000, 2, 29)),
        ("09-02-2000", date(2000, 2, 9)),
        ("9-2-2000", date(2000, 2, 9)),
        ("01-12-1990", date(1990, 12, 1)),
        ("  21-1-1993  ", date(1993, 1, 21)),
        ("\u00a021-1-1993\t", date(1993, 1, 21)),
        ("29-2-1996", date(1996, 2, 29)),
        ("31-12-1999", date(1999, 12, 31)),
    ],
)
def test_it_accepts_d_m_yyyy_with_or_without_leading_zeros(raw, expected):
    assert parse_birth_date(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "29/02/2000",
        "29.02.2000",
        "2000-02-29",
        "29-2-00",  # a 2-digit year is ambiguous
        "29-02-20000",
        "29 - 2 - 2000",
        "29 Februari 2000",
        "29-2",
        "tanggal",
        "29-2-2000-1",
        "٢٩-٢-٢٠٠٠",  # Arabic-Indic digits
    ],
)
def test_the_form_rejects_anything_but_d_m_yyyy(raw):
    assert code_of(parse_birth_date, raw, today=TODAY) == "birth_date_format"


def test_the_format_message_shows_the_expected_form():
    message = error_of(parse_birth_date, "29/02/2000", today=TODAY).message
    assert "29/02/2000" in message
    assert "Jayapura;29-2-2000" in message


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("29/02/2000", date(2000, 2, 29)),
        ("29.02.2000", date(2000, 2, 29)),
        ("9/2/2000", date(2000, 2, 9)),
        ("2000-02-29", date(2000, 2, 29)),
        ("2000-2-9", date(2000, 2, 9)),
        ("2000-02-29 00:00:00", date(2000, 2, 29)),
        ("29-2-2000", date(2000, 2, 29)),
        (date(2000, 2, 29), date(2000, 2, 29)),
        (datetime(2000, 2, 29, 0, 0), date(2000, 2, 29)),
    ],
)
def test_the_roster_import_also_accepts_slashes_dots_iso_and_date_cells(raw, expected):
    assert parse_birth_date(raw, today=TODAY, lenient=True) == expected


@pytest.mark.parametrize("raw", ["29/02-2000", "29-2-00", "02/29/2000", "2000/02/29", "36585"])
def test_the_roster_import_still_rejects_ambiguous_dates(raw):
    assert code_of(parse_birth_date, raw, today=TODAY, lenient=True) in (
        "birth_date_format",
        "birth_date_invalid",
    )


def test_a_us_style_date_is_not_a_real_date():
    assert code_of(parse_birth_date, "02/29/2000", today=TODAY, lenient=True) == "birth_date_invalid"


@pytest.mark.parametrize(
    "raw",
    ["29-2-2001", "29-2-1900", "30-2-2000", "31-4-2000", "31-6-1995", "0-1-2000", "32-1-2000",
     "1-13-2000", "1-0-2000", "00-00-0000", "1-1-0000"],
)
def test_it_rejects_a_date_that_does_not_exist(raw):
    assert code_of(parse_birth_date, raw, today=TODAY) == "birth_date_invalid"


def test_it_says_that_29_februari_2001_does_not_exist():
    message = error_of(parse_birth_date, "29-2-2001", today=TODAY).message
    assert "29 Februari 2001 tidak ada" in message


def test_it_says_that_31_april_does_not_exist():
    message = error_of(parse_birth_date, "31-4-2000", today=TODAY).message
    assert "31 April 2000 tidak ada" in message
    assert "30" in message


def test_it_accepts_29_february_in_leap_years_2000_and_1996():
    assert parse_birth_date("29-2-2000", today=TODAY) == date(2000, 2, 29)
    assert parse_birth_date("29-2-1996", today=TODAY) == date(1996, 2, 29)


def test_29_february_2024_is_real_but_too_young():
    assert code_of(parse_birth_date, "29-2-2024", today=TODAY) == "birth_age"


@pytest.mark.parametrize("raw", ["30-11-2026", "1-1-2027", "29-11-2126"])
def test_it_rejects_a_birth_date_in_the_future(raw):
    assert code_of(parse_birth_date, raw, today=TODAY) == "birth_date_future"


def test_a_date_object_in_the_future_is_rejected_too():
    assert code_of(parse_birth_date, date(2027, 1, 1), today=TODAY, lenient=True) == "birth_date_future"


@pytest.mark.parametrize(
    "raw, age", [("30-11-2008", 17), ("29-11-2020", 6), ("29-11-1965", 61), ("1-1-1900", 126)]
)
def test_it_rejects_an_age_outside_the_limits_and_names_it(raw, age):
    error = error_of(parse_birth_date, raw, today=TODAY)
    assert error.code == "birth_age"
    assert f"{age} tahun" in error.message


@pytest.mark.parametrize("raw", ["29-11-2008", "29-11-1966", "30-11-1965"])
def test_it_accepts_the_age_limits_themselves(raw):
    parse_birth_date(raw, today=TODAY)


def test_the_age_limits_come_in_as_arguments():
    assert parse_birth_date("1-1-1950", today=TODAY, max_age=80) == date(1950, 1, 1)
    assert code_of(parse_birth_date, "1-1-2000", today=TODAY, min_age=30) == "birth_age"


def test_a_birthday_on_29_february_counts_from_1_march_in_common_years():
    assert code_of(parse_birth_date, "29-2-2008", today=date(2026, 2, 28)) == "birth_age"
    assert parse_birth_date("29-2-2008", today=date(2026, 3, 1)) == date(2008, 2, 29)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("jayapura", "Jayapura"),
        ("KOTA  BANDUNG", "Kota Bandung"),
        ("  tanjung   pinang ", "Tanjung Pinang"),
        ("bau-bau", "Bau-Bau"),
        ("pangkal pinang (bangka)", "Pangkal Pinang (Bangka)"),
        ("kab. bandung", "Kab. Bandung"),
        ("tanjung karang/bandar lampung", "Tanjung Karang/Bandar Lampung"),
        ("ma'rang", "Ma'rang"),
        ("ma’rang", "Ma'rang"),
        ("são paulo", "São Paulo"),
        ("Jayapura", "Jayapura"),
    ],
)
def test_it_capitalizes_each_word_of_the_place(raw, expected):
    assert normalize_place(raw) == expected
    assert normalize_place(expected) == expected


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_it_requires_a_place(raw):
    assert code_of(normalize_place, raw) == "birth_place_required"


@pytest.mark.parametrize(
    "raw", ["Jakarta 2", "<b>Jayapura</b>", "Jayapura & Sentani", "Medan!", "...", "@medan", "Bandung_Barat"]
)
def test_it_rejects_a_place_with_digits_markup_or_symbols(raw):
    assert code_of(normalize_place, raw) == "birth_place_invalid"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Jayapura;29-2-2000", ("Jayapura", date(2000, 2, 29))),
        ("jayapura ; 21-01-1993", ("Jayapura", date(1993, 1, 21))),
        ("  KOTA BANDUNG;9-2-2000  ", ("Kota Bandung", date(2000, 2, 9))),
        ("Jayapura;\u00a029-2-2000", ("Jayapura", date(2000, 2, 29))),
    ],
)
def test_it_reads_the_tempat_tanggal_field(raw, expected):
    assert read_birth_field(raw, today=TODAY) == expected


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_it_requires_the_birth_field(raw):
    assert code_of(read_birth_field, raw, today=TODAY) == "required"


def test_the_split_requires_the_birth_field():
    assert code_of(split_birth_field, "  ") == "birth_required"


@pytest.mark.parametrize(
    "raw", ["Jayapura:29-2-2000", "Jayapura", "Jayapura-29-2-2000"]
)
def test_it_reminds_not_to_delete_the_semicolon(raw):
    error = error_of(read_birth_field, raw, today=TODAY)
    assert error.code == "birth_semicolon"
    assert "JANGAN MENGHAPUS tanda titik koma (;)" in error.message
    assert "Contoh: Jayapura;29-2-2000" in error.message


@pytest.mark.parametrize("raw", ["Jayapura;;29-2-2000", "Jayapura;29-2-2000;", "A;B;29-2-2000"])
def test_it_asks_for_exactly_one_semicolon(raw):
    error = error_of(read_birth_field, raw, today=TODAY)
    assert error.code == "birth_semicolon"
    assert "tepat satu" in error.message


def test_the_roster_import_accepts_one_comma_instead_of_the_semicolon():
    assert read_birth_field("Jayapura, 29-02-2000", today=TODAY, lenient=True) == (
        "Jayapura",
        date(2000, 2, 29),
    )


def test_the_roster_import_does_not_guess_with_two_commas():
    assert code_of(read_birth_field, "Kota, Bandung, 29-2-2000", today=TODAY, lenient=True) == (
        "birth_semicolon"
    )


def test_the_roster_import_accepts_a_lenient_date_in_the_field():
    assert read_birth_field("Jayapura;29/02/2000", today=TODAY, lenient=True)[1] == date(2000, 2, 29)


@pytest.mark.parametrize(
    "raw, code",
    [
        (";29-2-2000", "birth_place_required"),
        ("Jayapura;", "birth_date_format"),
        ("Jakarta 2;29-2-2000", "birth_place_invalid"),
        ("Jayapura;29/02/2000", "birth_date_format"),
        ("Jayapura;29-2-2001", "birth_date_invalid"),
        ("Jayapura;1-1-2027", "birth_date_future"),
        ("Jayapura;1-1-2015", "birth_age"),
    ],
)
def test_it_reports_the_half_of_the_field_that_is_wrong(raw, code):
    assert code_of(read_birth_field, raw, today=TODAY) == code


def test_a_missing_date_says_it_is_missing():
    assert "belum diisi" in error_of(read_birth_field, "Jayapura;", today=TODAY).message


def test_split_gives_both_halves_for_separate_checks():
    assert split_birth_field(" Jayapura ;  ") == ("Jayapura", "")


@pytest.mark.parametrize(
    "d, text", [(date(2000, 2, 29), "29-2-2000"), (date(1993, 1, 21), "21-1-1993"), (None, "")]
)
def test_it_formats_the_date_without_leading_zeros(d, text):
    assert format_birth_date(d) == text


@pytest.mark.parametrize(
    "tempat, tanggal, text",
    [
        ("Jayapura", date(2000, 2, 29), "Jayapura;29-2-2000"),
        ("", None, ""),
        (None, None, ""),
        ("Jayapura", None, "Jayapura;"),
        ("", date(2000, 2, 29), ";29-2-2000"),
    ],
)
def test_it_formats_the_field_keeping_the_semicolon(tempat, tanggal, text):
    assert format_birth_field(tempat, tanggal) == text


def test_the_formatted_field_reads_back_unchanged():
    text = format_birth_field("Kota Bandung", date(2000, 2, 9))
    assert format_birth_field(*read_birth_field(text, today=TODAY)) == text


@pytest.mark.parametrize("raw", ["Jayapura 21-1-1993", "Jayapura, 21-1-1993", "Jayapura ,21-01-1993"])
def test_the_form_accepts_a_comma_or_a_space_instead_of_the_semicolon(raw):
    assert read_birth_field(raw, today=TODAY) == ("Jayapura", date(1993, 1, 21))


def test_a_place_of_several_words_before_a_space_keeps_its_words():
    assert read_birth_field("kota bandung 5-6-1990", today=TODAY) == ("Kota Bandung", date(1990, 6, 5))


def test_a_digit_in_the_place_is_not_taken_for_the_date():
    assert code_of(read_birth_field, "Jakarta 2 21-1-1993", today=TODAY) == "birth_date_format"


@pytest.mark.parametrize("raw", ["21-1-1993", "21/01/1993", "21 Januari 1993"])
def test_a_date_without_a_place_is_told_the_place_is_missing(raw):
    error = error_of(read_birth_field, raw, today=TODAY)
    assert error.code == "birth_place_required"
    assert "Tempat lahir belum ada" in error.message


@pytest.mark.parametrize("raw, month", [
    ("Makassar, 21 Januari 1993", 1), ("Makassar;21 Jan 1993", 1), ("Makassar;21 Agustus 1993", 8),
    ("Makassar 21 Agt 1993", 8), ("Makassar;21-Des-1993", 12),
])
def test_a_month_in_words_is_read(raw, month):
    assert split_birth_field(raw) == ("Makassar", f"21-{month}-1993")


def test_an_unknown_word_for_a_month_is_still_refused():
    assert code_of(split_birth_field, "Makassar 21 Jannuary 1993") == "birth_semicolon"
