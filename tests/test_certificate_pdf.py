"""The issued PDF: A4 landscape, the printed lines as text, no preview mark, a QR code to the verification page."""

import io
import re

import cv2
import pypdfium2

from profiles.services.certificates import render
from tests.certificates import issued, page_image, page_text, pdf_bytes


def test_the_page_is_a4_landscape(alice):
    document = pypdfium2.PdfDocument(io.BytesIO(pdf_bytes(issued(alice))))
    width, height = document[0].get_size()
    document.close()
    assert (round(width), round(height)) == (842, 595)


def test_the_participants_lines_are_extractable_text(alice):
    text = page_text(pdf_bytes(issued(alice)))
    for value in ("Siti Rahmawati, S.E.", "19930121 202012 2 004", "Jayapura, 21 Januari 1993",
                  "Penata Muda, III/a", "Analis Keuangan", "Kementerian Keuangan"):
        assert value in text


def test_the_number_is_printed(alice):
    certificate = issued(alice)
    assert f"Nomor: {certificate.number}" in page_text(pdf_bytes(certificate))


def test_the_batchs_template_is_printed(alice):
    batch = alice.batch
    batch.signatory_name = "Dr. Ahmad Yani, S.E., M.M."
    batch.organizer = "PPSDM Uji"
    batch.save()
    text = page_text(pdf_bytes(issued(alice)))
    assert "Dr. Ahmad Yani, S.E., M.M." in text
    assert "PPSDM UJI" in text.upper()


def test_an_issued_certificate_has_no_preview_mark(alice):
    assert "PRATINJAU" not in page_text(pdf_bytes(issued(alice))).upper()


def test_the_photo_is_embedded_as_stored(alice):
    certificate = issued(alice)
    with certificate.photo.file.open("rb") as handle:
        jpeg = handle.read()
    assert jpeg in pdf_bytes(certificate)


def test_the_qr_code_on_the_page_points_to_the_verification_page(alice):
    certificate = issued(alice)
    image = page_image(pdf_bytes(certificate), scale=3)
    # The ArUco-based detector, like a phone's reader, read all of 301 rendered codes; the classic
    # QRCodeDetector misses about one in 150 sound codes, which made this test flaky.
    decoded, _, _ = cv2.QRCodeDetectorAruco().detectAndDecode(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    assert decoded.endswith(f"/v/{certificate.code}/")


def test_the_qr_code_keeps_a_quiet_zone_of_four_modules():
    ops = render._qr_ops("https://contoh.go.id/v/abcdefghijklmnopqrstuv/", 0, 0, 30).decode()
    rects = [tuple(map(float, m)) for m in re.findall(r"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re", ops)]
    (x0, y0, side, _), dark = rects[0], rects[1:]
    module = min(height for _, _, _, height in dark)
    assert min(x for x, _, _, _ in dark) - x0 >= 4 * module - 0.01
    assert x0 + side - max(x + w for x, _, w, _ in dark) >= 4 * module - 0.01
    assert min(y for _, y, _, _ in dark) - y0 >= 4 * module - 0.01
    assert y0 + side - max(y + h for _, y, _, h in dark) >= 4 * module - 0.01


def test_the_verification_code_is_not_the_nip(alice):
    certificate = issued(alice)
    assert alice.nip not in certificate.code and len(certificate.code) >= 20


def test_a_character_outside_the_font_repertoire_prints_as_a_question_mark():
    font = render.load_font(render.REGULAR)
    assert font.encode("\u4e2d") == font.encode("?")
