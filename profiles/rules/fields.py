"""The twelve fields of the guide, declared once.

The Update Profil form, the record check, the completeness rule, the profile and
certificate pages, the roster import, the exports and the admin all read this table,
so adding, renaming or relabelling a field is one edit here. Pure: no ORM.

`name` is the guide's name: the input name in the form and the roster, and the model
column except for the birth field, which the guide edits as one `Tempat;Tanggal` value
and the database keeps as two columns.
"""

from dataclasses import dataclass

from profiles.rules.birth import format_birth_field
from profiles.rules.contact import format_no_telp


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # as participants read it in the guide
    columns: tuple  # model columns
    # Roster header texts, compared in lower case without anything but letters and digits
    # (profiles.services.roster.header_key), so "No. Telp", "NO TELP" and "no_telp" are one header.
    aliases: tuple
    heading: str  # the export column
    help_text: str = ""
    max_length: int | None = None
    editable: bool = True  # by the participant

    def is_blank(self, participant):
        return any(getattr(participant, column) in (None, "") for column in self.columns)

    def display(self, participant):
        """The value as the profile page, the exports and the admin show it."""
        if self.name == BIRTH:
            return format_birth_field(participant.tempat_lahir, participant.tanggal_lahir)
        value = getattr(participant, self.columns[0])
        if self.name == "no_telp" and value:
            return format_no_telp(value)
        return value or ""


BIRTH = "tempat_tanggal_lahir"

FIELDS = (
    Field("nip", "NIP", ("nip",),
          ("nip", "nipbaru", "nipcpns", "nomornip", "nomorindukpegawai"), "NIP", editable=False),
    Field("nama", "Nama", ("nama",),
          ("nama", "namalengkap", "namapeserta", "namadangelar", "namalengkapdangelar", "namagelar"),
          "Nama", help_text="Nama lengkap dengan gelar, sesuai SK CPNS. Contoh: Ahmad Yani, S.E.",
          max_length=150),
    Field(BIRTH, "Tempat;Tanggal Lahir", ("tempat_lahir", "tanggal_lahir"),
          ("tempattanggallahir", "tempattgllahir", "tempatdantanggallahir", "ttl", "tempattanggallahirttl"),
          "Tempat;Tanggal Lahir",
          help_text="Format Tempat;Tanggal, contoh: Jayapura;29-2-2000.", max_length=120),
    Field("jenis_kelamin", "Jenis Kelamin", ("jenis_kelamin",),
          ("jeniskelamin", "jk", "kelamin", "lp", "gender"), "Jenis Kelamin"),
    Field("agama", "Agama", ("agama",), ("agama",), "Agama"),
    Field("jabatan", "Jabatan", ("jabatan",), ("jabatan", "namajabatan"), "Jabatan",
          help_text="Sesuai SK Grading.", max_length=200),
    Field("pangkat", "Pangkat", ("pangkat",), ("pangkat",), "Pangkat",
          help_text="Terisi otomatis sesuai golongan."),
    Field("golongan", "Golongan", ("golongan",),
          ("golongan", "gol", "golru", "golruang", "golonganruang"), "Golongan"),
    Field("email", "Email", ("email",),
          ("email", "alamatemail", "emailkedinasan", "emaildinas", "surel"), "Email",
          help_text="Email kedinasan, misalnya nama@kemenkeu.go.id.", max_length=254),
    Field("asal_instansi", "Asal Instansi", ("asal_instansi",),
          ("asalinstansi", "instansi", "instansiasal", "namainstansi"), "Asal Instansi",
          help_text="Instansi setingkat kementerian, contoh: Kementerian Keuangan, PPATK.",
          max_length=200),
    Field("alamat_instansi", "Alamat Instansi", ("alamat_instansi",),
          ("alamatinstansi", "alamatkantor", "alamatkantorpenempatan", "alamatunitkerja"),
          "Alamat Instansi", help_text="Alamat kantor penempatan.", max_length=300),
    Field("no_telp", "No. Telp", ("no_telp",),
          ("notelp", "notlp", "notelepon", "nomortelepon", "nomortelp", "telp", "tlp", "telepon",
           "nohp", "nomorhp", "hp", "nohpwa", "nowa", "nomorwa", "whatsapp", "ponsel", "nomorponsel"),
          "No. Telp", help_text="Nomor HP pribadi, contoh: 0812-3456-7890.", max_length=30),
)

BY_NAME = {field.name: field for field in FIELDS}
EDITABLE = tuple(field for field in FIELDS if field.editable)
EDITABLE_NAMES = tuple(field.name for field in EDITABLE)
LABELS = {field.name: field.label for field in FIELDS}
# The model columns of the participant's data (the NIP is the key, not data).
DATA_COLUMNS = tuple(column for field in EDITABLE for column in field.columns)

# A roster may also give the birth place and date in two columns of their own.
BIRTH_PARTS = {
    "tempat_lahir": ("Tempat Lahir", ("tempatlahir", "tempat", "tmplahir", "tmptlahir")),
    "tanggal_lahir": ("Tanggal Lahir", ("tanggallahir", "tgllahir", "tgllhr", "tanggal")),
}
# The stored birth place (the combined input has its own max_length).
PLACE_MAX_LENGTH = 100


def missing_fields(participant):
    """The editable fields still blank, in the guide's order."""
    return [field for field in EDITABLE if field.is_blank(participant)]


def display_rows(participant):
    """(label, shown value) for all twelve fields, in the guide's order."""
    return [(field.label, field.display(participant)) for field in FIELDS]
