import pytest
from django.core.exceptions import ValidationError

from profiles.rules.ranks import (
    GOLONGAN_CHOICES,
    GOLONGAN_PANGKAT,
    PANGKAT_CHOICES,
    check_pangkat_matches_golongan,
    normalize_golongan,
    normalize_pangkat,
    pangkat_for_golongan,
)


def error_of(func, *args):
    with pytest.raises(ValidationError) as caught:
        func(*args)
    return caught.value


def test_the_table_runs_from_i_a_to_iv_e_in_order():
    golongan = [g for g, _ in GOLONGAN_PANGKAT]
    assert golongan[0] == "I/a" and golongan[-1] == "IV/e"
    assert len(golongan) == 17
    assert ("III/a", "Penata Muda") in GOLONGAN_PANGKAT
    assert ("IV/d", "Pembina Utama Madya") in GOLONGAN_PANGKAT


def test_the_choices_use_the_value_as_label():
    assert all(value == label for value, label in GOLONGAN_CHOICES + PANGKAT_CHOICES)
    assert len(set(PANGKAT_CHOICES)) == 17


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("III/a", "III/a"),
        ("III/A", "III/a"),
        ("iii/a", "III/a"),
        ("III a", "III/a"),
        ("III-a", "III/a"),
        ("III.a", "III/a"),
        (" III / a ", "III/a"),
        ("3a", "III/a"),
        ("3/a", "III/a"),
        ("3 A", "III/a"),
        ("31", "III/a"),
        (31, "III/a"),
        (31.0, "III/a"),
        ("Gol. III/b", "III/b"),
        ("golongan II/c", "II/c"),
        ("I/a", "I/a"),
        ("11", "I/a"),
        ("ii/d", "II/d"),
        ("IV/e", "IV/e"),
        ("45", "IV/e"),
        ("4e", "IV/e"),
    ],
)
def test_it_reads_the_ways_golongan_is_written(raw, expected):
    assert normalize_golongan(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", None, "III", "III/f", "I/e", "II/e", "III/e", "V/a", "IIII/a", "0/a", "15", "35", "46",
     "51", "10", "III/ab", "Penata Muda", "3.5"],
)
def test_it_rejects_a_golongan_that_does_not_exist(raw):
    assert error_of(normalize_golongan, raw).code == "golongan_invalid"


def test_the_golongan_message_shows_an_example():
    assert "III/a" in error_of(normalize_golongan, "III/e").message


@pytest.mark.parametrize("golongan, pangkat", GOLONGAN_PANGKAT)
def test_canonical_values_come_back_unchanged(golongan, pangkat):
    assert normalize_golongan(golongan) == golongan
    assert normalize_pangkat(pangkat) == pangkat
    assert pangkat_for_golongan(golongan) == pangkat


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("penata muda", "Penata Muda"),
        ("PENATA MUDA", "Penata Muda"),
        ("  Penata   Muda ", "Penata Muda"),
        ("Penata Muda Tk. I", "Penata Muda Tingkat I"),
        ("Penata Muda Tk.I", "Penata Muda Tingkat I"),
        ("PENATA MUDA TK I", "Penata Muda Tingkat I"),
        ("penata muda tkt. i", "Penata Muda Tingkat I"),
        ("Penata Muda Tingkat 1", "Penata Muda Tingkat I"),
        ("Juru Tk. I", "Juru Tingkat I"),
        ("pembina utama muda", "Pembina Utama Muda"),
    ],
)
def test_it_reads_the_ways_pangkat_is_written(raw, expected):
    assert normalize_pangkat(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "Penata Mudaa", "Penata Muda Tingkat II", "III/a", "Kopral"])
def test_it_rejects_an_unknown_pangkat(raw):
    assert error_of(normalize_pangkat, raw).code == "pangkat_invalid"


def test_it_fills_the_pangkat_from_any_spelling_of_the_golongan():
    assert pangkat_for_golongan("3b") == "Penata Muda Tingkat I"


def test_it_accepts_a_pangkat_that_matches_the_golongan():
    check_pangkat_matches_golongan("Penata Muda", "III/a")
    check_pangkat_matches_golongan("penata muda tk. i", "III/B")


def test_it_rejects_a_pangkat_that_does_not_match_the_golongan():
    error = error_of(check_pangkat_matches_golongan, "Penata", "III/a")
    assert error.code == "pangkat_mismatch"
    assert "Golongan III/a berpangkat Penata Muda, bukan Penata" in error.message


def test_the_match_check_leaves_unknown_values_to_their_own_rules():
    check_pangkat_matches_golongan("Kopral", "III/a")
    check_pangkat_matches_golongan("Penata", "III/z")
