import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from profiles.services import desk, review
from profiles.models import Participant, Status, User
from profiles.services.accounts import create_participant
from tests.conftest import ALICE_VALUES, client_for
from tests.rosters import give_photo, nip_for


def record_url(p, query=""):
    return reverse("desk_record", args=[p.batch_id, p.user_id]) + query


def verify_url(p, query=""):
    return reverse("desk_verify", args=[p.batch_id, p.user_id]) + query


def revision_url(p):
    return reverse("desk_revision", args=[p.batch_id, p.user_id])


def confirmed(batch, serial, nama, warnings=()):
    p = create_participant(nip_for(serial), batch, {**ALICE_VALUES, "nama": nama, "jenis_kelamin": "Laki-laki",
                                                    "tanggal_lahir": ALICE_VALUES["tanggal_lahir"]})
    give_photo(p, warnings=warnings)
    return review.confirm(p, by=p.user, **review.seen(p))


@pytest.fixture
def queue3(batch):
    return [confirmed(batch, 11, "Andi"), confirmed(batch, 12, "Budi", warnings=["eyes_closed"]), confirmed(batch, 13, "Cici")]


def posted(p):
    return {"version": p.version, "photo": str(p.photo.uuid) if p.photo_id else ""}


def test_the_start_page_opens_the_first_waiting_record(staff_client, queue3):
    response = staff_client.get(reverse("desk"))
    assert response.status_code == 302 and response["Location"] == record_url(queue3[0])


def test_the_record_page_shows_progress_and_the_certificate_lines(staff_client, queue3):
    response = staff_client.get(record_url(queue3[1]))
    page = response.content.decode()
    assert "2 dari 3" in page
    assert "19930121 202012 1 012" in page  # the NIP spaced as printed
    assert "Jayapura, 21 Januari 1993" in page


def test_the_url_carries_no_nip(staff_client, queue3):
    assert queue3[0].nip not in record_url(queue3[0])


def test_warnings_are_shown_in_words(staff_client, queue3):
    page = staff_client.get(record_url(queue3[1])).content.decode()
    assert ">Mata terpejam</li>" in page and ">eyes_closed<" not in page


def test_verifying_opens_the_next_record(staff_client, staff, queue3):
    first, second, _ = queue3
    response = staff_client.post(verify_url(first), posted(first))
    assert response.status_code == 302 and response["Location"] == record_url(second)
    first.refresh_from_db()
    assert first.status == Status.TERVERIFIKASI and first.verified_by == staff


def test_the_last_record_wraps_to_what_is_left(staff_client, queue3):
    first, _, last = queue3
    response = staff_client.post(verify_url(last), posted(last))
    assert response["Location"] == record_url(first)


def test_an_empty_queue_goes_back_to_the_queue_page(staff_client, alice, staff):
    give_photo(alice)
    alice = review.confirm(alice, by=alice.user, **review.seen(alice))
    response = staff_client.post(verify_url(alice), posted(alice))
    assert response["Location"] == reverse("desk_queue", args=[alice.batch_id])


def test_it_refuses_a_stale_version(staff_client, queue3):
    first = queue3[0]
    data = posted(first)
    Participant.objects.filter(pk=first.pk).update(version=first.version + 1)
    response = staff_client.post(verify_url(first), data)
    assert response["Location"] == record_url(first)
    first.refresh_from_db()
    assert first.status == Status.DIKONFIRMASI


def test_it_refuses_a_verification_of_another_photo(staff_client, queue3):
    first = queue3[0]
    data = posted(first)
    give_photo(first)
    staff_client.post(verify_url(first), data)
    first.refresh_from_db()
    assert first.status != Status.TERVERIFIKASI


def test_it_refuses_a_form_without_a_version(staff_client, queue3):
    first = queue3[0]
    staff_client.post(verify_url(first), {"photo": str(first.photo.uuid)})
    first.refresh_from_db()
    assert first.status == Status.DIKONFIRMASI


def test_verify_rejects_get(staff_client, queue3):
    assert staff_client.get(verify_url(queue3[0])).status_code == 405


def test_a_revision_sends_the_chosen_reasons_and_the_text_by_mail(staff_client, queue3, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    first, second, _ = queue3
    response = staff_client.post(revision_url(first), {"alasan": ["latar", "nama"], "catatan": "Gelar S.E. hilang."})
    assert response["Location"] == record_url(second)
    first.refresh_from_db()
    assert first.status == Status.PERLU_REVISI
    assert first.revision_note == "Latar foto bukan merah.\nNama atau gelar tidak sesuai SK CPNS.\nGelar S.E. hilang."
    assert mail.outbox[0].to == [first.email] and "Gelar S.E. hilang." in mail.outbox[0].body


def test_a_revision_without_a_reason_is_refused(staff_client, queue3):
    first = queue3[0]
    response = staff_client.post(revision_url(first), {"catatan": "  "})
    assert response["Location"] == record_url(first)
    first.refresh_from_db()
    assert first.status == Status.DIKONFIRMASI


def test_the_photo_filter_narrows_the_queue(staff_client, queue3):
    response = staff_client.get(reverse("desk_queue", args=[queue3[0].batch_id]) + "?foto=catatan")
    assert response["Location"] == record_url(queue3[1], "?foto=catatan")


def test_changes_since_the_roster_import_are_listed(staff_client, queue3):
    first = queue3[0]
    Participant.objects.filter(pk=first.pk).update(roster_values={**{c: "" for c in desk.DATA_COLUMNS}, "nama": "Andy"})
    first.refresh_from_db()
    labels = [label for label, _, _ in desk.changes_since_roster(first)]
    assert "Nama" in labels and "Tanggal Lahir" in labels


def test_a_record_never_imported_says_so(queue3):
    assert desk.changes_since_roster(queue3[0]) is None


def test_the_history_lists_the_last_entries(queue3):
    entries = desk.history_entries(queue3[0])
    assert entries[0]["reason"] == "Konfirmasi peserta"


def test_every_warning_code_has_words():
    for code in ["eyes_missing", "eyes_closed", "mouth_open", "head_tilted", "shirt_not_white", "face_missing"]:
        assert code in desk.WARNING_WORDS


@pytest.mark.parametrize("who", ["anonymous", "participant", "no_permission"])
def test_only_staff_with_the_change_permission_use_the_desk(who, client, queue3, alice):
    if who == "participant":
        client = client_for(alice.user)
    elif who == "no_permission":
        user = User.objects.create_user("lihat", password="x", is_staff=True)
        user.user_permissions.set(Permission.objects.filter(codename="view_participant"))
        client = client_for(user)
    for url in (reverse("desk"), record_url(queue3[0])):
        response = client.get(url)
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
    response = client.post(verify_url(queue3[0]), posted(queue3[0]))
    assert response.status_code in (302, 403) and not response["Location" if response.status_code == 302 else "Content-Type"].startswith("/staf/")
    queue3[0].refresh_from_db()
    assert queue3[0].status == Status.DIKONFIRMASI


def test_a_record_of_another_batch_is_not_found(staff_client, queue3, closed_batch):
    url = reverse("desk_record", args=[closed_batch.pk, queue3[0].user_id])
    assert staff_client.get(url).status_code == 404
