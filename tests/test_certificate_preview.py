from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.services.certificates.preview import local_static_fetcher, render_pdf
from profiles.rules.printing import certificate_lines
from tests.pdf_text import streams, contains_text
from tests.rosters import give_photo

PAGE = reverse("certificate_preview")
PDF = reverse("certificate_pdf")


@pytest.fixture
def complete_alice(alice):
    give_photo(alice)
    return alice


def test_the_page_shows_the_lines_exactly_as_the_certificate_prints_them(alice_client, complete_alice):
    body = alice_client.get(PAGE).content.decode()
    lines = certificate_lines(complete_alice)
    for _, value in lines.rows():
        assert value in body
    assert "Siti Rahmawati, S.E." in body
    assert "Jayapura, 21 Januari 1993" in body
    assert "19930121 202012 2 004" in body
    assert "Penata Muda, III/a" in body


def test_the_page_is_marked_as_a_preview(alice_client, complete_alice):
    assert "PRATINJAU" in alice_client.get(PAGE).content.decode()


def test_the_page_shows_the_photo_at_its_printed_size(alice_client, complete_alice):
    body = alice_client.get(PAGE).content.decode()
    assert f'class="certificate-photo" src="{reverse("photo", args=[complete_alice.photo.uuid])}"' in body
    css = open("static/css/app.css").read()
    assert ".certificate-photo { width: 4cm; height: 6cm;" in css


def test_the_page_shows_the_batch_title_and_training_name(alice_client, complete_alice):
    batch = complete_alice.batch
    batch.certificate_title = "SERTIFIKAT KELULUSAN"
    batch.training_name = "Pelatihan Dasar CPNS Golongan III"
    batch.save()
    body = alice_client.get(PAGE).content.decode()
    assert "SERTIFIKAT KELULUSAN" in body and "Pelatihan Dasar CPNS Golongan III" in body


def test_the_page_works_without_a_photo(alice_client, alice):
    response = alice_client.get(PAGE)
    assert response.status_code == 200
    assert "Belum ada foto" in response.content.decode()


def test_the_pdf_is_served_inline_with_its_file_name(alice_client, complete_alice):
    response = alice_client.get(PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="pratinjau-sertifikat.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_the_pdf_carries_the_printed_name_and_birth_line_as_text(alice_client, complete_alice):
    pdf = alice_client.get(PDF).content
    assert contains_text(pdf, "Siti Rahmawati, S.E.")
    assert contains_text(pdf, "Jayapura, 21 Januari 1993")
    assert contains_text(pdf, "19930121 202012 2 004")
    assert contains_text(pdf, "PRATINJAU")


def test_the_pdf_embeds_the_photo_bytes(alice_client, complete_alice):
    pdf = alice_client.get(PDF).content
    # An image XObject: the photo was read through the storage, not fetched by URL.
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf


def test_the_pdf_embeds_the_shipped_font(alice_client, complete_alice):
    found = streams(alice_client.get(PDF).content)
    assert any(b"+DejaVu-Sans" in data for data in found)


def test_the_pdf_fetcher_refuses_the_network():
    fetcher = local_static_fetcher()
    for url in ("http://example.com/a.png", "https://example.com/a.css", "ftp://example.com/a"):
        with pytest.raises(ValueError):
            fetcher(url)


def test_the_pdf_fetcher_refuses_files_outside_static():
    with pytest.raises(ValueError):
        local_static_fetcher()("file:///etc/passwd")


def test_a_pdf_with_a_remote_image_renders_without_fetching_it(monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    assert render_pdf('<p>Nama</p><img src="http://127.0.0.1:9/x.png">').startswith(b"%PDF-")


@pytest.mark.parametrize("url", [PAGE, PDF])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [PAGE, PDF])
def test_another_participant_sees_only_their_own_data(bob_client, complete_alice, bob, url):
    response = bob_client.get(url)
    assert response.status_code == 200
    if url == PAGE:
        body = response.content.decode()
        assert "Bob Hartono" in body and "Siti Rahmawati" not in body
    else:
        assert contains_text(response.content, "Bob Hartono")
        assert not contains_text(response.content, "Siti Rahmawati")


@pytest.mark.parametrize("url", [PAGE, PDF])
def test_staff_have_no_preview(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("url", [PAGE, PDF])
def test_it_rejects_post(alice_client, alice, url):
    assert alice_client.post(url).status_code == 405


def test_it_stays_available_after_the_deadline(alice_client, complete_alice):
    complete_alice.batch.deadline = timezone.now() - timedelta(days=1)
    complete_alice.batch.save()
    assert alice_client.get(PAGE).status_code == 200


def test_my_profile_and_the_confirmation_page_link_the_preview(alice_client, complete_alice):
    for url in (reverse("profile"), reverse("confirm")):
        assert PAGE in alice_client.get(url).content.decode()
