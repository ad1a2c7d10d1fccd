import csv
import io
import zipfile
from io import StringIO

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles.services import exports, review
from profiles.models import ExportJob, ExportLog, Participant, User
from tests.conftest import client_for
from tests.rosters import give_photo, jpeg_bytes

EXPORT = reverse("export")


@pytest.fixture
def verified_alice(alice, staff):
    give_photo(alice)
    return review.verify(alice, by=staff, **review.seen(alice))


def parse_csv(content):
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def parse_xlsx(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]


def export_cli(tmp_path, batch, fmt, *args):
    path = tmp_path / f"out.{fmt}"
    out = StringIO()
    call_command("export_certificates", "--batch", batch.name, "--format", fmt, "--output", str(path), *args, stdout=out)
    return path.read_bytes(), out.getvalue()


def web_export(client, batch, fmt, **extra):
    response = client.post(EXPORT, {"batch": batch.pk, "format": fmt, **extra})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def test_the_rows_hold_the_twelve_fields_as_the_guide_writes_them(verified_alice, staff):
    header, row = list(exports.rows(exports.export_queryset(batch=verified_alice.batch)))
    record = dict(zip(header, row))
    assert header[:12] == [
        "NIP", "Nama", "Tempat;Tanggal Lahir", "Jenis Kelamin", "Agama", "Jabatan", "Pangkat",
        "Golongan", "Email", "Asal Instansi", "Alamat Instansi", "No. Telp",
    ]
    assert record["Tempat;Tanggal Lahir"] == "Jayapura;21-1-1993"
    assert (record["Tempat Lahir"], record["Tanggal Lahir"]) == ("Jayapura", "21-1-1993")
    assert record["No. Telp"] == "0812-3456-7890"
    assert record["Status"] == "Terverifikasi"
    assert record["Diverifikasi oleh"] == "staf" and record["Diverifikasi pada"].endswith(" WIB")
    assert record["Foto"] == f"{verified_alice.nip}.jpg"


def test_the_cli_exports_only_validated_records_unless_all(tmp_path, verified_alice, bob):
    content, output = export_cli(tmp_path, verified_alice.batch, "csv")
    rows = parse_csv(content)
    assert [row[0] for row in rows[1:]] == [verified_alice.nip]
    assert "1 peserta diekspor" in output
    content, _ = export_cli(tmp_path, verified_alice.batch, "csv", "--all")
    assert {row[0] for row in parse_csv(content)[1:]} == {verified_alice.nip, bob.nip}


def test_the_cli_logs_each_export(tmp_path, verified_alice):
    export_cli(tmp_path, verified_alice.batch, "csv", "--all")
    log = ExportLog.objects.get()
    assert (log.user, log.source, log.scope, log.format, log.count, log.batch) == (
        None, "cli", "all", "csv", 1, verified_alice.batch
    )
    assert log.actor.startswith("cli")


def test_the_cli_writes_xlsx_with_text_cells(tmp_path, verified_alice):
    content, _ = export_cli(tmp_path, verified_alice.batch, "xlsx")
    rows = parse_xlsx(content)
    assert rows[0][0] == "NIP" and rows[1][0] == verified_alice.nip
    assert rows[1][2] == "Jayapura;21-1-1993"


def test_the_cli_writes_a_zip_with_photos_named_by_nip_and_the_data(tmp_path, verified_alice):
    content, _ = export_cli(tmp_path, verified_alice.batch, "zip")
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert set(archive.namelist()) == {f"{verified_alice.nip}.jpg", "data.csv", "data.xlsx"}
    assert archive.read(f"{verified_alice.nip}.jpg") == verified_alice.photo.file.open("rb").read()
    assert parse_csv(archive.read("data.csv"))[1][0] == verified_alice.nip
    assert parse_xlsx(archive.read("data.xlsx"))[1][0] == verified_alice.nip


def test_a_zip_reports_a_photo_missing_from_storage(tmp_path, verified_alice):
    verified_alice.photo.file.storage.delete(verified_alice.photo.file.name)
    path = tmp_path / "out.zip"
    err = StringIO()
    call_command("export_certificates", "--batch", verified_alice.batch.name, "--format", "zip",
                 "--output", str(path), stdout=StringIO(), stderr=err)
    archive = zipfile.ZipFile(path)
    assert archive.namelist() == ["data.csv", "data.xlsx"]
    assert verified_alice.nip in err.getvalue()
    assert parse_csv(archive.read("data.csv"))[1][-1] == ""


