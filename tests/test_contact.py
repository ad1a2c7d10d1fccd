import pytest

from profiles.rules.contact import (
    DEFAULT_OFFICIAL_EMAIL_SUFFIXES,
    format_no_telp,
    normalize_email,
    normalize_no_telp,
)


from tests.validation import code_of, error_of

def test_the_default_suffixes_are_government_universities_and_military():
    assert DEFAULT_OFFICIAL_EMAIL_SUFFIXES == (".go.id", ".ac.id", ".mil.id")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("siti@kemenkeu.go.id", "siti@kemenkeu.go.id"),
        ("  Siti.Rahmawati@Kemenkeu.GO.ID ", "siti.rahmawati@kemenkeu.go.id"),
        ("x@mail.go.id", "x@mail.go.id"),
        ("x@pnsmail.go.id", "x@pnsmail.go.id"),
        ("x@djp.kemenkeu.go.id", "x@djp.kemenkeu.go.id"),
        ("dosen@ui.ac.id", "dosen@ui.ac.id"),
        ("x@tni.mil.id", "x@tni.mil.id"),
        ("siti+latsar@lan.go.id", "siti+latsar@lan.go.id"),
    ],
)
def test_it_accepts_an_official_address_in_lower_case(raw, expected):
    assert normalize_email(raw) == expected
    assert normalize_email(expected) == expected


@pytest.mark.parametrize(
    "raw",
    ["", None, "siti", "siti@", "@kemenkeu.go.id", "siti@@kemenkeu.go.id", "siti rahma@kemenkeu.go.id",
     "siti@kemenkeu", "siti@kemenkeu.go.id.", "siti@kemenkeu..go.id", "<siti@kemenkeu.go.id>",
     "siti@kemenkeu.go.id, budi@kemenkeu.go.id"],
)
def test_it_rejects_an_address_that_is_not_valid(raw):
    assert code_of(normalize_email, raw) == "email_invalid"


@pytest.mark.parametrize(
    "raw", ["siti@gmail.com", "x@evilgo.id", "x@go.id", "x@kemenkeu.go.id.evil.com", "x@yahoo.co.id",
            "x@mail.go.idx", "x@ac.id"]
)
def test_it_rejects_an_address_outside_the_official_domains(raw):
    assert code_of(normalize_email, raw) == "email_not_official"


def test_the_not_official_message_lists_the_suffixes_and_an_example():
    message = error_of(normalize_email, "siti@gmail.com").message
    assert ".go.id" in message and ".ac.id" in message
    assert "nama@kemenkeu.go.id" in message


def test_the_suffixes_come_in_as_an_argument():
    assert normalize_email("x@lan.go.id", allowed_suffixes=("go.id",)) == "x@lan.go.id"
    assert code_of(normalize_email, "x@ui.ac.id", allowed_suffixes=(".go.id",)) == "email_not_official"
    assert normalize_email("x@uni.edu", allowed_suffixes=(".EDU",)) == "x@uni.edu"


@pytest.mark.parametrize(
    "raw",
    [
        "0812-3456-7890",
        "0812 3456 7890",
        "081234567890",
        "+62 812 3456 7890",
        "+62 812-3456-7890",
        "+6281234567890",
        "62812 3456 7890",
        "6281234567890",
        "(0812) 3456 7890",
        "0812.3456.7890",
        "+62 (0) 812 3456 7890",
        "\u00a00812\u00a03456\u00a07890 ",
        81234567890,  # a spreadsheet cell that lost its leading zero
    ],
)
def test_it_accepts_the_ways_a_mobile_number_is_written(raw):
    assert normalize_no_telp(raw) == "+6281234567890"


@pytest.mark.parametrize(
    "raw, e164",
    [
        ("0811-234-567", "+62811234567"),
        ("0856 1234 5678", "+6285612345678"),
        ("0878 1234 5678", "+6287812345678"),
        ("0895 1234 5678", "+6289512345678"),
        ("0881 2345 6789", "+6288123456789"),
        ("0831 2345 678", "+628312345678"),
    ],
)
def test_it_accepts_the_mobile_prefixes_of_all_operators(raw, e164):
    assert normalize_no_telp(raw) == e164


@pytest.mark.parametrize(
    "raw",
    ["", None, "abc", "0812", "0812345", "08123456789012345", "0812-CALL-ME", "0812 3456 7890 ext 2",
     "081234567890; 081111111111", "+62", "0899"],
)
def test_it_rejects_a_number_that_cannot_be_read(raw):
    assert code_of(normalize_no_telp, raw) == "phone_invalid"


@pytest.mark.parametrize("raw", ["+1 650 253 0000", "+60 12 345 6789", "+65 8123 4567"])
def test_it_rejects_a_foreign_number(raw):
    assert code_of(normalize_no_telp, raw) == "phone_not_indonesian"


@pytest.mark.parametrize("raw", ["021-5551234", "(021) 5551234", "+62 21 5551234", "0361 123456", "0800 1234567"])
def test_it_rejects_a_landline_or_service_number(raw):
    assert code_of(normalize_no_telp, raw) == "phone_not_mobile"


def test_the_landline_message_asks_for_a_mobile_number():
    assert "08" in error_of(normalize_no_telp, "021-5551234").message


@pytest.mark.parametrize(
    "e164, shown",
    [("+6281234567890", "0812-3456-7890"), ("+62811234567", "0811-234-567"), ("", ""),
     ("tidak terbaca", "tidak terbaca")],
)
def test_it_shows_a_stored_number_in_national_form(e164, shown):
    assert format_no_telp(e164) == shown


def test_the_displayed_number_reads_back_to_the_stored_one():
    assert normalize_no_telp(format_no_telp("+6281234567890")) == "+6281234567890"


def _numbers(count, seed):
    """Indonesian-looking numbers of every length the fast paths accept, 8 then 7–12 digits."""
    import random
    rng = random.Random(seed)
    return ["8" + "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 12))) for _ in range(count)]


def test_the_fast_reading_of_a_plain_number_agrees_with_phonenumbers():
    import phonenumbers
    from profiles.rules.contact import _MOBILE_TYPES, _plain_mobile

    for national in _numbers(3000, seed=19):
        for text in (f"0{national}", f"+62 {national[:3]}-{national[3:]}"):
            number = phonenumbers.parse(text, "ID")
            mobile = phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in _MOBILE_TYPES
            expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if mobile else None
            assert _plain_mobile(text) == expected, text


def test_the_fast_display_of_a_stored_number_agrees_with_phonenumbers():
    import phonenumbers

    for national in _numbers(3000, seed=20):
        number = phonenumbers.parse(f"+62{national}", "ID")
        expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        assert format_no_telp(f"+62{national}") == expected, national
