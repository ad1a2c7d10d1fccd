import io
import zipfile
from datetime import date, datetime

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from profiles.services import roster
from profiles.models import Participant, Status, User
from profiles.services.participants import save_participant_data
from tests.rosters import HEADER, csv_bytes, nip_for, person, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(data, batch, name="roster.csv", **kwargs):
    return roster.import_roster(data, name, batch=batch, **kwargs)


def by_row(report):
    return {row.row: row for row in report.rows}


# Reading files -------------------------------------------------------------------------

def test_it_reads_a_comma_separated_file(batch):
    report = run(csv_bytes([person(1), person(2)]), batch)
    assert [row.status for row in report.rows] == ["created", "created"]
    assert report.roster.delimiter == ","
    stored = Participant.objects.get(nip=nip_for(1))
    assert (stored.tempat_lahir, stored.tanggal_lahir) == ("Jayapura", date(1993, 1, 21))
    assert stored.nama == "Peserta Satu"
    assert stored.no_telp == "+6281234567890"


def test_it_reads_a_semicolon_separated_file(batch):
    report = run(csv_bytes([person(1)], delimiter=";"), batch)
    assert report.roster.delimiter == ";"
    assert report.rows[0].status == "created"
    assert Participant.objects.get(nip=nip_for(1)).tempat_lahir == "Jayapura"


def test_it_reads_a_tab_separated_file(batch):
    report = run(csv_bytes([person(1)], delimiter="\t"), batch)
    assert report.roster.delimiter == "\t"
    assert report.rows[0].status == "created"


def test_it_reads_a_file_with_a_byte_order_mark(batch):
    report = run(csv_bytes([person(1)], bom=True), batch)
    assert report.rows[0].status == "created"
    assert "no_telp" in report.roster.columns


def test_it_reads_the_guides_semicolon_header_in_a_comma_file(batch):
    header = [("Tempat;Tanggal Lahir" if h == "Tempat, Tanggal Lahir" else h) for h in HEADER]
    report = run(csv_bytes([person(1)], header=header), batch)
    assert report.roster.delimiter == ","
    assert report.rows[0].status == "created"


def test_it_matches_headers_ignoring_case_spaces_and_punctuation(batch):
    header = ["no.", "N.I.P", "NAMA", "TTL", "jenis_kelamin", "AGAMA", "Jabatan ", "pangkat", "Golongan",
              "E-mail", "asal instansi", "Alamat Instansi", "No HP"]
    report = run(csv_bytes([person(1)], header=header), batch)
    assert report.rows[0].status == "created", report.rows[0].as_json()
    assert report.rows[0].warnings == {}
    assert Participant.objects.get(nip=nip_for(1)).no_telp == "+6281234567890"


def test_it_reads_birth_place_and_date_from_two_columns(batch):
    header = ["NIP", "Nama", "Tempat Lahir", "Tanggal Lahir"]
    report = run(csv_bytes([[nip_for(1), "Ahmad Yani", "jayapura", "21/01/1993"]], header=header), batch)
    assert report.rows[0].status == "created"
    stored = Participant.objects.get(nip=nip_for(1))
    assert (stored.tempat_lahir, stored.tanggal_lahir) == ("Jayapura", date(1993, 1, 21))


def test_it_reads_an_xlsx_file_with_date_cells(batch):
    header = ["NIP", "Nama", "Tempat Lahir", "Tanggal Lahir", "Jenis Kelamin"]
    rows = [[nip_for(1), "Ahmad Yani", "Jayapura", datetime(1993, 1, 21), "L"]]
    report = run(xlsx_bytes(rows, header=header), batch, name="roster.xlsx")
    assert report.roster.format == "xlsx"
    assert report.rows[0].status == "created"
    stored = Participant.objects.get(nip=nip_for(1))
    assert stored.tanggal_lahir == date(1993, 1, 21) and stored.jenis_kelamin == "Laki-laki"


