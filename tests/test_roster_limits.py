"""Bounded roster input (issue 19) and cells that are not what they seem (issue 17, point 7)."""

import io
import struct
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from profiles.models import Participant
from profiles.services import roster
from tests.rosters import HEADER, csv_bytes, nip_for, person, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(data, batch, name="roster.xlsx", **kwargs):
    return roster.import_roster(data, name, batch=batch, **kwargs)


def refusal(data, batch, name="roster.xlsx"):
    with pytest.raises(roster.RosterError) as raised:
        run(data, batch, name)
    assert not Participant.objects.exists()
    return str(raised.value)


def declaring(data, member, size):
    """The zip with `member`'s uncompressed size in the central directory set to `size`:
    a few kilobytes that announce hundreds of megabytes, as a zip bomb does."""
    data = bytearray(data)
    at = data.index(b"PK\x01\x02")
    while True:
        name_length, extra_length, comment_length = struct.unpack("<HHH", data[at + 28:at + 34])
        name = bytes(data[at + 46:at + 46 + name_length]).decode()
        if name == member:
            data[at + 24:at + 28] = struct.pack("<I", size)
            return bytes(data)
        at += 46 + name_length + extra_length + comment_length


def rewritten(data, changes, added=None):
    """The zip with some members changed ({name: function of the bytes}) and others added."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            out.writestr(item, changes.get(item.filename, lambda same: same)(content))
        for name, content in (added or {}).items():
            out.writestr(name, content)
    return target.getvalue()


def with_sheet_xml(data, change):
    return rewritten(data, {"xl/worksheets/sheet1.xml": change})


def workbook_bytes(fill):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    fill(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Limits ----------------------------------------------------------------------------------

def test_a_zip_bomb_is_refused_by_its_declared_size_before_it_is_inflated(batch):
    bomb = declaring(xlsx_bytes([person(1)]), "xl/worksheets/sheet1.xml", 600 * 1024 * 1024)
    assert len(bomb) < 10_000
    message = refusal(bomb, batch)
    assert "batas ukuran isi file 300 MB" in message


def test_a_deflate_bomb_over_a_lowered_limit_is_refused(batch, settings):
    settings.ROSTER_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    bomb = with_sheet_xml(xlsx_bytes([person(1)]), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 3_000_000))
    assert len(bomb) < 20_000
    assert "batas ukuran isi file 2 MB" in refusal(bomb, batch)


def test_too_much_shared_text_is_refused(batch, settings):
    settings.ROSTER_MAX_SHARED_STRINGS_BYTES = 1024 * 1024
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t>ab</t></si>" * 70_000
    data = rewritten(xlsx_bytes([person(1)]), {}, {"xl/sharedStrings.xml": strings + b"</sst>"})
    assert "batas teks 1 MB" in refusal(data, batch)


def test_a_sheet_that_declares_too_many_rows_is_refused_at_once(batch, settings):
    settings.ROSTER_MAX_ROWS = 5
    data = with_sheet_xml(xlsx_bytes([person(1)]), lambda xml: xml.replace(b'ref="A1:M2"', b'ref="A1:M900"'))
    assert "batas jumlah baris 5" in refusal(data, batch)


def test_rows_beyond_the_limit_are_refused_even_when_the_dimension_understates_them(batch, settings):
    settings.ROSTER_MAX_ROWS = 3
    data = with_sheet_xml(xlsx_bytes([person(i) for i in range(1, 6)]), lambda xml: xml.replace(b'ref="A1:M6"', b'ref="A1:M2"'))
    assert "batas jumlah baris 3" in refusal(data, batch)


def test_a_csv_with_too_many_rows_is_refused(batch, settings):
    settings.ROSTER_MAX_ROWS = 2
    assert "batas jumlah baris 2" in refusal(csv_bytes([person(i) for i in range(1, 4)]), batch, "r.csv")


def test_a_sheet_that_declares_too_many_columns_is_refused(batch):
    data = with_sheet_xml(xlsx_bytes([person(1)]), lambda xml: xml.replace(b'ref="A1:M2"', b'ref="A1:XFD2"'))
    assert "batas jumlah kolom 100" in refusal(data, batch)


def test_a_filled_cell_beyond_the_column_limit_is_refused(batch, settings):
    settings.ROSTER_MAX_COLUMNS = 20
    data = workbook_bytes(lambda sheet: sheet.append(person(1) + [None] * 20 + ["x"]))
    assert "batas jumlah kolom 20" in refusal(data, batch)


def test_a_file_over_the_size_limit_is_refused(batch, settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1024 * 1024
    data = csv_bytes([person(1, alamat_instansi="x" * 300) for _ in range(1)]) + b"\n" * (1024 * 1024)
    assert "batas ukuran file 1 MB" in refusal(data, batch, "r.csv")


def test_the_command_line_names_the_limit(batch, tmp_path):
    path = tmp_path / "bom.xlsx"
    path.write_bytes(declaring(xlsx_bytes([person(1)]), "xl/worksheets/sheet1.xml", 600 * 1024 * 1024))
    with pytest.raises(CommandError, match="batas ukuran isi file"):
        call_command("import_participants", str(path), "--batch", batch.name)


def test_the_staff_page_names_the_limit(staff_client, batch):
    bomb = declaring(xlsx_bytes([person(1)]), "xl/worksheets/sheet1.xml", 600 * 1024 * 1024)
    response = staff_client.post(reverse("roster_import"), {"batch": batch.pk, "file": SimpleUploadedFile("r.xlsx", bomb)})
    assert response.status_code == 200
    assert "batas ukuran isi file" in response.content.decode()


# Cells that are not what they seem -------------------------------------------------------

def test_a_formula_without_a_cached_value_gets_its_own_message(batch):
    def fill(sheet):
        row = person(1)
        row[2] = '=CONCATENATE("Ahmad";" Yani")'
        sheet.append(row)
    report = run(workbook_bytes(fill), batch)
    row = report.rows[0]
    assert row.codes("warnings") == {"nama": ["formula_without_value"]}
    assert "C2" in row.as_json()["warnings"]["nama"][0] and "wajib" not in row.as_json()["warnings"]["nama"][0]


def merged(batch, rows, area):
    def fill(sheet):
        for row in rows:
            sheet.append(row)
        sheet.merge_cells(area)
    return run(workbook_bytes(fill), batch)


def test_a_merged_cell_gets_its_own_message(batch):
    first, second = merged(batch, [person(1), person(2, agama=None)], "F2:F3").rows
    assert first.warnings == {}
    assert second.codes("warnings") == {"agama": ["merged_cell"]}
    assert "F3" in second.as_json()["warnings"]["agama"][0] and "F2:F3" in second.as_json()["warnings"]["agama"][0]
    assert Participant.objects.get(nip=nip_for(2)).agama == ""


def test_a_merged_nip_cell_is_an_error_with_its_own_message(batch):
    report = merged(batch, [person(1), person(1, nip=None)], "B2:B3")
    assert report.rows[1].codes() == {"nip": ["merged_cell"]}


def test_a_merged_birth_place_column_keeps_the_other_parts_message(batch):
    header = ["NIP", "Nama", "Tempat Lahir", "Tanggal Lahir"]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    sheet.append([nip_for(1), "Ahmad Yani", "Jayapura", "21-1-1993"])
    sheet.append([nip_for(2), "Budi", None, None])
    sheet.merge_cells("C2:C3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(buffer.getvalue(), batch)
    warnings = report.rows[1].as_json()["warnings"]["tempat_tanggal_lahir"]
    assert report.rows[1].codes("warnings")["tempat_tanggal_lahir"] == ["merged_cell", "required"]
    assert warnings[1].startswith("Tanggal lahir")


# The dry run ------------------------------------------------------------------------------

def test_a_dry_run_opens_no_transaction_and_only_reads(batch, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run(csv_bytes([person(1)]), batch, "r.csv")
    monkeypatch.setattr("profiles.services.roster.apply.transaction.atomic", None)
    with CaptureQueriesContext(connection) as queries:
        report = run(csv_bytes([person(1, jabatan="Pranata Komputer"), person(2)]), batch, "r.csv", dry_run=True)
    assert [r.status for r in report.rows] == ["updated", "created"]
    assert queries and all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)
    assert Participant.objects.get(nip=nip_for(1)).jabatan == "Analis Keuangan"


def test_the_command_line_refuses_a_file_over_the_size_limit_before_reading_it(batch, tmp_path, settings, monkeypatch):
    from pathlib import Path

    settings.ROSTER_MAX_UPLOAD_BYTES = 1024 * 1024
    path = tmp_path / "besar.csv"
    with path.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024)
    monkeypatch.setattr(Path, "read_bytes", None)  # never read
    with pytest.raises(CommandError, match="batas ukuran file 1 MB"):
        call_command("import_participants", str(path), "--batch", batch.name)


def with_shared_strings(data):
    """The workbook as Excel writes it: every text cell an index into xl/sharedStrings.xml
    (one with a rich-text run, one with a non-Latin name)."""
    import re

    strings = []

    def shared(match):
        strings.append(match.group(2))
        return f'<c r="{match.group(1)}" t="s"><v>{len(strings) - 1}</v></c>'.encode()

    def change(xml):
        return re.sub(rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>(.*?)</t></is></c>',
                      lambda m: shared(type("M", (), {"group": lambda self, i: m.group(i).decode()})()), xml)

    sheet = change(zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml"))
    items = "".join(f"<si><r><t>{s[:2]}</t></r><r><t>{s[2:]}</t></r></si>" if i == 2 else f"<si><t>{s}</t></si>"
                    for i, s in enumerate(strings))
    table = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{items}</sst>'.encode()
    return rewritten(data, {
        "xl/worksheets/sheet1.xml": lambda _: sheet,
        "[Content_Types].xml": lambda xml: xml.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                                       b'ContentType="application/vnd.openxmlformats-officedocument.'
                                                       b'spreadsheetml.sharedStrings+xml"/></Types>'),
        "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="'
                                                              b'http://schemas.openxmlformats.org/officeDocument/2006/'
                                                              b'relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                                              b'</Relationships>'),
    }, {"xl/sharedStrings.xml": table})


def test_shared_strings_as_excel_writes_them_are_read_cell_for_cell(batch):
    rows = [person(i) for i in range(1, 1000)] + [person(i, gender=2) for i in range(1, 999)]
    rows.append(person(999, gender=2, nama="Ni Luh Putu Ayu"))
    data = with_shared_strings(xlsx_bytes(rows))
    assert b"sharedStrings" in data and b'inlineStr' not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    report = run(data, batch)
    assert report.counts["created"] == 1998 and not any(r.warnings for r in report.rows)
    stored = Participant.objects.get(nip=nip_for(998, gender=2))
    assert stored.email == "peserta998@kemenkeu.go.id" and stored.nama == "Peserta Sembilan Sembilan Delapan"
    assert Participant.objects.get(nip=nip_for(999, gender=2)).nama == "Ni Luh Putu Ayu"


def test_the_compact_string_table_gives_back_each_string():
    table = roster.parse.CompactStrings()
    texts = [f"teks {i}" + "é" * (i % 3) for i in range(10_000)] + [""]
    for text in texts:
        table.append(text)
    table.seal()
    assert len(table) == len(texts) and [table[i] for i in range(len(texts))] == texts