def test_formulas_typed_by_a_participant_are_neutralised(tmp_path, verified_alice):
    Participant.objects.filter(pk=verified_alice.pk).update(jabatan='=HYPERLINK("http://x","klik")', alamat_instansi="@SUM(1)")
    csv_rows = parse_csv(export_cli(tmp_path, verified_alice.batch, "csv")[0])
    assert csv_rows[1][5] == "'=HYPERLINK(\"http://x\",\"klik\")" and csv_rows[1][10] == "'@SUM(1)"
    workbook = openpyxl.load_workbook(io.BytesIO(export_cli(tmp_path, verified_alice.batch, "xlsx")[0]))
    cell = workbook.worksheets[0]["F2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x","klik")'


def test_the_cli_refuses_an_unknown_batch(tmp_path, batch):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("export_certificates", "--batch", "X", "--format", "csv", "--output", str(tmp_path / "a.csv"))


def test_the_cli_refuses_a_folder_as_output(tmp_path, batch):
    with pytest.raises(CommandError, match="folder"):
        call_command("export_certificates", "--batch", batch.name, "--format", "csv", "--output", str(tmp_path))


def test_the_page_offers_batches_formats_and_scope(staff_client, verified_alice):
    body = staff_client.get(EXPORT).content.decode()
    assert "Latsar Uji" in body and "ZIP (foto + data)" in body and 'name="all"' in body


def test_the_page_streams_a_csv_and_logs_it(staff_client, staff, verified_alice, bob):
    response, content = web_export(staff_client, verified_alice.batch, "csv")
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="sertifikat-Latsar-Uji-')
    assert [row[0] for row in parse_csv(content)[1:]] == [verified_alice.nip]
    log = ExportLog.objects.get()
    assert (log.user, log.actor, log.source, log.scope, log.count) == (staff, "staf", "web", "validated", 1)


def test_the_page_exports_everyone_when_asked(staff_client, verified_alice, bob):
    _, content = web_export(staff_client, verified_alice.batch, "csv", all="on")
    assert len(parse_csv(content)) == 3
    assert ExportLog.objects.get().scope == "all"


