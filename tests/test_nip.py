from datetime import date

import pytest

from profiles.rules.nip import (
    NipInfo,
    check_birth_date_matches_nip,
    check_gender_matches_nip,
    normalize_nip,
    parse_nip,
)
from tests.validation import code_of, error_of

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    "raw, compact",
    [
        ("19930121 202012 1 001", "199301212020121001"),
        ("  199301212020121001  ", "199301212020121001"),
        ("19930121\t202012\t1\t001", "199301212020121001"),
        ("19930121\u00a0202012\u00a01\u00a0001", "199301212020121001"),
        ("19930121\n202012 1 001", "199301212020121001"),
        ("1993-0121", "1993-0121"),
        (None, ""),
    ],
)
def test_it_removes_only_whitespace(raw, compact):
    assert normalize_nip(raw) == compact


@pytest.mark.parametrize("nip", ["200012312024121001", "199301212020121001", "199301212020122004"])
def test_it_accepts_the_public_valid_vectors(nip):
    assert parse_nip(nip, today=TODAY).nip == nip


@pytest.mark.parametrize(
    "nip, code",
    [
        ("200013312024121001", "nip_birth_date"),  # month 13
        ("199301332020121001", "nip_birth_date"),  # day 33
        ("199301222020131001", "nip_tmt"),  # TMT month 13
        ("200012312024123001", "nip_gender"),  # gender digit 3
        ("199301212020123001", "nip_gender"),
    ],
)
def test_it_rejects_the_public_invalid_vectors(nip, code):
    assert code_of(parse_nip, nip, today=TODAY) == code


def test_it_splits_a_nip_into_its_parts():
    assert parse_nip("19930121 202012 2 004", today=TODAY) == NipInfo(
        nip="199301212020122004",
        birth_date=date(1993, 1, 21),
        tmt=date(2020, 12, 1),
        jenis_kelamin="Perempuan",
        serial=4,
    )


def test_it_reads_gender_digit_one_as_laki_laki():
    assert parse_nip("199301212020121001", today=TODAY).jenis_kelamin == "Laki-laki"


def test_it_accepts_a_nip_with_nbsp_and_tabs():
    assert parse_nip("19930121\u00a0202012\t1 001", today=TODAY).serial == 1


def test_it_accepts_a_nip_read_from_a_spreadsheet_as_a_number():
    assert parse_nip(199301212020121001, today=TODAY).nip == "199301212020121001"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "1993012120201210",  # 16 digits
        "1993012120201210011",  # 19 digits
        "19930121202012100a",
        "1993-01-21 2020-12 1 001",
        "19930121.202012.1.001",
        "١٩٩٣٠١٢١٢٠٢٠١٢١٠٠١",  # Arabic-Indic digits
        "１９９３０１２１２０２０１２１００１",  # full-width digits
    ],
)
def test_it_rejects_anything_but_18_digits(raw):
    assert code_of(parse_nip, raw, today=TODAY) == "nip_format"


def test_it_says_how_many_digits_were_typed():
    assert "16 angka" in error_of(parse_nip, "1993012120201210", today=TODAY).message


@pytest.mark.parametrize(
    "nip",
    [
        "199302302020121001",  # 30 February
        "199302292020121001",  # 29 February in a common year
        "190002292020121001",  # 1900 was not a leap year
        "199304312020121001",  # 31 April
        "199300102020121001",  # month 00
        "199301002020121001",  # day 00
        "000001012020121001",  # year 0
    ],
)
def test_it_rejects_a_birth_date_that_does_not_exist(nip):
    assert code_of(parse_nip, nip, today=TODAY) == "nip_birth_date"


@pytest.mark.parametrize("nip", ["200002292020121001", "199602292020121001"])
def test_it_accepts_29_february_in_a_leap_year(nip):
    assert parse_nip(nip, today=TODAY).birth_date.day == 29


def test_it_names_a_pppk_number():
    error = error_of(parse_nip, "199301212021211001", today=TODAY)
    assert error.code == "nip_pppk"
    assert "PPPK" in error.message and "NIP CPNS" in error.message


