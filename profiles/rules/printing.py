"""The participant's data as the certificate prints it.

The certificate preview, its PDF and the staff review desk all show these lines, so
staff verify exactly what the participant previewed. The formatting rules live in the
rule modules (names are stored canonically by profiles.rules.names; the birth line and the
spaced NIP come from profiles.rules.birth and profiles.rules.nip).
"""

from dataclasses import dataclass

from profiles.rules.birth import format_birth_line
from profiles.rules.nip import format_nip


@dataclass(frozen=True)
class CertificateLines:
    nama: str
    nip: str
    tempat_tanggal_lahir: str
    pangkat_golongan: str
    jabatan: str
    instansi: str

    def rows(self):
        return [
            ("Nama", self.nama),
            ("NIP", self.nip),
            ("Tempat, Tanggal Lahir", self.tempat_tanggal_lahir),
            ("Pangkat/Golongan", self.pangkat_golongan),
            ("Jabatan", self.jabatan),
            ("Instansi", self.instansi),
        ]


def pangkat_golongan(pangkat, golongan):
    """`Penata Muda, III/a`; whichever half is known when the other is blank."""
    return ", ".join(part for part in (pangkat, golongan) if part)


def certificate_lines(participant):
    p = participant
    return CertificateLines(
        nama=p.nama,
        nip=format_nip(p.nip),
        tempat_tanggal_lahir=format_birth_line(p.tempat_lahir, p.tanggal_lahir),
        pangkat_golongan=pangkat_golongan(p.pangkat, p.golongan),
        jabatan=p.jabatan,
        instansi=p.asal_instansi,
    )
