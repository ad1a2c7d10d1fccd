from datetime import date

import pytest

from profiles.rules.fields import BY_NAME, EDITABLE_NAMES as EDITABLE_FIELDS, LABELS as FIELD_LABELS
from profiles.rules.record import RecordResult, clean_record

TODAY = date(2026, 11, 29)
NIP = "199301212020122004"  # born 21-1-1993, perempuan

GOOD = {
    "nama": "siti rahmawati, SE",
    "tempat_tanggal_lahir": "jayapura ; 21-01-1993",
    "jenis_kelamin": "Perempuan",
    "agama": "Islam",
    "jabatan": "Analis Keuangan Ahli Pertama",
    "pangkat": "Penata Muda",
    "golongan": "III/a",
    "email": "Siti.Rahmawati@Kemenkeu.go.id",
    "asal_instansi": "Kementerian Keuangan",
    "alamat_instansi": "Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat",
    "no_telp": "0812 1111 2222",
}

CLEAN = {
    "nama": "Siti Rahmawati, S.E.",
    "tempat_lahir": "Jayapura",
    "tanggal_lahir": date(1993, 1, 21),
    "jenis_kelamin": "Perempuan",
    "agama": "Islam",
    "jabatan": "Analis Keuangan Ahli Pertama",
    "pangkat": "Penata Muda",
    "golongan": "III/a",
    "email": "siti.rahmawati@kemenkeu.go.id",
    "asal_instansi": "Kementerian Keuangan",
    "alamat_instansi": "Jl. Lapangan Banteng Timur No. 2-4, Jakarta Pusat",
    "no_telp": "+6281211112222",
}


def clean(nip=NIP, **changes):
    return clean_record(nip, {**GOOD, **changes}, today=TODAY)


def codes(result):
    return {name: [error.code for error in errors] for name, errors in result.errors.items()}


def test_the_editable_fields_are_the_guides_fields_without_the_nip():
    assert len(EDITABLE_FIELDS) == 11
    assert "nip" not in EDITABLE_FIELDS
    assert set(FIELD_LABELS) == {"nip", *EDITABLE_FIELDS}
    assert FIELD_LABELS["tempat_tanggal_lahir"] == "Tempat;Tanggal Lahir"
    assert FIELD_LABELS["no_telp"] == "No. Telp"
    assert BY_NAME["nama"].max_length == 150 and BY_NAME["email"].max_length == 254


def test_it_returns_canonical_values_under_model_field_names():
    result = clean()
    assert result.ok
    assert result.errors == {}
    assert result.values == CLEAN


def test_a_cleaned_record_cleans_to_itself():
    canonical = {**CLEAN, "tempat_tanggal_lahir": "Jayapura;21-1-1993", "no_telp": "0812-1111-2222"}
    del canonical["tempat_lahir"], canonical["tanggal_lahir"]
    assert clean_record(NIP, canonical, today=TODAY).values == CLEAN


def test_the_result_is_not_ok_with_an_error():
    assert not RecordResult(values={}, errors={"nama": []}).ok


@pytest.mark.parametrize("field", [name for name in EDITABLE_FIELDS if name != "pangkat"])
def test_a_blank_field_is_required_with_its_label(field):
    result = clean(**{field: "  "})
    assert codes(result) == {field: ["required"]}
    assert result.errors[field][0].message == f"{FIELD_LABELS[field]} wajib diisi."


@pytest.mark.parametrize("field", [name for name in EDITABLE_FIELDS if name != "pangkat"])
def test_a_missing_field_is_required(field):
    raw = {name: value for name, value in GOOD.items() if name != field}
    assert codes(clean_record(NIP, raw, today=TODAY)) == {field: ["required"]}


def test_a_blank_pangkat_is_filled_from_the_golongan():
    result = clean(golongan="III/b", pangkat="")
    assert result.ok
    assert result.values["pangkat"] == "Penata Muda Tingkat I"


def test_a_blank_pangkat_with_a_bad_golongan_is_required():
    assert codes(clean(golongan="III/z", pangkat="")) == {
        "golongan": ["golongan_invalid"],
        "pangkat": ["required"],
    }


def test_only_fields_that_passed_are_in_the_values():
    result = clean(email="siti@gmail.com", no_telp="021-5551234")
    assert codes(result) == {"email": ["email_not_official"], "no_telp": ["phone_not_mobile"]}
    assert "email" not in result.values and "no_telp" not in result.values
    assert result.values["nama"] == "Siti Rahmawati, S.E."


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("nama", "Siti 2", "name_digits"),
        ("nama", "<b>Siti</b>", "name_markup"),
        ("nama", "Siti, anak saya", "name_title_unknown"),
        ("nama", "Siti " + "a" * 150, "text_too_long"),
        ("tempat_tanggal_lahir", "Jayapura", "birth_semicolon"),
        ("tempat_tanggal_lahir", "Jayapura;29-2-2001", "birth_date_invalid"),
        ("tempat_tanggal_lahir", "Jayapura;21/01/1993", "birth_date_format"),
        ("tempat_tanggal_lahir", "Jayapura;1-1-2027", "birth_date_future"),
        ("tempat_tanggal_lahir", "Jakarta 2;21-1-1993", "birth_place_invalid"),
        ("tempat_tanggal_lahir", ";21-1-1993", "birth_place_required"),
        ("jenis_kelamin", "X", "jenis_kelamin_invalid"),
        ("agama", "Atheis", "agama_invalid"),
        ("jabatan", "<script>", "text_markup"),
        ("jabatan", "a" * 201, "text_too_long"),
        ("golongan", "III/e", "golongan_invalid"),
        ("pangkat", "Kopral", "pangkat_invalid"),
        ("email", "siti", "email_invalid"),
        ("email", "siti@gmail.com", "email_not_official"),
        ("asal_instansi", "a" * 201, "text_too_long"),
        ("alamat_instansi", "a" * 301, "text_too_long"),
        ("no_telp", "12", "phone_invalid"),
        ("no_telp", "+1 650 253 0000", "phone_not_indonesian"),
        ("no_telp", "021-5551234", "phone_not_mobile"),
    ],
)
def test_it_reports_a_bad_field_under_its_input_name(field, value, code):
    assert codes(clean(**{field: value})) == {field: [code]}