def test_it_recognises_an_xlsx_file_whatever_its_name(batch):
    report = run(xlsx_bytes([person(1)]), batch, name="roster.csv")
    assert report.roster.format == "xlsx" and report.rows[0].status == "created"


def test_it_numbers_rows_as_the_spreadsheet_shows_them(batch):
    text = csv_bytes([person(1), ["", "", ""], person(2, alamat_instansi="Jl. Merdeka\nGedung B")]).decode()
    report = run(text.encode(), batch)
    assert [row.row for row in report.rows] == [2, 4]


def test_it_numbers_xlsx_rows_as_the_spreadsheet_shows_them(batch):
    report = run(xlsx_bytes([person(1), [None] * 3, person(2)]), batch, name="r.xlsx")
    assert [row.row for row in report.rows] == [2, 4]


def test_it_ignores_unknown_columns_and_names_them(batch):
    report = run(csv_bytes([[nip_for(1), "Ahmad Yani", "x"]], header=["NIP", "Nama", "Ukuran Baju"]), batch)
    assert report.roster.ignored == ["Ukuran Baju"]
    assert report.rows[0].status == "created"


def test_missing_columns_are_reported_once_not_per_row(batch):
    report = run(csv_bytes([[nip_for(1), "Ahmad Yani"]], header=["NIP", "Nama"]), batch)
    assert "email" in report.roster.missing
    assert report.rows[0].warnings == {}


# File-level errors ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "data, name, expected",
    [
        (b"", "r.csv", "File kosong"),
        (b"\xef\xbb\xbf\r\n", "r.csv", "File kosong"),
        ("NIP;Nama\n".encode(), "r.csv", "hanya berisi baris judul"),
        ("Nomor Pegawai,Nama\n1,Ahmad\n".encode(), "r.csv", "Kolom NIP tidak ditemukan"),
        ("NIP,Nama\n199301212020121001,Andi Müller\n".encode("latin-1"), "r.csv", "UTF-8"),
        ("NIP,Nama\n199301212020121001,Ahmad\n".encode("utf-16"), "r.csv", "UTF-16"),
        ("NIP,Nama\n199301212020121001,Ahmad\n".encode("utf-16-le"), "r.csv", "UTF-16"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "foto.jpg", "bukan file CSV atau Excel"),
        (b"PK\x03\x04 this is no workbook", "r.xlsx", "bukan file Excel .xlsx"),
        (b"NIP,Nama\n", "r.xlsx", "bukan file Excel .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "r.xls", ".xls"),
        ("NIP,Nama,Nama Lengkap\n1,a,b\n".encode(), "r.csv", "Kolom Nama muncul lebih dari sekali"),
    ],
)
def test_it_refuses_an_unusable_file_with_a_clear_message(batch, data, name, expected):
    with pytest.raises(roster.RosterError) as raised:
        run(data, batch, name=name)
    assert expected in str(raised.value)
    assert not Participant.objects.exists()


# Rows -----------------------------------------------------------------------------------

def test_it_creates_accounts_that_sign_in_with_the_nip_without_hashing(batch):
    run(csv_bytes([person(1)]), batch)
    user = User.objects.get(username=nip_for(1))
    assert not user.has_usable_password()
    assert user.participant.batch == batch
    request = RequestFactory().post("/masuk/")
    assert authenticate(request, username=nip_for(1), password=nip_for(1)) == user


def test_it_writes_history_for_each_created_participant(batch, staff):
    run(csv_bytes([person(1), person(2)]), batch, by=staff)
    record = Participant.objects.get(nip=nip_for(1)).history.get()
    assert record.history_type == "+"
    assert record.history_user == staff
    assert record.history_change_reason == "Impor roster"


def test_an_invalid_nip_is_an_error_and_the_row_is_not_imported(batch):
    rows = [person(1, nip="200013312024121001"), person(2, nip="12345"), person(3, nip="199301212020123001")]
    report = run(csv_bytes(rows), batch)
    assert [r.codes()["nip"] for r in report.rows] == [["nip_birth_date"], ["nip_format"], ["nip_gender"]]
    assert {r.status for r in report.rows} == {"error"}
    assert not Participant.objects.exists()


