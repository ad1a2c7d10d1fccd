from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from profiles.models import Participant, Photo, Status
from tests.photo_factory import make_id_photo

URL = reverse("photo_upload")


def upload(client, data, name="foto.jpg"):
    return client.post(URL, {"foto": SimpleUploadedFile(name, data, content_type="image/jpeg")})


def test_it_shows_the_upload_form_with_the_photo_rules(alice_client, alice):
    body = alice_client.get(URL).content.decode()
    assert "Upload Photo" in body and "Save changes" in body
    assert "Latar belakang warna merah" in body


def test_a_good_photo_is_stored_and_shown_at_once(alice_client, alice):
    response = upload(alice_client, make_id_photo())
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.photo is not None
    assert alice.status == Status.DIPERBARUI
    page = alice_client.get(response["Location"]).content.decode()
    assert "Berhasil di Update" in page
    assert reverse("photo", args=[alice.photo.uuid]) in page


def test_the_stored_photo_is_the_uploaded_one_as_a_jpeg(alice_client, alice):
    upload(alice_client, make_id_photo(width=600, height=900))
    alice.refresh_from_db()
    response = alice_client.get(reverse("photo", args=[alice.photo.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(__import__("io").BytesIO(b"".join(response.streaming_content)))
    assert image.format == "JPEG" and image.size == (600, 900)


def test_a_new_photo_gets_a_new_url_and_the_old_one_is_kept(alice_client, alice):
    upload(alice_client, make_id_photo())
    first = Participant.objects.get(pk=alice.pk).photo
    upload(alice_client, make_id_photo(width=640, height=960))
    second = Participant.objects.get(pk=alice.pk).photo
    assert first.uuid != second.uuid
    assert first.file.name != second.file.name
    assert Photo.objects.filter(participant=alice).count() == 2
    assert first.file.storage.exists(first.file.name)


def test_a_refused_photo_shows_the_reasons_and_keeps_the_current_photo(alice_client, alice):
    upload(alice_client, make_id_photo())
    current = Participant.objects.get(pk=alice.pk).photo
    response = upload(alice_client, make_id_photo(width=900, height=600))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-code="ratio" data-ok="0"' in body
    assert "landscape" in body
    assert Participant.objects.get(pk=alice.pk).photo == current
    assert Photo.objects.filter(participant=alice).count() == 1


def test_a_png_named_jpg_is_refused_with_its_real_type(alice_client, alice):
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (400, 600), (215, 69, 50)).save(buffer, "PNG")
    response = upload(alice_client, buffer.getvalue(), name="foto.jpg")
    assert response.status_code == 200
    assert "PNG" in response.content.decode()
    assert not Photo.objects.exists()


def test_an_empty_file_gets_a_clear_message(alice_client, alice):
    response = upload(alice_client, b"")
    assert response.status_code == 200
    assert 'data-code="format" data-ok="0"' in response.content.decode()
    assert not Photo.objects.exists()


def test_no_file_chosen_gets_a_clear_message(alice_client, alice):
    response = alice_client.post(URL, {})
    assert response.status_code == 200
    assert "Pilih file foto terlebih dahulu." in response.content.decode()


def test_warnings_are_shown_and_recorded_for_the_admin(alice_client, alice):
    # A plain red card: every blocking rule passes, but no face is found.
    response = upload(alice_client, make_id_photo(face=False))
    assert response.status_code == 302
    photo = Participant.objects.get(pk=alice.pk).photo
    assert "face_missing" in photo.warnings
    assert photo.report["ok"] is True
    page = alice_client.get(response["Location"]).content.decode()
    assert "Catatan foto" in page


def test_after_the_deadline_an_upload_is_refused(alice_client, alice):
    alice.batch.deadline = timezone.now() - timedelta(seconds=1)
    alice.batch.save()
    response = upload(alice_client, make_id_photo())
    assert response.status_code == 302
    assert "sudah lewat" in alice_client.get(response["Location"]).content.decode()
    assert not Photo.objects.exists()


def test_the_stored_file_name_comes_from_no_user_input(alice_client, alice):
    upload(alice_client, make_id_photo(), name="../../etc/passwd;<script>.jpg")
    photo = Participant.objects.get(pk=alice.pk).photo
    assert photo.file.name == f"{photo.uuid.hex[:2]}/{photo.uuid.hex}.jpg"


def test_participants_see_only_their_own_photo(alice_client, bob_client, alice, staff_client, client):
    upload(alice_client, make_id_photo())
    url = reverse("photo", args=[Participant.objects.get(pk=alice.pk).photo.uuid])
    assert alice_client.get(url).status_code == 200
    assert bob_client.get(url).status_code == 404
    assert staff_client.get(url).status_code == 200
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_the_upload_page_is_closed_to_anonymous_visitors(client, alice):
    assert client.post(URL, {})["Location"].startswith(reverse("login"))


def test_the_page_offers_fixing_any_photo_from_the_phone(alice_client, alice):
    body = alice_client.get(URL).content.decode()
    assert 'id="fix-any-form"' in body and reverse("photo_fix_start") in body


def test_after_the_deadline_the_page_offers_neither_upload_nor_fix(alice_client, alice):
    alice.batch.deadline = timezone.now() - timedelta(seconds=1)
    alice.batch.save()
    body = alice_client.get(URL).content.decode()
    assert 'id="upload-form"' not in body and 'id="fix-any-form"' not in body


def test_a_confirmed_participant_is_warned_that_a_new_photo_cancels_it(alice_client, alice):
    assert 'id="reconfirm-notice"' not in alice_client.get(URL).content.decode()
    alice.confirmed_at = timezone.now()
    alice.status = Status.DIKONFIRMASI
    alice.save()
    assert 'id="reconfirm-notice"' in alice_client.get(URL).content.decode()


def test_a_refused_jpeg_on_red_is_kept_for_fixing_only_when_a_fixable_rule_failed(alice_client, alice):
    from profiles.models import PhotoFix

    upload(alice_client, make_id_photo(width=900, height=600))
    assert PhotoFix.objects.filter(participant=alice, state=PhotoFix.State.AWAITING).exists()


def test_an_accepted_upload_keeps_no_copy_for_fixing(alice_client, alice):
    from profiles.models import PhotoFix

    upload(alice_client, make_id_photo())
    assert not PhotoFix.objects.exists()


def test_the_upload_page_refuses_other_methods(alice_client, alice):
    assert alice_client.put(URL).status_code == 405


def test_staff_are_sent_to_the_admin(staff_client):
    assert staff_client.get(URL)["Location"] == reverse("admin:index")
