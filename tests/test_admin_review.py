from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from profiles.models import ExportLog, Participant, Status, User
from profiles.services.accounts import create_participant
from tests.conftest import ALICE_VALUES, client_for
from tests.rosters import give_photo, nip_for

CHANGELIST = reverse("admin:profiles_participant_changelist")


def staff_with(*codenames, username="staf2"):
    user = User.objects.create_user(username, password="Kata-Sandi-Staf-2", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def change_url(participant):
    return reverse("admin:profiles_participant_change", args=[participant.pk])


def many(batch, count, start=10):
    created = []
    for serial in range(start, start + count):
        participant = create_participant(nip_for(serial), batch, dict(ALICE_VALUES, jenis_kelamin="Laki-laki"))
        give_photo(participant, warnings=["face_not_found"] if serial % 2 else [])
        created.append(participant)
    return created


@pytest.fixture
def complete_alice(alice):
    give_photo(alice, warnings=["shirt_not_white"])
    return alice


def verify_selected(client, *participants, follow=False):
    """The second step of the bulk action: the records as the confirmation page showed them."""
    data = {"action": "verify_selected", "apply": "1", "_selected_action": [p.pk for p in participants]}
    for p in participants:
        data[f"version_{p.pk}"] = p.version
        data[f"photo_{p.pk}"] = p.photo.uuid if p.photo_id else ""
    return client.post(CHANGELIST, data, follow=follow)


def verify_one(client, participant):
    seen = {"version": participant.version, "photo": participant.photo.uuid if participant.photo_id else ""}
    return client.post(reverse("admin:profiles_participant_verify", args=[participant.pk]), seen)


def nips_listed(response):
    return {obj.nip for obj in response.context["cl"].result_list}


def test_the_list_shows_thumbnail_status_warnings_in_words_and_batch(staff_client, complete_alice, bob):
    body = staff_client.get(CHANGELIST).content.decode()
    assert reverse("photo", args=[complete_alice.photo.uuid]) in body
    assert "Kemeja tidak putih" in body and ">shirt_not_white<" not in body
    assert "Belum diperbarui" in body and "Latsar Uji" in body


def test_the_list_needs_no_query_per_row(staff_client, batch):
    many(batch, 2)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(CHANGELIST)
    many(batch, 10, start=20)
    with CaptureQueriesContext(connection) as more:
        staff_client.get(CHANGELIST)
    assert len(more) == len(few)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("foto=ya", {"alice"}),
        ("foto=tidak", {"bob"}),
        ("catatan_foto=ada", {"alice"}),
        ("catatan_foto=tidak", set()),
        ("status__exact=belum_diperbarui", {"alice", "bob"}),
        ("q=199301212020121001", {"bob"}),
        ("q=Bob", {"bob"}),
        ("tervalidasi=tidak", {"alice", "bob"}),
    ],
)
def test_the_list_filters_and_searches(staff_client, complete_alice, bob, query, expected):
    names = {complete_alice.nip: "alice", bob.nip: "bob"}
    response = staff_client.get(f"{CHANGELIST}?{query}")
    assert {names[nip] for nip in nips_listed(response)} == expected


def test_the_list_filters_by_batch(staff_client, alice, closed_batch):
    other = create_participant(nip_for(5), closed_batch, dict(ALICE_VALUES, jenis_kelamin="Laki-laki"))
    response = staff_client.get(f"{CHANGELIST}?batch__id__exact={closed_batch.pk}")
    assert nips_listed(response) == {other.nip}


def test_the_detail_page_shows_the_photo_large_with_its_check_report(staff_client, complete_alice):
    body = staff_client.get(change_url(complete_alice)).content.decode()
    assert f'src="{reverse("photo", args=[complete_alice.photo.uuid])}"' in body
    assert 'width="320"' in body
    assert "Catatan shirt_not_white." in body and "File JPEG asli." in body
    assert reverse("admin:profiles_participant_history", args=[complete_alice.pk]) in body


def test_the_history_page_lists_the_changes(staff_client, complete_alice, staff):
    verify_selected(staff_client, complete_alice)
    response = staff_client.get(reverse("admin:profiles_participant_history", args=[complete_alice.pk]))
    assert response.status_code == 200
    assert "Verifikasi admin" in response.content.decode()