def test_a_pppk_number_gets_its_own_message(batch):
    report = run(csv_bytes([person(1, nip="199301212020211001")]), batch)
    assert report.rows[0].codes()["nip"] == ["nip_pppk"]


def test_a_blank_nip_is_an_error(batch):
    report = run(csv_bytes([person(1, nip="")]), batch)
    assert report.rows[0].codes()["nip"] == ["nip_required"]


def test_a_nip_written_with_spaces_is_accepted(batch):
    report = run(csv_bytes([person(1, nip="19930121 202012 1 001")]), batch)
    assert report.rows[0].nip == nip_for(1) and report.rows[0].status == "created"


def test_a_nip_stored_as_a_spreadsheet_number_is_an_error(batch):
    row = person(1)
    row[1] = 199301212020121001  # openpyxl reads it back as a float: the last digits are gone
    report = run(xlsx_bytes([row]), batch, name="r.xlsx")
    assert report.rows[0].codes()["nip"] == ["nip_number_cell"]
    report = run(csv_bytes([person(2, nip="1.99301E+17")]), batch)
    assert report.rows[0].codes()["nip"] == ["nip_number_cell"]


def test_duplicate_nips_in_one_file_are_errors_on_every_copy(batch):
    report = run(csv_bytes([person(1), person(2), person(1, nama="Orang Lain")]), batch)
    rows = by_row(report)
    assert rows[2].codes()["nip"] == ["nip_duplicate"] and rows[4].codes()["nip"] == ["nip_duplicate"]
    assert "baris 2, 4" in rows[2].as_json()["errors"]["nip"][0]
    assert rows[3].status == "created"
    assert list(Participant.objects.values_list("nip", flat=True)) == [nip_for(2)]


def test_an_invalid_field_is_a_warning_and_left_blank(batch):
    report = run(csv_bytes([person(1, email="andi@gmail.com", ttl="Jayapura;21-1-1994")]), batch)
    row = report.rows[0]
    assert row.status == "created"
    assert row.codes("warnings") == {"email": ["email_not_official"], "tempat_tanggal_lahir": ["nip_birth_mismatch"]}
    stored = Participant.objects.get(nip=nip_for(1))
    assert stored.email == "" and stored.tanggal_lahir is None
    assert stored.agama == "Islam"


def test_a_blank_field_is_a_warning(batch):
    report = run(csv_bytes([person(1, agama="")]), batch)
    assert report.rows[0].codes("warnings") == {"agama": ["required"]}


def test_the_json_form_of_a_row_has_messages(batch):
    report = run(csv_bytes([person(1, email="andi@gmail.com")]), batch)
    shown = report.rows[0].as_json()
    assert set(shown) == {"row", "nip", "status", "errors", "warnings"}
    assert shown["row"] == 2 and shown["nip"] == nip_for(1) and shown["errors"] == {}
    assert "kedinasan" in shown["warnings"]["email"][0]


def test_a_nip_of_another_batch_is_an_error(batch, closed_batch):
    run(csv_bytes([person(1)]), closed_batch)
    report = run(csv_bytes([person(1)]), batch)
    assert report.rows[0].codes()["nip"] == ["nip_other_batch"]
    assert Participant.objects.get(nip=nip_for(1)).batch == closed_batch


def test_a_staff_account_with_the_same_username_is_an_error(batch):
    User.objects.create_user(nip_for(1), password="x-Kata-Sandi-1")
    report = run(csv_bytes([person(1)]), batch)
    assert report.rows[0].codes()["nip"] == ["nip_account_taken"]


def test_a_dry_run_writes_nothing_but_reports_everything(batch):
    report = run(csv_bytes([person(1), person(2, nip="123")]), batch, dry_run=True)
    assert [r.status for r in report.rows] == ["created", "error"]
    assert report.dry_run
    assert not Participant.objects.exists() and not User.objects.exists()


# Re-import ------------------------------------------------------------------------------