@pytest.mark.parametrize("nip", ["199301212020001001", "199301212020131001", "199301212020991001"])
def test_it_rejects_a_tmt_month_that_does_not_exist(nip):
    assert code_of(parse_nip, nip, today=TODAY) == "nip_tmt"


def test_it_rejects_a_tmt_before_the_18th_birthday():
    error = error_of(parse_nip, "200501152022121001", today=TODAY)
    assert error.code == "nip_tmt"
    assert "18 tahun" in error.message


def test_it_accepts_a_tmt_in_the_month_of_the_18th_birthday():
    assert parse_nip("200501152023011001", today=TODAY).tmt == date(2023, 1, 1)


def test_it_rejects_a_tmt_in_the_future():
    assert code_of(parse_nip, "199301212026121001", today=TODAY) == "nip_tmt"
    assert code_of(parse_nip, "199301212027011001", today=TODAY) == "nip_tmt"


def test_it_accepts_a_tmt_in_the_current_month():
    assert parse_nip("199301212026111001", today=TODAY).tmt == date(2026, 11, 1)


def test_the_same_nip_is_in_the_future_until_its_tmt_month():
    assert code_of(parse_nip, "199301212026121001", today=date(2026, 11, 30)) == "nip_tmt"
    assert parse_nip("199301212026121001", today=date(2026, 12, 1)).tmt == date(2026, 12, 1)


@pytest.mark.parametrize("digit", ["0", "3", "9"])
def test_it_rejects_a_gender_digit_other_than_1_or_2(digit):
    error = error_of(parse_nip, f"19930121202012{digit}001", today=TODAY)
    assert error.code == "nip_gender"
    assert f"bukan {digit}" in error.message


def test_it_rejects_serial_000():
    assert code_of(parse_nip, "199301212020121000", today=TODAY) == "nip_serial"


@pytest.mark.parametrize("serial", ["001", "010", "999"])
def test_it_accepts_serials_001_to_999(serial):
    assert parse_nip(f"199301212020121{serial}", today=TODAY).serial == int(serial)


def test_it_accepts_a_birth_date_that_matches_the_nip():
    check_birth_date_matches_nip("19930121 202012 1 001", date(1993, 1, 21))


def test_it_rejects_a_birth_date_that_differs_from_the_nip():
    error = error_of(check_birth_date_matches_nip, "199301212020121001", date(1993, 1, 22))
    assert error.code == "nip_birth_mismatch"
    assert "22-1-1993" in error.message
    assert "21-1-1993" in error.message


@pytest.mark.parametrize("nip", ["", "12345", "199301332020121001", "not a nip"])
def test_the_birth_check_leaves_an_unreadable_nip_to_its_own_rule(nip):
    check_birth_date_matches_nip(nip, date(1993, 1, 22))


def test_the_birth_check_ignores_a_missing_birth_date():
    check_birth_date_matches_nip("199301212020121001", None)


@pytest.mark.parametrize(
    "nip, jenis_kelamin",
    [
        ("199301212020121001", "Laki-laki"),
        ("199301212020122004", "Perempuan"),
        ("199301212020122004", "perempuan"),
    ],
)
def test_it_accepts_a_gender_that_matches_the_nip(nip, jenis_kelamin):
    check_gender_matches_nip(nip, jenis_kelamin)


@pytest.mark.parametrize(
    "nip, jenis_kelamin",
    [("199301212020121001", "Perempuan"), ("199301212020122004", "Laki-laki")],
)
def test_it_rejects_a_gender_that_differs_from_the_nip(nip, jenis_kelamin):
    error = error_of(check_gender_matches_nip, nip, jenis_kelamin)
    assert error.code == "nip_gender_mismatch"
    assert jenis_kelamin in error.message


@pytest.mark.parametrize(
    "nip, jenis_kelamin",
    [("12345", "Perempuan"), ("199301212020123001", "Perempuan"), ("199301212020121001", "?")],
)
def test_the_gender_check_leaves_unreadable_values_to_their_own_rules(nip, jenis_kelamin):
    check_gender_matches_nip(nip, jenis_kelamin)
