"""The roster of a batch, imported from the training centre's CSV or XLSX file.

parse reads the file into header-mapped rows, check applies the rules of Update Profil
to each row (pure), apply matches the rows to the records and writes them; cli is the
command line's way in. `from profiles.services import roster` gives all of it.
"""

from profiles.services.roster.apply import ImportReport, import_roster
from profiles.services.roster.check import (
    CONFLICT, CREATED, DUPLICATE, ERROR, STATUS_LABELS, STATUSES, UNCHANGED, UPDATED, RowResult, check_row,
    check_rows,
)
from profiles.services.roster.cli import FileImport, import_file, json_lines, text_lines
from profiles.services.roster.parse import Roster, RosterError, header_key, limit, read_roster

__all__ = [
    "CONFLICT", "CREATED", "DUPLICATE", "ERROR", "STATUSES", "STATUS_LABELS", "UNCHANGED", "UPDATED",
    "FileImport", "ImportReport", "Roster", "RosterError", "RowResult", "check_row", "check_rows", "header_key",
    "import_file", "import_roster", "json_lines", "limit", "read_roster", "text_lines",
]