def participant_edit(nip, **values):
    participant = Participant.objects.get(nip=nip)
    return save_participant_data(participant, values, expected_version=participant.version, by=participant.user)


def test_reimporting_the_same_file_changes_nothing(batch):
    run(csv_bytes([person(1)]), batch)
    report = run(csv_bytes([person(1)]), batch)
    assert report.rows[0].status == "unchanged"
    assert Participant.objects.get(nip=nip_for(1)).history.count() == 1


def test_a_reimport_updates_fields_the_participant_has_not_changed(batch):
    run(csv_bytes([person(1)]), batch)
    report = run(csv_bytes([person(1, jabatan="Pranata Komputer")]), batch)
    assert report.rows[0].status == "updated"
    stored = Participant.objects.get(nip=nip_for(1))
    assert stored.jabatan == "Pranata Komputer"
    assert stored.roster_values["jabatan"] == "Pranata Komputer"
    assert stored.history.first().history_type == "~"


def test_a_reimport_keeps_a_field_the_participant_changed_and_reports_a_conflict(batch):
    run(csv_bytes([person(1)]), batch)
    participant_edit(nip_for(1), jabatan="Analis Kebijakan")
    report = run(csv_bytes([person(1, jabatan="Pranata Komputer", agama="Kristen")]), batch)
    row = report.rows[0]
    assert row.status == "conflict"
    assert row.codes("warnings") == {"jabatan": ["conflict"]}
    assert "Pranata Komputer" in row.as_json()["warnings"]["jabatan"][0]
    stored = Participant.objects.get(nip=nip_for(1))
    assert stored.jabatan == "Analis Kebijakan"
    assert stored.agama == "Kristen"


def test_a_conflict_is_reported_again_until_it_is_resolved(batch):
    run(csv_bytes([person(1)]), batch)
    participant_edit(nip_for(1), jabatan="Analis Kebijakan")
    run(csv_bytes([person(1, jabatan="Pranata Komputer")]), batch)
    assert run(csv_bytes([person(1, jabatan="Pranata Komputer")]), batch).rows[0].status == "conflict"


def test_a_participants_change_stands_when_the_roster_did_not_change(batch):
    run(csv_bytes([person(1)]), batch)
    participant_edit(nip_for(1), jabatan="Analis Kebijakan")
    report = run(csv_bytes([person(1)]), batch)
    assert report.rows[0].status == "unchanged"
    assert Participant.objects.get(nip=nip_for(1)).jabatan == "Analis Kebijakan"


def test_a_roster_that_agrees_with_the_participants_change_is_not_a_conflict(batch):
    run(csv_bytes([person(1)]), batch)
    participant_edit(nip_for(1), jabatan="Analis Kebijakan")
    report = run(csv_bytes([person(1, jabatan="Analis Kebijakan")]), batch)
    assert report.rows[0].status == "unchanged"
    assert Participant.objects.get(nip=nip_for(1)).roster_values["jabatan"] == "Analis Kebijakan"


def test_a_field_filled_by_the_participant_conflicts_with_a_new_roster_value(batch):
    run(csv_bytes([person(1, agama="")]), batch)
    participant_edit(nip_for(1), agama="Hindu")
    report = run(csv_bytes([person(1, agama="Islam")]), batch)
    assert report.rows[0].codes("warnings") == {"agama": ["conflict"]}
    assert Participant.objects.get(nip=nip_for(1)).agama == "Hindu"


def test_a_blank_roster_field_does_not_erase_existing_data(batch):
    run(csv_bytes([person(1)]), batch)
    report = run(csv_bytes([person(1, agama="")]), batch)
    assert report.rows[0].status == "unchanged"
    assert Participant.objects.get(nip=nip_for(1)).agama == "Islam"


def test_a_reimport_bumps_the_version_so_an_open_form_conflicts(batch):
    run(csv_bytes([person(1)]), batch)
    version = Participant.objects.get(nip=nip_for(1)).version
    run(csv_bytes([person(1, jabatan="Pranata Komputer")]), batch)
    assert Participant.objects.get(nip=nip_for(1)).version == version + 1


