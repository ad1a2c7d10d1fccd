"""The public verification page: what it shows (and not), revoked certificates, uploads, the rate limit."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from profiles.services.certificates import issue
from tests.certificates import issued, pdf_bytes


def page(certificate, client=None):
    return (client or Client()).get(reverse("verify", args=[certificate.code]))


def upload(certificate, data, name="sertifikat.pdf"):
    return Client().post(reverse("verify", args=[certificate.code]),
                         {"berkas": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_anyone_sees_a_valid_certificate(alice):
    response = page(issued(alice))
    assert response.status_code == 200
    assert 'data-state="valid"' in response.content.decode()


def test_it_shows_the_number_the_name_with_titles_and_the_batch(alice):
    certificate = issued(alice)
    body = page(certificate).content.decode()
    assert certificate.number in body
    assert "Siti Rahmawati, S.E." in body
    assert "Latsar Uji" in body


def test_it_shows_the_nip_masked(alice):
    body = page(issued(alice)).content.decode()
    assert "19930121 ****** * 004" in body
    assert "202012" not in body


def test_it_shows_nothing_else_personal(alice):
    body = page(issued(alice)).content.decode()
    for private in ("Jayapura", "Analis Keuangan", "Kementerian Keuangan", "siti@kemenkeu.go.id",
                    "Lapangan Banteng", "81234567890", "Penata Muda", "Islam"):
        assert private not in body


def test_a_revoked_certificate_says_so_with_the_date(alice, staff):
    certificate = issue.revoke(issued(alice), by=staff, reason="Salah")
    body = page(certificate).content.decode()
    assert 'data-state="revoked"' in body
    assert f"{certificate.revoked_at.day} " in body


def test_an_unknown_code_is_not_found(db):
    assert Client().get(reverse("verify", args=["tidak-ada"])).status_code == 404


def test_a_certificate_still_being_made_is_not_shown(alice):
    from tests.certificates import validated

    validated(alice)
    claimed = issue.claim(alice.pk)
    assert page(claimed).status_code == 404


def test_the_small_photo_is_served(alice):
    certificate = issued(alice)
    response = Client().get(reverse("verify_photo", args=[certificate.code]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_an_uploaded_unchanged_certificate_is_ours(alice):
    certificate = issued(alice)
    body = upload(certificate, pdf_bytes(certificate)).content.decode()
    assert 'data-ours="yes"' in body


def test_an_uploaded_tampered_certificate_is_not_ours(alice):
    certificate = issued(alice)
    data = bytearray(pdf_bytes(certificate))
    data[data.index(b"/MediaBox") + 1] = ord("m")
    body = upload(certificate, bytes(data)).content.decode()
    assert 'data-ours="no"' in body


def test_an_uploaded_file_that_is_no_pdf_is_not_ours(alice):
    body = upload(issued(alice), b"hello", name="x.pdf").content.decode()
    assert 'data-ours="no"' in body


def test_an_upload_without_a_file_asks_for_one(alice):
    response = Client().post(reverse("verify", args=[issued(alice).code]))
    assert "Pilih berkas PDF" in response.content.decode()


def test_too_many_requests_from_one_address_are_refused(alice, settings):
    settings.VERIFY_REQUESTS_PER_10_MIN = 2
    certificate = issued(alice)
    client = Client()
    assert [page(certificate, client).status_code for _ in range(3)] == [200, 200, 429]


def test_too_many_uploads_from_one_address_are_refused(alice, settings):
    settings.VERIFY_UPLOADS_PER_10_MIN = 1
    certificate = issued(alice)
    assert [upload(certificate, b"x").status_code for _ in range(2)] == [200, 429]