def test_the_verify_action_verifies_complete_records(staff_client, complete_alice, staff):
    response = verify_selected(staff_client, complete_alice)
    assert response.status_code == 302
    complete_alice.refresh_from_db()
    assert complete_alice.status == Status.TERVERIFIKASI and complete_alice.verified_by == staff


def test_the_verify_action_skips_incomplete_records_and_says_why(staff_client, bob):
    response = verify_selected(staff_client, bob, follow=True)
    assert "Tidak diverifikasi" in response.content.decode() and "Foto" in response.content.decode()
    bob.refresh_from_db()
    assert bob.status == Status.BELUM_DIPERBARUI


def test_the_revision_action_asks_for_a_note_first(staff_client, complete_alice):
    response = staff_client.post(CHANGELIST, {"action": "request_revision", "_selected_action": [complete_alice.pk]})
    assert response.status_code == 200
    assert "Catatan revisi untuk peserta" in response.content.decode()
    complete_alice.refresh_from_db()
    assert complete_alice.status == Status.BELUM_DIPERBARUI


def test_the_revision_action_refuses_an_empty_note(staff_client, complete_alice):
    response = staff_client.post(
        CHANGELIST,
        {"action": "request_revision", "_selected_action": [complete_alice.pk], "apply": "1", "note": "", "days": 3},
    )
    assert response.status_code == 200
    assert "Tuliskan catatan revisi" in response.content.decode()


def test_a_revision_request_reaches_the_participant_and_reopens_editing(staff_client, complete_alice, alice_client):
    complete_alice.batch.deadline = timezone.now() - timedelta(hours=1)
    complete_alice.batch.save()
    response = staff_client.post(
        CHANGELIST,
        {"action": "request_revision", "_selected_action": [complete_alice.pk], "apply": "1",
         "note": "Latar foto harus merah.", "days": 3},
    )
    assert response.status_code == 302
    complete_alice.refresh_from_db()
    assert complete_alice.status == Status.PERLU_REVISI
    body = alice_client.get(reverse("profile")).content.decode()
    assert "Latar foto harus merah." in body
    assert reverse("photo_upload") in body  # editing is open again


def test_the_detail_page_verifies_one_record(staff_client, complete_alice):
    response = verify_one(staff_client, complete_alice)
    assert response.status_code == 302 and response["Location"] == change_url(complete_alice)
    complete_alice.refresh_from_db()
    assert complete_alice.status == Status.TERVERIFIKASI


def test_the_detail_page_verify_link_does_nothing_on_get(staff_client, complete_alice):
    staff_client.get(reverse("admin:profiles_participant_verify", args=[complete_alice.pk]))
    complete_alice.refresh_from_db()
    assert complete_alice.status == Status.BELUM_DIPERBARUI


def test_the_detail_page_requests_a_revision(staff_client, complete_alice):
    url = reverse("admin:profiles_participant_revision", args=[complete_alice.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"note": "Nama sesuai SK CPNS.", "days": 2})
    assert response.status_code == 302
    complete_alice.refresh_from_db()
    assert complete_alice.revision_note == "Nama sesuai SK CPNS."


def test_staff_without_change_permission_cannot_review(complete_alice):
    viewer = staff_with("view_participant")
    client = client_for(viewer)
    verify_selected(client, complete_alice)
    assert verify_one(client, complete_alice).status_code == 403
    assert client.get(reverse("admin:profiles_participant_revision", args=[complete_alice.pk])).status_code == 403
    complete_alice.refresh_from_db()
    assert complete_alice.status == Status.BELUM_DIPERBARUI


def test_the_export_action_downloads_the_selected_records_and_logs_it(staff_client, staff, complete_alice, bob):
    response = staff_client.post(CHANGELIST, {"action": "export_selected", "_selected_action": [bob.pk]})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert bob.nip in body and complete_alice.nip not in body
    log = ExportLog.objects.get()
    assert (log.user, log.scope, log.count, log.source, log.format) == (staff, "selected", 1, "web", "csv")


def test_the_export_action_needs_the_export_permission(complete_alice):
    client = client_for(staff_with("view_participant", "change_participant"))
    response = client.post(CHANGELIST, {"action": "export_selected", "_selected_action": [complete_alice.pk]})
    assert not hasattr(response, "streaming_content")
    assert not ExportLog.objects.exists()


def test_participants_cannot_open_the_admin(alice_client):
    response = alice_client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Participant.objects.count() == 1
