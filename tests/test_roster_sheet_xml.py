"""The expat sheet reader (roster.sheet_xml) gives the values openpyxl's own read-only
parser gives, cell kind by cell kind, and tells a formula without a cached result."""

import io
from datetime import datetime

import pytest
from openpyxl.utils.datetime import WINDOWS_EPOCH
from openpyxl.worksheet._reader import WorkSheetParser

from profiles.services.roster import sheet_xml

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED = ["Siti Rahmawati", "Analis Keuangan"]
DATE_STYLE, TIME_STYLE = 3, 4


def sheet(rows_xml, head='<dimension ref="A1:F4"/>'):
    return (f'<worksheet xmlns="{NS}">{head}<sheetData>{rows_xml}</sheetData>'
            '<mergeCells count="1"><mergeCell ref="A9:B9"/></mergeCells></worksheet>').encode()


CELLS = (
    '<row r="1">'
    '<c r="A1" t="s"><v>0</v></c>'
    '<c r="B1"><v>199301212020122004</v></c>'
    '<c r="C1"><v>3.5</v></c>'
    '<c r="D1" t="b"><v>1</v></c>'
    '<c r="E1" t="e"><v>#N/A</v></c>'
    '<c r="F1" t="str"><f>A1&amp;""</f><v>Siti</v></c>'
    '</row>'
    '<row r="2">'
    '<c r="A2" t="inlineStr"><is><t>Jayapura;21-01-1993</t></is></c>'
    '<c r="B2" t="inlineStr"><is><r><rPr><b/></rPr><t>Kemen</t></r><r><t xml:space="preserve">terian </t></r>'
    '<rPh sb="0" eb="1"><t>PHONETIC</t></rPh><r><t>Keuangan</t></r></is></c>'
    f'<c r="C2" s="{DATE_STYLE}"><v>34000</v></c>'
    '<c r="D2" t="d"><v>1993-01-21T00:00:00</v></c>'
    '<c r="E2" t="inlineStr"><is><t/></is></c>'
    '<c r="F2" t="s"><v>1</v></c>'
    '</row>'
    '<row>'  # no row number: the next one
    '<c><v>7</v></c><c t="inlineStr"><is><t>tanpa alamat sel</t></is></c>'
    '</row>'
    '<row r="5">'
    '<c r="A5"><f>SUM(B1:B2)</f></c>'
    '<c r="B5"><f>SUM(B1:B2)</f><v></v></c>'
    '<c r="C5" t="str"><f>A1</f><v></v></c>'
    '<c r="D5"><f t="shared" si="0"/></c>'
    '<c r="E5"><v></v></c>'
    f'<c r="F5" s="{DATE_STYLE}"><v>99999999</v></c>'
    '</row>'
)


def ours(data):
    return list(sheet_xml.rows(io.BytesIO(data), SHARED, epoch=WINDOWS_EPOCH,
                               date_formats={DATE_STYLE, TIME_STYLE}, timedelta_formats={TIME_STYLE}))


def openpyxls(data):
    parser = WorkSheetParser(io.BytesIO(data), SHARED, data_only=True, epoch=WINDOWS_EPOCH,
                             date_formats={DATE_STYLE, TIME_STYLE}, timedelta_formats={TIME_STYLE})
    return [(number, [{"column": cell["column"], "value": cell["value"]} for cell in cells])
            for number, cells in parser.parse()]


def plain(rows):
    return [(number, [(cell["column"], None if isinstance(cell["value"], sheet_xml.FormulaWithoutValue)
                       else cell["value"]) for cell in cells]) for number, cells in rows]


def test_every_kind_of_cell_reads_as_openpyxl_reads_it():
    data = sheet(CELLS)
    with pytest.warns(UserWarning):  # openpyxl warns of the date out of range (F5)
        expected = openpyxls(data)
    assert plain(ours(data)) == plain(expected)


def test_the_values_themselves():
    rows = dict(ours(sheet(CELLS)))
    first = [cell["value"] for cell in rows[1]]
    assert first == ["Siti Rahmawati", 199301212020122004, 3.5, True, "#N/A", "Siti"]
    second = [cell["value"] for cell in rows[2]]
    assert second == ["Jayapura;21-01-1993", "Kementerian Keuangan", datetime(1993, 1, 31),
                      datetime(1993, 1, 21), "", "Analis Keuangan"]
    assert [(cell["column"], cell["value"]) for cell in rows[3]] == [(1, 7), (2, "tanpa alamat sel")]


def test_a_formula_without_a_cached_result_is_told_from_an_empty_cell():
    cells = dict(ours(sheet(CELLS)))[5]
    unread = {cell["column"]: cell["value"] for cell in cells if isinstance(cell["value"], sheet_xml.FormulaWithoutValue)}
    assert {column: (value.reference, value.formula) for column, value in unread.items()} == {
        1: ("A5", "SUM(B1:B2)"), 2: ("B5", "SUM(B1:B2)"), 4: ("D5", ""),
    }
    by_column = {cell["column"]: cell["value"] for cell in cells}
    assert by_column[3] is None  # t="str" with an empty cached text: the formula gave ""
    assert by_column[5] is None  # an empty <v/> without a formula
    assert by_column[6] == "#VALUE!"  # a date serial out of range


def test_rows_stream_in_chunks_across_any_boundary(monkeypatch):
    data = sheet(CELLS * 1)
    whole = ours(data)
    monkeypatch.setattr(sheet_xml, "CHUNK", 7)
    assert plain(ours(data)) == plain(whole)


def test_the_declared_dimension_is_read_before_the_rows_only():
    assert sheet_xml.declared_dimension(io.BytesIO(sheet(CELLS))) == (1, 1, 6, 4)
    assert sheet_xml.declared_dimension(io.BytesIO(sheet(CELLS, head=""))) is None
    # A <dimension> after the rows (no writer puts one there) is not looked for.
    late = sheet(CELLS, head="").replace(b"</worksheet>", b'<dimension ref="A1:Z99"/></worksheet>')
    assert sheet_xml.declared_dimension(io.BytesIO(late)) is None


def test_a_document_type_declaration_is_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>') + sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>')
    with pytest.raises(sheet_xml.SheetXMLError):
        ours(bomb)


def test_a_broken_sheet_is_an_error_not_a_crash():
    with pytest.raises(sheet_xml.SheetXMLError):
        ours(sheet('<row r="1"><c r="A1"><v>1</v></row>'))
