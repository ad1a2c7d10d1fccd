"""The certificate preview PDF is kept per record version and photo (services/certificates/preview.py)."""

import pytest
from botocore.exceptions import ClientError
from django.core.files.storage import storages
from django.db.models import F
from django.urls import reverse

from profiles.models import Participant
from profiles.services.certificates import preview as certificates
from tests.conftest import ALICE_NIP
from tests.rosters import give_photo

PDF = reverse("certificate_pdf")


@pytest.fixture
def renders(monkeypatch):
    """Counts the PDFs actually rendered."""
    count = []
    real = certificates.render_pdf

    def counting(html):
        count.append(1)
        return real(html)

    monkeypatch.setattr(certificates, "render_pdf", counting)
    return count


@pytest.fixture
def complete_alice(alice):
    give_photo(alice)
    alice.refresh_from_db()
    return alice


def kept_files(participant):
    _, names = storages["default"].listdir(certificates.preview_folder(participant))
    return names


def test_a_second_view_of_the_same_record_is_served_without_rendering(alice_client, complete_alice, renders):
    first = alice_client.get(PDF).content
    second = alice_client.get(PDF).content
    assert len(renders) == 1
    assert first == second and first.startswith(b"%PDF-")


def test_a_saved_change_renders_a_new_preview(alice_client, complete_alice, renders):
    alice_client.get(PDF)
    Participant.objects.filter(pk=complete_alice.pk).update(nama="Siti Aminah, S.E.", version=F("version") + 1)
    alice_client.get(PDF)
    assert len(renders) == 2


def test_a_new_photo_renders_a_new_preview(alice_client, complete_alice, renders):
    alice_client.get(PDF)
    give_photo(complete_alice)
    alice_client.get(PDF)
    assert len(renders) == 2


def test_a_new_certificate_title_renders_a_new_preview(alice_client, complete_alice, renders):
    alice_client.get(PDF)
    complete_alice.batch.certificate_title = "SERTIFIKAT KELULUSAN"
    complete_alice.batch.save()
    alice_client.get(PDF)
    assert len(renders) == 2


def test_only_the_latest_preview_is_kept(alice_client, complete_alice):
    alice_client.get(PDF)
    give_photo(complete_alice)
    alice_client.get(PDF)
    complete_alice.refresh_from_db()
    assert kept_files(complete_alice) == [certificates.preview_key(complete_alice).rsplit("/", 1)[1]]


def test_the_kept_file_is_not_named_by_the_nip(alice_client, complete_alice):
    alice_client.get(PDF)
    assert ALICE_NIP not in certificates.preview_key(complete_alice)


def test_two_participants_never_share_a_preview(complete_alice, bob):
    give_photo(bob)
    bob.refresh_from_db()
    assert certificates.preview_key(complete_alice) != certificates.preview_key(bob)


def test_a_storage_that_cannot_keep_it_still_serves_the_pdf(alice_client, complete_alice, monkeypatch):
    def refuse(name, content, max_length=None):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "refused"}}, "PutObject")

    monkeypatch.setattr(storages["default"], "_save", refuse)
    response = alice_client.get(PDF)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
