"""The rows of an XLSX worksheet, streamed with expat: the values openpyxl's read-only
parser gives (data_only), at a fraction of its cost.

openpyxl's WorkSheetParser builds an ElementTree element per cell and a Text object per
inline string: about 190 µs a row of twelve cells here, 21 s for a 100,000-row roster
saved by Excel (38 s for one written with inline strings, as openpyxl's own write-only
mode and many exporters do). expat's callbacks keep only what a value needs (the cell's
type, reference and style, the text of its <v>, <f> and inline <t>), and the values are
made by the same rules, with openpyxl's own helpers for numbers and dates.

Each row comes as (row number, [{"column": n, "value": v}, ...]), as WorkSheetParser.parse
gives it. A cell whose formula has no cached result reads as FormulaWithoutValue (with
data_only, openpyxl would give None, as for an empty cell). A document type declaration,
which no spreadsheet has, is refused (no entity expansion).
"""

import re
from xml.parsers import expat

from openpyxl.utils import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import _cast_number
from openpyxl.xml.constants import SHEET_MAIN_NS

CHUNK = 1 << 16
_MAIN = SHEET_MAIN_NS + " "
_SHEET_DATA, _ROW, _CELL = _MAIN + "sheetData", _MAIN + "row", _MAIN + "c"
_VALUE, _FORMULA, _INLINE = _MAIN + "v", _MAIN + "f", _MAIN + "is"
_RUN, _TEXT = _MAIN + "r", _MAIN + "t"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_SHEET_DATA_START = re.compile(rb"<(?:\w+:)?sheetData[\s>/]")
# How far into a sheet its <dimension> may be looked for: it comes before <sheetData>,
# after a few small elements (sheet properties, views, format).
DIMENSION_SEARCH_BYTES = 1 << 20


class FormulaWithoutValue:
    """A cell with a formula and no cached result: (reference, formula text or "")."""

    def __init__(self, reference, formula):
        self.reference, self.formula = reference, formula


class SheetXMLError(ValueError):
    pass


def declared_dimension(source):
    """(min_col, min_row, max_col, max_row) of the sheet's <dimension>, or None; reads
    only the part of `source` before <sheetData> (at most DIMENSION_SEARCH_BYTES)."""
    head = b""
    while len(head) < DIMENSION_SEARCH_BYTES:
        chunk = source.read(CHUNK)
        if not chunk:
            break
        head += chunk
        start = _SHEET_DATA_START.search(head)
        if start:
            head = head[: start.start()]
            break
    match = _DIMENSION.search(head)
    if not match:
        return None
    bounds = range_boundaries(match.group(1).decode())
    return bounds if None not in bounds else None


class _Handler:
    """expat callbacks collecting one row at a time into `rows`."""

    def __init__(self, shared_strings, epoch, date_formats, timedelta_formats):
        self.shared_strings, self.epoch = shared_strings, epoch
        self.date_formats, self.timedelta_formats = date_formats, timedelta_formats
        self.rows = []
        self.in_data = False
        self.row_number = 0
        self.cells = None
        self.column = 0
        self.cell = None  # [type, reference, style] of the open <c>
        self.value = self.formula = self.inline = None  # text pieces, None when absent
        self.text = None  # the list receiving character data, or None
        self.inside = None  # within <is>: the open tags below it
        self.columns = {}

    def start(self, tag, attrs):
        if not self.in_data:
            if tag == _SHEET_DATA:
                self.in_data = True
            return
        if tag == _CELL:
            self.cell = (attrs.get("t", "n"), attrs.get("r"), attrs.get("s"))
            self.value = self.formula = self.inline = None
        elif self.cell is not None:
            if self.inside is not None:
                # Within <is>: the text is <t> or <r><t>; a phonetic run (<rPh><t>) is not.
                self.inside.append(tag)
                if tag == _TEXT and (len(self.inside) == 1 or self.inside[0] == _RUN and len(self.inside) == 2):
                    self.text = self.inline
            elif tag == _VALUE:
                self.value = self.text = []
            elif tag == _FORMULA:
                self.formula = self.text = []
            elif tag == _INLINE:
                self.inline, self.inside = [], []
        elif tag == _ROW:
            number = attrs.get("r")
            if number is None:
                self.row_number += 1
            else:
                try:
                    self.row_number = int(number)
                except ValueError:
                    as_float = float(number)
                    if not as_float.is_integer():
                        raise SheetXMLError(f"{number} is not a valid row number") from None
                    self.row_number = int(as_float)
            self.cells, self.column = [], 0

    def end(self, tag):
        if not self.in_data:
            return
        if self.inside is not None:
            if self.inside:
                self.inside.pop()
                self.text = None
            else:  # </is>
                self.inside = None
        elif tag == _CELL:
            self.cells.append(self._cell())
            self.cell = self.text = None
        elif tag in (_VALUE, _FORMULA):
            self.text = None
        elif tag == _ROW:
            self.rows.append((self.row_number, self.cells))
            self.cells = None
        elif tag == _SHEET_DATA:
            self.in_data = False

    def characters(self, data):
        if self.text is not None:
            self.text.append(data)

    def _column_of(self, reference):
        letters = reference.rstrip("0123456789")
        column = self.columns.get(letters)
        if column is None:
            column = self.columns[letters] = column_index_from_string(letters)
        return column

    def _cell(self):
        kind, reference, style = self.cell
        if reference:
            self.column = self._column_of(reference)
        else:
            self.column += 1
        value = "".join(self.value) if self.value is not None and kind != "inlineStr" else None
        if value:
            if kind == "n":
                value = _cast_number(value)
                style_id = int(style) if style else 0
                if style_id in self.date_formats:
                    try:
                        value = from_excel(value, self.epoch, timedelta=style_id in self.timedelta_formats)
                    except (OverflowError, ValueError):
                        value = "#VALUE!"
            elif kind == "s":
                value = self.shared_strings[int(value)]
            elif kind == "b":
                value = bool(int(value))
            elif kind == "d":
                value = from_ISO8601(value)
        elif kind == "inlineStr" and self.inline is not None:
            value = "".join(self.inline)
        else:
            value = None
            cached = self.value
            if self.formula is not None and (cached is None or (not cached and kind != "str")):
                value = FormulaWithoutValue(reference or "?", "".join(self.formula))
        return {"column": self.column, "value": value}


def _refuse_doctype(*args):
    raise SheetXMLError("a document type declaration in a worksheet")


def rows(source, shared_strings, *, epoch, date_formats, timedelta_formats):
    """Yield (row number, cells) for each <row> of the worksheet XML in `source`."""
    handler = _Handler(shared_strings, epoch, date_formats, timedelta_formats)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.characters
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.buffer_text = True
    try:
        while chunk := source.read(CHUNK):
            parser.Parse(chunk, False)
            if handler.rows:
                yield from handler.rows
                handler.rows.clear()
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise SheetXMLError(str(error)) from error
    yield from handler.rows
