import pytest
from django.core.exceptions import ValidationError

from profiles.rules.choices import (
    AGAMA_CHOICES,
    JENIS_KELAMIN_CHOICES,
    normalize_agama,
    normalize_jenis_kelamin,
)


def code_of(func, raw):
    with pytest.raises(ValidationError) as caught:
        func(raw)
    return caught.value.code


def test_the_choices_use_the_value_as_label():
    assert JENIS_KELAMIN_CHOICES == (("Laki-laki", "Laki-laki"), ("Perempuan", "Perempuan"))
    assert [value for value, _ in AGAMA_CHOICES] == [
        "Islam", "Kristen", "Katolik", "Hindu", "Buddha", "Konghucu",
        "Kepercayaan terhadap Tuhan YME",
    ]
    assert all(value == label for value, label in AGAMA_CHOICES)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Laki-laki", "Laki-laki"),
        ("laki laki", "Laki-laki"),
        ("LAKI-LAKI", "Laki-laki"),
        (" Laki - Laki ", "Laki-laki"),
        ("Pria", "Laki-laki"),
        ("L", "Laki-laki"),
        ("l", "Laki-laki"),
        ("Lk", "Laki-laki"),
        ("Perempuan", "Perempuan"),
        ("PEREMPUAN", "Perempuan"),
        ("Wanita", "Perempuan"),
        ("P", "Perempuan"),
        ("Pr", "Perempuan"),
    ],
)
def test_it_reads_the_ways_jenis_kelamin_is_written(raw, expected):
    assert normalize_jenis_kelamin(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "X", "M", "F", "1", "Laki-laki dan Perempuan", "lelaki"])
def test_it_rejects_an_unknown_jenis_kelamin(raw):
    assert code_of(normalize_jenis_kelamin, raw) == "jenis_kelamin_invalid"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Islam", "Islam"),
        ("ISLAM", "Islam"),
        (" islam ", "Islam"),
        ("Kristen", "Kristen"),
        ("Kristen Protestan", "Kristen"),
        ("Protestan", "Kristen"),
        ("Katolik", "Katolik"),
        ("Kristen Katolik", "Katolik"),
        ("Katholik", "Katolik"),
        ("KATHOLIK", "Katolik"),
        ("Hindu", "Hindu"),
        ("Buddha", "Buddha"),
        ("Budha", "Buddha"),
        ("Konghucu", "Konghucu"),
        ("Khonghucu", "Konghucu"),
        ("Konghuchu", "Konghucu"),
        ("Kong Hu Cu", "Konghucu"),
        ("Kepercayaan", "Kepercayaan terhadap Tuhan YME"),
        ("Kepercayaan terhadap Tuhan YME", "Kepercayaan terhadap Tuhan YME"),
        ("Kepercayaan Terhadap Tuhan Yang Maha Esa", "Kepercayaan terhadap Tuhan YME"),
        ("Lainnya", "Kepercayaan terhadap Tuhan YME"),
    ],
)
def test_it_reads_the_ways_agama_is_written(raw, expected):
    assert normalize_agama(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "Atheis", "Yahudi", "Isl", "-"])
def test_it_rejects_an_unknown_agama(raw):
    assert code_of(normalize_agama, raw) == "agama_invalid"


def test_the_agama_message_lists_the_choices():
    with pytest.raises(ValidationError) as caught:
        normalize_agama("Atheis")
    assert "Islam" in caught.value.message and "Konghucu" in caught.value.message