def test_a_reimport_that_changes_confirmed_data_asks_for_a_new_confirmation(batch):
    run(csv_bytes([person(1)]), batch)
    Participant.objects.filter(nip=nip_for(1)).update(status=Status.DIKONFIRMASI, confirmed_at=batch.created_at)
    report = run(csv_bytes([person(1, jabatan="Pranata Komputer")]), batch)
    assert report.rows[0].codes("warnings") == {"status": ["confirmation_revoked"]}
    stored = Participant.objects.get(nip=nip_for(1))
    assert stored.status == Status.DIPERBARUI and stored.confirmed_at is None


def test_a_participant_created_by_hand_is_not_overwritten_by_a_first_import(alice):
    row = person(1, nip=alice.nip, gender=2, jabatan="Pranata Komputer", jenis_kelamin="Perempuan")
    report = run(csv_bytes([row]), alice.batch)
    assert report.rows[0].codes("warnings")["jabatan"] == ["conflict"]
    alice.refresh_from_db()
    assert alice.jabatan == "Analis Keuangan"


def test_a_mixed_file_reports_each_status(batch):
    run(csv_bytes([person(1), person(2), person(3)]), batch)
    participant_edit(nip_for(3), jabatan="Analis Kebijakan")
    rows = [person(1), person(2, jabatan="Pranata Komputer"), person(3, jabatan="Auditor"), person(4), person(5, nip="1")]
    report = run(csv_bytes(rows), batch)
    assert report.counts == {"created": 1, "updated": 1, "unchanged": 1, "conflict": 1, "error": 1, "duplicate": 0}


def test_a_row_shifted_by_an_unquoted_semicolon_is_an_error(batch):
    header = ";".join(["NIP", "Nama", "Tempat;Tanggal Lahir".join('""'), "Agama"])
    data = f'{header}\n{nip_for(1)};Ahmad Yani;Jayapura;21-1-1993;Islam\n{nip_for(2)};Budi;"Jayapura;21-1-1993";Islam\n'
    report = run(data.encode(), batch)
    assert report.roster.delimiter == ";"
    assert report.rows[0].codes() == {"baris": ["row_shifted"]}
    assert "titik koma" in report.rows[0].as_json()["errors"]["baris"][0]
    assert report.rows[1].status == "created"


def _with_declared_dimension(data, ref):
    """The XLSX with its sheet's <dimension> rewritten, as some generators write it wrong."""
    import re
    import zipfile as zf
    source, target = zf.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zf.ZipFile(target, "w") as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), content)
            out.writestr(item, content)
    return target.getvalue()


def test_an_xlsx_with_a_wrong_declared_dimension_imports_every_row(batch):
    data = _with_declared_dimension(xlsx_bytes([person(1), person(2), person(3)]), "A1:L2")
    assert b'<dimension ref="A1:L2"/>' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    report = run(data, batch, name="r.xlsx")
    assert [r.status for r in report.rows] == ["created"] * 3
    assert Participant.objects.count() == 3


def test_identical_rows_for_one_nip_are_imported_once_with_a_warning_naming_both(batch):
    report = run(csv_bytes([person(1), person(2), person(1)]), batch)
    rows = by_row(report)
    assert rows[2].status == "created" and rows[4].status == "duplicate"
    assert rows[2].codes("warnings")["nip"] == ["nip_repeated_identical"]
    assert "baris 2, 4" in rows[4].as_json()["warnings"]["nip"][0]
    assert not rows[2].errors and not rows[4].errors
    assert sorted(Participant.objects.values_list("nip", flat=True)) == [nip_for(1), nip_for(2)]
    assert report.counts["duplicate"] == 1 and report.counts["created"] == 2


def test_identical_rows_with_a_different_running_number_are_still_identical(batch):
    second = person(1)
    second[0] = "9"
    report = run(csv_bytes([person(1), second]), batch)
    assert [r.status for r in report.rows] == ["created", "duplicate"]