def test_the_limits_are_inclusive():
    assert clean(alamat_instansi="a" * 300, jabatan="b" * 200).ok


def test_it_reports_both_halves_of_a_bad_birth_field():
    result = clean(tempat_tanggal_lahir="Jakarta 2;29-2-2001")
    assert codes(result) == {"tempat_tanggal_lahir": ["birth_place_invalid", "birth_date_invalid"]}


def test_it_rejects_a_birth_date_that_differs_from_the_nip():
    result = clean(tempat_tanggal_lahir="Jayapura;22-1-1993")
    assert codes(result) == {"tempat_tanggal_lahir": ["nip_birth_mismatch"]}
    assert "tanggal_lahir" not in result.values
    assert result.values["tempat_lahir"] == "Jayapura"


def test_it_rejects_a_gender_that_differs_from_the_nip():
    result = clean(jenis_kelamin="Laki-laki")
    assert codes(result) == {"jenis_kelamin": ["nip_gender_mismatch"]}
    assert "jenis_kelamin" not in result.values


def test_it_accepts_a_gender_spelled_as_rosters_do():
    assert clean(jenis_kelamin="P").values["jenis_kelamin"] == "Perempuan"


def test_it_rejects_a_pangkat_that_does_not_match_the_golongan():
    result = clean(pangkat="Penata")
    assert codes(result) == {"pangkat": ["pangkat_mismatch"]}
    assert "pangkat" not in result.values
    assert result.values["golongan"] == "III/a"


def test_an_unreadable_nip_skips_the_nip_cross_checks():
    result = clean(nip="bukan nip", tempat_tanggal_lahir="Jayapura;22-1-1993", jenis_kelamin="Laki-laki")
    assert result.ok


def test_the_age_limits_and_email_suffixes_come_in_as_arguments():
    raw = {**GOOD, "email": "siti@kampus.edu"}
    result = clean_record(NIP, raw, today=TODAY, email_suffixes=(".edu",), min_age=40)
    assert codes(result) == {"tempat_tanggal_lahir": ["birth_age"]}
    assert result.values["email"] == "siti@kampus.edu"


def test_the_form_does_not_accept_roster_spellings_of_the_date():
    assert codes(clean(tempat_tanggal_lahir="Jayapura, 21/01/1993")) == {
        "tempat_tanggal_lahir": ["birth_date_format"]
    }


def test_the_roster_import_accepts_a_comma_and_a_slashed_date():
    result = clean_record(
        NIP, {**GOOD, "tempat_tanggal_lahir": "Jayapura, 21/01/1993"}, today=TODAY, lenient=True
    )
    assert result.ok
    assert result.values["tanggal_lahir"] == date(1993, 1, 21)


def roster_row(**changes):
    row = {name: value for name, value in GOOD.items() if name != "tempat_tanggal_lahir"}
    return {**row, "tempat_lahir": "JAYAPURA", "tanggal_lahir": date(1993, 1, 21), **changes}


def test_the_roster_import_reads_birth_from_two_columns():
    result = clean_record(NIP, roster_row(golongan=31, no_telp=81211112222), today=TODAY, lenient=True)
    assert result.ok
    assert result.values == CLEAN


def test_the_roster_import_reads_a_date_written_as_text():
    result = clean_record(NIP, roster_row(tanggal_lahir="1993-01-21"), today=TODAY, lenient=True)
    assert result.values["tanggal_lahir"] == date(1993, 1, 21)


def test_two_blank_columns_make_the_birth_field_required():
    result = clean_record(NIP, roster_row(tempat_lahir="", tanggal_lahir=None), today=TODAY, lenient=True)
    assert codes(result) == {"tempat_tanggal_lahir": ["required"]}


def test_one_blank_column_is_required_and_the_other_still_checked():
    result = clean_record(NIP, roster_row(tanggal_lahir=""), today=TODAY, lenient=True)
    assert codes(result) == {"tempat_tanggal_lahir": ["required"]}
    assert "Tanggal lahir wajib diisi." == result.errors["tempat_tanggal_lahir"][0].message
    assert result.values["tempat_lahir"] == "Jayapura"

    result = clean_record(NIP, roster_row(tempat_lahir="Jakarta 2", tanggal_lahir=""), today=TODAY, lenient=True)
    assert codes(result) == {"tempat_tanggal_lahir": ["required", "birth_place_invalid"]}


def test_birth_errors_from_two_columns_are_reported_under_the_birth_field():
    result = clean_record(NIP, roster_row(tanggal_lahir=date(1993, 1, 22)), today=TODAY, lenient=True)
    assert codes(result) == {"tempat_tanggal_lahir": ["nip_birth_mismatch"]}


def test_the_combined_field_wins_over_the_two_columns():
    raw = {**roster_row(tempat_lahir="Medan"), "tempat_tanggal_lahir": "Jayapura;21-1-1993"}
    assert clean_record(NIP, raw, today=TODAY).values["tempat_lahir"] == "Jayapura"


def test_an_empty_record_lists_every_field_as_required():
    result = clean_record(NIP, {}, today=TODAY)
    assert set(result.errors) == set(EDITABLE_FIELDS)
    assert result.values == {}