def test_the_page_downloads_xlsx_and_zip(staff_client, verified_alice):
    response, content = web_export(staff_client, verified_alice.batch, "xlsx")
    assert response["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    assert parse_xlsx(content)[1][0] == verified_alice.nip
    # The ZIP is built by a background job (immediate in tests); its page links the file.
    response = staff_client.post(EXPORT, {"batch": verified_alice.batch.pk, "format": "zip"})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("export_job", args=[job.uuid])
    content = b"".join(staff_client.get(reverse("export_job_download", args=[job.uuid])).streaming_content)
    assert f"{verified_alice.nip}.jpg" in zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert ExportLog.objects.count() == 2


def test_the_page_refuses_an_unknown_format(staff_client, verified_alice):
    response = staff_client.post(EXPORT, {"batch": verified_alice.batch.pk, "format": "pdf"})
    assert response.status_code == 200 and not ExportLog.objects.exists()


def test_the_page_sends_anonymous_visitors_to_sign_in(client, batch):
    response = client.get(EXPORT)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_participants_cannot_export(alice_client, batch):
    assert alice_client.get(EXPORT).status_code == 403
    assert alice_client.post(EXPORT, {"batch": batch.pk, "format": "csv"}).status_code == 403


def test_staff_without_the_export_permission_cannot_export(batch):
    user = User.objects.create_user("staf2", password="Kata-Sandi-Staf-2", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_participant", "view_dashboard"]))
    client = client_for(user)
    assert client.post(EXPORT, {"batch": batch.pk, "format": "csv"}).status_code == 403
    assert not ExportLog.objects.exists()


def test_the_zip_renderer_copies_photos_through_the_storage_api(verified_alice):
    buffer = io.BytesIO()
    missing = exports.render("zip", exports.export_queryset(batch=verified_alice.batch), buffer)
    assert missing == []
    assert zipfile.ZipFile(buffer).read(f"{verified_alice.nip}.jpg") == jpeg_bytes()


def test_the_export_needs_no_query_per_row(verified_alice, bob, staff):
    give_photo(bob)
    review.verify(bob, by=staff, **review.seen(bob))
    with CaptureQueriesContext(connection) as queries:
        rows = list(exports.rows(exports.export_queryset(batch=verified_alice.batch)))
    assert len(rows) == 3 and len(queries) == 1


# Error literals, audit ----------------------------------------------------------------

@pytest.mark.parametrize("literal", sorted(exports.ERROR_LITERALS))
def test_a_spreadsheet_error_literal_arrives_in_xlsx_as_text(literal):
    buffer = io.BytesIO()
    exports.write_xlsx([["Jabatan"], [literal]], buffer)
    cell = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]["A2"]
    assert cell.data_type == "s" and cell.value == literal


def test_a_typed_na_reaches_the_certificate_export_as_text(tmp_path, verified_alice):
    Participant.objects.filter(pk=verified_alice.pk).update(jabatan="#N/A")
    content, _ = export_cli(tmp_path, verified_alice.batch, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [cell for cell in sheet[2] if cell.value == "#N/A"]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_an_export_log_cannot_be_deleted_in_admin_even_by_a_superuser(superuser, staff):
    log = exports.log_export(user=staff, batch=None, fmt="csv", scope="all", count=1, source="web")
    client = client_for(superuser)
    response = client.post(reverse("admin:profiles_exportlog_delete", args=[log.pk]), {"post": "yes"})
    assert response.status_code == 403
    changelist = reverse("admin:profiles_exportlog_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [log.pk], "post": "yes"})
    assert ExportLog.objects.filter(pk=log.pk).exists()


def test_an_export_log_cannot_be_changed_or_added_in_admin_by_a_superuser(superuser, staff):
    log = exports.log_export(user=staff, batch=None, fmt="csv", scope="all", count=1, source="web")
    client = client_for(superuser)
    client.post(reverse("admin:profiles_exportlog_change", args=[log.pk]), {"count": 0, "actor": "x"})
    assert client.post(reverse("admin:profiles_exportlog_add"), {"count": 0}).status_code == 403
    log.refresh_from_db()
    assert (log.count, log.actor) == (1, staff.username)
    assert ExportLog.objects.count() == 1


def test_export_selected_logs_which_nips_it_contained(staff_client, alice, bob):
    staff_client.post(reverse("admin:profiles_participant_changelist"),
                      {"action": "export_selected", "_selected_action": [bob.pk, alice.pk]})
    assert sorted(ExportLog.objects.get().nips) == sorted([alice.nip, bob.nip])


def test_the_dashboard_unfinished_csv_is_logged(staff_client, staff, alice, batch):
    response = staff_client.get(reverse("dashboard_unfinished_csv", args=[batch.pk]))
    b"".join(response.streaming_content)
    log = ExportLog.objects.get()
    assert (log.user, log.batch, log.scope, log.format, log.count) == (staff, batch, "unfinished", "csv", 1)


# The fast paths hold to what they replace ------------------------------------------------

@pytest.mark.parametrize("value", ["", "Analis", "=1+1", "-1,5", "-", "+62812", "@x|y", "|a", "%s", "-abc", None, 3, 2.5])
def test_the_csv_cells_are_defused_exactly_as_defusedcsv_does(value):
    from defusedcsv.csv import _escape

    assert exports._defused(value) == _escape(value)


def test_an_xlsx_export_reads_back_cell_for_cell_with_text_that_needs_escaping(tmp_path, verified_alice):
    Participant.objects.filter(pk=verified_alice.pk).update(
        jabatan="Analis <Data> & Informasi", alamat_instansi="  Jl. A\x0b No. 1  ")
    content, _ = export_cli(tmp_path, verified_alice.batch, "xlsx")
    header, row = parse_xlsx(content)
    record = dict(zip(header, row))
    assert header == exports.HEADER
    assert record["Jabatan"] == "Analis <Data> & Informasi"
    assert record["Alamat Instansi"] == "  Jl. A No. 1  "
    assert record["NIP"] == verified_alice.nip and record["Status"] == "Terverifikasi"


@pytest.mark.parametrize("deadline_passed", [False, True])
@pytest.mark.parametrize("status", ["belum_diperbarui", "diperbarui", "dikonfirmasi", "perlu_revisi"])
def test_the_export_status_agrees_with_the_python_rule(alice, status, deadline_passed):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    alice.batch.deadline = now + timedelta(days=-1 if deadline_passed else 1)
    alice.batch.save()
    Participant.objects.filter(pk=alice.pk).update(status=status)
    alice.refresh_from_db()
    _, row = list(exports.rows(exports.export_queryset(batch=alice.batch, scope=exports.SCOPE_ALL), now))
    assert row[exports.HEADER.index("Status")] == review.effective_status(alice, now).label
