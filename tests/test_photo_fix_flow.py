""""Perbaiki foto otomatis" from the upload page to a stored photo, through the real fixer
and the task queue (immediate backend here, the database backend for the stalled queue)."""

from datetime import timedelta
from functools import lru_cache
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from profiles.services import photo_fixes
from profiles.models import Participant, Photo, PhotoFix, Status, User
from profiles.photos.vendored import ModelFileError
from tests import walls
from tests.conftest import client_for
from tests.photo_factory import make_id_photo

UPLOAD = reverse("photo_upload")
START = reverse("photo_fix_start")


@lru_cache(maxsize=None)
def white_wall_photo():
    # A phone photo: 3:4, on a white wall (a blue shirt: the flat drawn white shirt on a
    # white wall is refused by the fixer, see tests/test_photo_fix.py).
    return walls.phone_photo("white", 1200, 1600, shirt="blue")


@lru_cache(maxsize=None)
def faceless_photo():
    return walls.encode(walls.wall("light_blue", 900, 1200))


def upload(client, data, name="foto.jpg"):
    return client.post(UPLOAD, {"foto": SimpleUploadedFile(name, data, content_type="image/jpeg")})


def fix_any(client, data, name="foto.heic"):
    return client.post(START, {"perbaiki-foto": SimpleUploadedFile(name, data, content_type="application/octet-stream")})


def body(response):
    return response.content.decode()


def done_fix(alice, data=None):
    fix = photo_fixes.start_fix(alice, data or white_wall_photo(), by=alice.user)
    assert fix.state == PhotoFix.State.DONE, fix.refused_message
    return fix


def page_url(fix):
    return reverse("photo_fix", args=[fix.uuid])


def image_url(fix, kind):
    return reverse("photo_fix_image", args=[fix.uuid, kind])


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# The upload page -------------------------------------------------------------------------


def test_a_refused_phone_photo_is_kept_and_offered_for_fixing(alice_client, alice):
    response = upload(alice_client, white_wall_photo())
    assert response.status_code == 200
    fix = PhotoFix.objects.get(participant=alice)
    assert fix.state == PhotoFix.State.AWAITING
    assert f'name="fix" value="{fix.uuid}"' in body(response)
    assert "Perbaiki foto otomatis" in body(response)
    with fix.source.open("rb") as source:
        assert source.read() == white_wall_photo()


def test_the_report_leads_with_what_failed_then_the_passed_checks(alice_client, alice):
    page = body(upload(alice_client, white_wall_photo()))
    failed = page.index('data-code="background" data-ok="0"')
    passed = page.index('data-ok="1"')
    assert page.index('data-code="ratio" data-ok="0"') < passed and failed < passed


def test_the_rejected_photo_is_shown_as_a_jpeg_preview_not_as_the_upload(alice_client, alice):
    png = walls.phone_photo("white", 600, 800, fmt="PNG", shirt="blue")
    page = body(upload(alice_client, png, name="foto.png"))
    fix = PhotoFix.objects.get(participant=alice)
    assert image_url(fix, "sebelum") in page
    response = alice_client.get(image_url(fix, "sebelum"))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert content(response)[:2] == b"\xff\xd8"


def test_a_check_that_could_not_run_is_shown_as_not_checked(alice_client, alice):
    png = walls.phone_photo("white", 600, 800, fmt="PNG", shirt="blue")
    page = body(upload(alice_client, png, name="foto.png"))
    assert 'data-code="ratio" data-ok="-"' in page
    assert "tidak diperiksa" in page
    assert 'data-code="ratio" data-ok="0"' not in page and 'data-code="ratio" data-ok="1"' not in page


def test_a_file_that_is_no_photo_is_not_kept(alice_client, alice):
    upload(alice_client, b"<html>bukan foto</html>")
    assert not PhotoFix.objects.exists()


def test_only_the_latest_refused_upload_is_kept(alice_client, alice):
    upload(alice_client, white_wall_photo())
    first = PhotoFix.objects.get(participant=alice)
    upload(alice_client, white_wall_photo())
    first.refresh_from_db()
    assert first.state == PhotoFix.State.DISCARDED and not first.source
    assert PhotoFix.objects.filter(participant=alice, state=PhotoFix.State.AWAITING).count() == 1


def test_the_upload_form_takes_jpeg_and_the_fix_form_any_phone_photo(alice_client, alice):
    page = body(alice_client.get(UPLOAD))
    assert 'accept="image/jpeg,.jpg,.jpeg"' in page
    assert 'accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"' in page


# Fixing -----------------------------------------------------------------------------------


def test_fixing_the_kept_upload_needs_no_second_upload(alice_client, alice):
    upload(alice_client, white_wall_photo())
    fix = PhotoFix.objects.get(participant=alice)
    response = alice_client.post(START, {"fix": str(fix.uuid)})
    assert response.status_code == 302 and response["Location"] == page_url(fix)
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.DONE
    assert fix.pipeline_version and fix.changes and fix.report["ok"] is True


def test_the_result_shows_before_and_after_the_changes_and_both_buttons(alice_client, alice):
    fix = done_fix(alice)
    page = body(alice_client.get(page_url(fix)))
    assert image_url(fix, "sebelum") in page and image_url(fix, "sesudah") in page
    assert 'class="fix-compare' in page
    for change in fix.changes:
        assert change in page
    assert "Gunakan foto ini" in page and "Unggah ulang" in page
    assert reverse("photo_fix_accept", args=[fix.uuid]) in page


def test_the_fixed_image_is_the_fixers_jpeg(alice_client, alice):
    fix = done_fix(alice)
    response = alice_client.get(image_url(fix, "sesudah"))
    with fix.result.open("rb") as result:
        assert content(response) == result.read()
    assert response["Content-Type"] == "image/jpeg"


def test_nothing_is_stored_as_the_photo_before_the_click(alice_client, alice):
    fix = done_fix(alice)
    alice_client.get(page_url(fix))
    alice.refresh_from_db()
    assert alice.photo is None and not Photo.objects.exists()
    assert alice.status == Status.BELUM_DIPERBARUI


def test_any_photo_can_be_fixed_from_the_second_form(alice_client, alice):
    png = walls.phone_photo("light_blue", 900, 1200, fmt="PNG")
    response = fix_any(alice_client, png, name="foto.png")
    fix = PhotoFix.objects.get(participant=alice)
    assert response["Location"] == page_url(fix)
    assert fix.state == PhotoFix.State.DONE
    assert "diubah dari PNG ke JPEG" in fix.changes


def test_the_fix_form_without_a_file_says_so(alice_client, alice):
    response = alice_client.post(START, {}, follow=True)
    assert "Pilih file foto terlebih dahulu." in body(response)
    assert not PhotoFix.objects.exists()


def test_a_photo_that_cannot_be_fixed_says_why_and_offers_a_new_upload(alice_client, alice):
    fix_any(alice_client, faceless_photo(), name="dinding.jpg")
    fix = PhotoFix.objects.get(participant=alice)
    assert fix.state == PhotoFix.State.REFUSED and fix.refused_code == "no_face"
    page = body(alice_client.get(page_url(fix)))
    assert "Wajah tidak ditemukan" in page and "Unggah ulang" in page
    assert "Gunakan foto ini" not in page


def test_the_status_endpoint_gives_the_state_and_the_result_to_swap_in(alice_client, alice):
    fix = done_fix(alice)
    status = alice_client.get(reverse("photo_fix_status", args=[fix.uuid])).json()
    assert status["state"] == "done" and status["pending"] is False
    assert "Gunakan foto ini" in status["html"] and image_url(fix, "sesudah") in status["html"]


def test_running_the_job_twice_changes_nothing(alice):
    fix = done_fix(alice)
    result_name = fix.result.name
    photo_fixes.run_fix(fix.pk)
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.DONE and fix.result.name == result_name


def test_a_fix_discarded_while_it_runs_stays_discarded(alice, monkeypatch):
    fix = photo_fixes.keep_refused_upload(alice, white_wall_photo(), by=alice.user)
    real = photo_fixes.fix_photo

    def discarded_meanwhile(data):
        photo_fixes.discard_fix(alice, fix.uuid, by=alice.user)
        return real(data)

    monkeypatch.setattr(photo_fixes, "fix_photo", discarded_meanwhile)
    photo_fixes.queue_kept_upload(alice, fix.uuid, by=alice.user)
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.DISCARDED
    assert not fix.result and not fix.source
    storage = PhotoFix._meta.get_field("result").storage
    assert not any(storage.listdir(f"perbaikan/{fix.uuid.hex[:2]}")[1])


def test_a_server_fault_is_reported_as_such_and_can_be_retried(alice_client, alice, monkeypatch):
    real = photo_fixes.fix_photo

    def missing_model(data):
        raise ModelFileError("face_landmarker.task missing")

    monkeypatch.setattr(photo_fixes, "fix_photo", missing_model)
    fix = photo_fixes.start_fix(alice, white_wall_photo(), by=alice.user)
    assert fix.state == PhotoFix.State.FAILED
    assert "gangguan di server" in body(alice_client.get(page_url(fix)))
    monkeypatch.setattr(photo_fixes, "fix_photo", real)
    alice_client.post(reverse("photo_fix_retry", args=[fix.uuid]))
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.DONE


def test_a_fix_cannot_start_after_the_deadline(alice_client, alice):
    alice.batch.deadline = timezone.now() - timedelta(seconds=1)
    alice.batch.save()
    response = fix_any(alice_client, white_wall_photo(), name="foto.jpg")
    assert response["Location"] == reverse("profile")
    assert not PhotoFix.objects.exists()


# Accepting and discarding ---------------------------------------------------------------


def test_using_the_fix_stores_an_auto_fixed_photo_version(alice_client, alice):
    fix = done_fix(alice)
    response = alice_client.post(reverse("photo_fix_accept", args=[fix.uuid]))
    assert response["Location"] == reverse("profile")
    alice.refresh_from_db()
    photo = alice.photo
    assert photo.auto_fixed is True
    assert photo.pipeline_version == fix.pipeline_version == "fix-2"
    assert photo.changes == fix.changes
    assert alice.status == Status.DIPERBARUI
    assert "Berhasil di Update" in body(alice_client.get(reverse("profile")))


def test_the_stored_photo_is_the_fixed_one_and_the_upload_is_kept_as_its_original(alice):
    fix = done_fix(alice)
    with fix.result.open("rb") as result:
        fixed = result.read()
    photo = photo_fixes.accept_fix(alice, fix.uuid, by=alice.user)
    with photo.original.open("rb") as original:
        assert original.read() == white_wall_photo()
    with photo.file.open("rb") as stored:
        data = stored.read()
    # sanitize_jpeg keeps the pixels of a metadata-free JPEG: same size, same dimensions.
    assert (photo.width, photo.height) == (827, 1240) and len(data) == len(fixed)


def test_after_use_the_fix_keeps_no_copies_of_the_photo(alice):
    fix = done_fix(alice)
    names = [fix.source.name, fix.preview.name, fix.result.name]
    photo = photo_fixes.accept_fix(alice, fix.uuid, by=alice.user)
    fix.refresh_from_db()
    storage = fix.source.storage
    assert not any(storage.exists(name) for name in names)
    assert fix.state == PhotoFix.State.ACCEPTED and fix.photo == photo


def test_a_fix_is_used_only_once(alice_client, alice):
    fix = done_fix(alice)
    url = reverse("photo_fix_accept", args=[fix.uuid])
    alice_client.post(url)
    response = alice_client.post(url, follow=True)
    assert Photo.objects.count() == 1
    assert "sudah dipakai" in body(response)


def test_a_fix_that_is_not_done_cannot_be_used(alice_client, alice):
    fix = photo_fixes.keep_refused_upload(alice, white_wall_photo(), by=alice.user)
    response = alice_client.post(reverse("photo_fix_accept", args=[fix.uuid]), follow=True)
    assert "belum siap" in body(response)
    assert not Photo.objects.exists()


def test_a_refused_fix_cannot_be_used(alice, bob):
    fix = photo_fixes.start_fix(alice, faceless_photo(), by=alice.user)
    with pytest.raises(photo_fixes.FixNotReady):
        photo_fixes.accept_fix(alice, fix.uuid, by=alice.user)


def test_a_fix_cannot_be_used_after_the_deadline(alice_client, alice):
    fix = done_fix(alice)
    alice.batch.deadline = timezone.now() - timedelta(seconds=1)
    alice.batch.save()
    response = alice_client.post(reverse("photo_fix_accept", args=[fix.uuid]))
    assert response["Location"] == reverse("profile")
    assert not Photo.objects.exists()
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.DONE


def test_using_a_fix_cancels_a_confirmation_like_any_new_photo(alice_client, alice):
    alice.confirmed_at = timezone.now()
    alice.status = Status.DIKONFIRMASI
    alice.save()
    fix = done_fix(alice)
    assert "membatalkan" in body(alice_client.get(page_url(fix)))
    alice_client.post(reverse("photo_fix_accept", args=[fix.uuid]))
    alice.refresh_from_db()
    assert alice.confirmed_at is None and alice.status != Status.DIKONFIRMASI


def test_unggah_ulang_discards_the_fix_and_keeps_the_current_photo(alice_client, alice):
    upload(alice_client, make_id_photo())
    current = Participant.objects.get(pk=alice.pk).photo
    fix = done_fix(alice)
    names = [fix.source.name, fix.preview.name, fix.result.name]
    response = alice_client.post(reverse("photo_fix_discard", args=[fix.uuid]))
    assert response["Location"] == UPLOAD
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.DISCARDED
    assert not any(fix.source.storage.exists(name) for name in names)
    assert Participant.objects.get(pk=alice.pk).photo == current


def test_a_discarded_fix_cannot_be_used(alice):
    fix = done_fix(alice)
    photo_fixes.discard_fix(alice, fix.uuid, by=alice.user)
    with pytest.raises(photo_fixes.FixAlreadyUsed):
        photo_fixes.accept_fix(alice, fix.uuid, by=alice.user)


def test_a_used_fix_cannot_be_discarded(alice):
    fix = done_fix(alice)
    photo_fixes.accept_fix(alice, fix.uuid, by=alice.user)
    with pytest.raises(photo_fixes.FixAlreadyUsed):
        photo_fixes.discard_fix(alice, fix.uuid, by=alice.user)


# No worker picked the job up ------------------------------------------------------------


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_queued_fix_shows_progress_and_a_reload_link(alice_client, alice, database_queue):
    fix = photo_fixes.start_fix(alice, white_wall_photo(), by=alice.user)
    assert fix.state == PhotoFix.State.QUEUED
    page = body(alice_client.get(page_url(fix)))
    assert 'data-pending="1"' in page and "Muat ulang" in page and "<noscript>" in page
    assert "photo_fix.js" in page
    assert alice_client.get(reverse("photo_fix_status", args=[fix.uuid])).json()["pending"] is True


def test_a_job_no_worker_picked_up_is_reported_plainly(alice_client, alice, database_queue, settings):
    fix = photo_fixes.start_fix(alice, white_wall_photo(), by=alice.user)
    later = timezone.now() + timedelta(seconds=settings.TASK_PICKUP_TIMEOUT + 1)
    assert photo_fixes.is_stalled(fix, later)
    # Moving the clock: the job was queued longer ago than the timeout.
    PhotoFix.objects.filter(pk=fix.pk).update(queued_at=fix.queued_at - (later - timezone.now()))
    page = body(alice_client.get(page_url(fix)))
    assert "Antrean sedang penuh" in page and "server pemroses foto belum berjalan" in page
    assert reverse("photo_fix_retry", args=[fix.uuid]) in page
    status = alice_client.get(reverse("photo_fix_status", args=[fix.uuid])).json()
    assert status["pending"] is False and "Antrean sedang penuh" in status["html"]


def test_a_job_within_the_timeout_is_not_reported(alice, database_queue, settings):
    fix = photo_fixes.start_fix(alice, white_wall_photo(), by=alice.user)
    soon = fix.queued_at + timedelta(seconds=settings.TASK_PICKUP_TIMEOUT - 1)
    assert not photo_fixes.is_stalled(fix, soon)
    assert photo_fixes.problem_message(fix, soon) == ""


def test_retrying_a_stalled_job_queues_it_again_and_a_worker_finishes_it(
    transactional_db, alice_client, alice, database_queue, settings
):
    # A real worker closes the database connection between jobs, as it should: on
    # PostgreSQL that ends a test wrapped in one transaction, so this one commits.
    from django_tasks_db.models import DBTaskResult

    fix = photo_fixes.start_fix(alice, white_wall_photo(), by=alice.user)
    stale = timezone.now() - timedelta(seconds=settings.TASK_PICKUP_TIMEOUT + 5)
    PhotoFix.objects.filter(pk=fix.pk).update(queued_at=stale)
    first_task = fix.task_id
    alice_client.post(reverse("photo_fix_retry", args=[fix.uuid]))
    fix.refresh_from_db()
    assert fix.task_id != first_task and fix.queued_at > stale
    assert DBTaskResult.objects.count() == 2
    assert not photo_fixes.is_stalled(fix)
    # Both jobs run; the second finds the fix done and leaves it.
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.DONE


def test_a_fix_that_is_not_stalled_is_not_queued_again(alice_client, alice, database_queue):
    from django_tasks_db.models import DBTaskResult

    fix = photo_fixes.start_fix(alice, white_wall_photo(), by=alice.user)
    response = alice_client.post(reverse("photo_fix_retry", args=[fix.uuid]), follow=True)
    assert "tidak perlu diulang" in body(response)
    assert DBTaskResult.objects.count() == 1


# Who may see and do what ------------------------------------------------------------------


@pytest.fixture
def fix(alice):
    return done_fix(alice)


PARTICIPANT_GETS = ["photo_fix", "photo_fix_status"]
PARTICIPANT_POSTS = ["photo_fix_accept", "photo_fix_discard", "photo_fix_retry"]


@pytest.mark.parametrize("name", PARTICIPANT_GETS + PARTICIPANT_POSTS)
def test_another_participant_gets_404_for_every_fix_url(bob_client, fix, name):
    method = bob_client.get if name in PARTICIPANT_GETS else bob_client.post
    assert method(reverse(name, args=[fix.uuid])).status_code == 404


@pytest.mark.parametrize("kind", ["sebelum", "sesudah"])
def test_another_participant_cannot_see_the_fix_images(bob_client, fix, kind):
    assert bob_client.get(image_url(fix, kind)).status_code == 404


def test_another_participant_cannot_start_a_fix_of_a_kept_upload(alice, bob_client):
    kept = photo_fixes.keep_refused_upload(alice, white_wall_photo(), by=alice.user)
    bob_client.post(START, {"fix": str(kept.uuid)})
    kept.refresh_from_db()
    assert kept.state == PhotoFix.State.AWAITING


def test_a_made_up_fix_id_is_refused_with_a_message(alice_client, alice):
    response = alice_client.post(START, {"fix": "bukan-uuid"}, follow=True)
    assert "sudah tidak tersedia" in body(response)


def test_bob_cannot_use_alices_fix(bob_client, fix, alice):
    bob_client.post(reverse("photo_fix_accept", args=[fix.uuid]))
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.DONE and not Photo.objects.exists()


@pytest.mark.parametrize("name", PARTICIPANT_GETS + PARTICIPANT_POSTS)
def test_anonymous_visitors_are_sent_to_sign_in(client, fix, name):
    method = client.get if name in PARTICIPANT_GETS else client.post
    assert method(reverse(name, args=[fix.uuid]))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("kind", ["sebelum", "sesudah"])
def test_anonymous_visitors_cannot_see_the_fix_images(client, fix, kind):
    assert client.get(image_url(fix, kind))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PARTICIPANT_POSTS)
def test_staff_cannot_act_on_a_participants_fix(staff_client, fix, name):
    response = staff_client.post(reverse(name, args=[fix.uuid]))
    assert response["Location"] == reverse("admin:index")
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.DONE


@pytest.mark.parametrize("kind", ["sebelum", "sesudah"])
def test_staff_with_the_view_permission_see_the_fix_images(staff_client, fix, kind):
    response = staff_client.get(image_url(fix, kind))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_staff_without_the_view_permission_do_not(fix):
    clerk = User.objects.create_user("loket", password="x", is_staff=True)
    assert client_for(clerk).get(image_url(fix, "sesudah")).status_code == 404


def test_an_unknown_image_kind_is_404(alice_client, fix):
    assert alice_client.get(image_url(fix, "lain")).status_code == 404


def test_a_missing_image_file_is_404(alice_client, alice):
    kept = photo_fixes.keep_refused_upload(alice, white_wall_photo(), by=alice.user)
    assert alice_client.get(image_url(kept, "sesudah")).status_code == 404
    kept.preview.storage.delete(kept.preview.name)
    assert alice_client.get(image_url(kept, "sebelum")).status_code == 404


@pytest.mark.parametrize("name", PARTICIPANT_POSTS)
def test_actions_refuse_get(alice_client, fix, name):
    assert alice_client.get(reverse(name, args=[fix.uuid])).status_code == 405
    fix.refresh_from_db()
    assert fix.state == PhotoFix.State.DONE


def test_starting_a_fix_refuses_get(alice_client, alice):
    assert alice_client.get(START).status_code == 405


@pytest.mark.parametrize("name", PARTICIPANT_GETS)
def test_pages_refuse_post(alice_client, fix, name):
    assert alice_client.post(reverse(name, args=[fix.uuid])).status_code == 405


def test_images_refuse_post(alice_client, fix):
    assert alice_client.post(image_url(fix, "sesudah")).status_code == 405


# The original of an auto-fixed photo ----------------------------------------------------


@pytest.fixture
def fixed_photo(alice, fix):
    return photo_fixes.accept_fix(alice, fix.uuid, by=alice.user)


def original_url(photo):
    return reverse("photo_original", args=[photo.uuid])


def test_staff_see_the_original_upload_of_an_auto_fixed_photo(staff_client, fixed_photo):
    response = staff_client.get(original_url(fixed_photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert content(response) == white_wall_photo()
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_heic_original_is_shown_to_staff_as_a_jpeg(staff_client, alice):
    heic = walls.phone_photo("white", 640, 960, fmt="HEIF", face_width=0.48, shirt="blue")
    fix = done_fix(alice, heic)
    photo = photo_fixes.accept_fix(alice, fix.uuid, by=alice.user)
    response = staff_client.get(original_url(photo))
    assert response["Content-Type"] == "image/jpeg" and content(response)[:2] == b"\xff\xd8"


def test_the_participant_does_not_get_the_original(alice_client, fixed_photo):
    assert alice_client.get(original_url(fixed_photo)).status_code == 404


def test_another_participant_does_not_get_the_original(bob_client, fixed_photo):
    assert bob_client.get(original_url(fixed_photo)).status_code == 404


def test_staff_without_the_view_permission_do_not_get_the_original(fixed_photo):
    clerk = User.objects.create_user("loket", password="x", is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(codename="change_batch"))
    assert client_for(clerk).get(original_url(fixed_photo)).status_code == 404


def test_anonymous_visitors_do_not_get_the_original(client, fixed_photo):
    assert client.get(original_url(fixed_photo))["Location"].startswith(reverse("login"))


def test_a_photo_without_an_original_is_404(staff_client, alice_client, alice):
    upload(alice_client, make_id_photo())
    photo = Participant.objects.get(pk=alice.pk).photo
    assert staff_client.get(original_url(photo)).status_code == 404


def test_the_original_refuses_post(staff_client, fixed_photo):
    assert staff_client.post(original_url(fixed_photo)).status_code == 405


def test_the_admin_shows_a_badge_and_the_original_beside_an_auto_fixed_photo(fixed_photo, alice, superuser):
    page = body(client_for(superuser).get(reverse("admin:profiles_participant_change", args=[alice.pk])))
    assert "Diperbaiki otomatis (fix-2)" in page
    assert original_url(fixed_photo) in page
    assert reverse("photo", args=[fixed_photo.uuid]) in page


def test_the_admin_shows_no_badge_for_an_uploaded_photo(alice_client, alice, superuser):
    upload(alice_client, make_id_photo())
    page = body(client_for(superuser).get(reverse("admin:profiles_participant_change", args=[alice.pk])))
    assert "Diperbaiki otomatis" not in page


def test_the_request_that_keeps_a_refused_upload_decodes_nothing(alice, monkeypatch):
    # The preview is the worker's job (a small file can hold a 49 MP image).
    enqueued = []
    monkeypatch.setattr(photo_fixes, "preview_task", SimpleNamespace(enqueue=enqueued.append))
    monkeypatch.setattr(photo_fixes.inputs, "open_upright", lambda *args: pytest.fail("decoded in the request"))
    kept = photo_fixes.keep_refused_upload(alice, white_wall_photo(), by=alice.user)
    assert enqueued == [kept.pk] and not kept.preview


def test_the_worker_makes_the_preview_of_a_kept_upload(alice, monkeypatch):
    monkeypatch.setattr(photo_fixes, "preview_task", SimpleNamespace(enqueue=lambda fix_id: None))
    kept = photo_fixes.keep_refused_upload(alice, white_wall_photo(), by=alice.user)
    photo_fixes.make_preview(kept.pk)
    kept.refresh_from_db()
    with kept.preview.open("rb") as preview:
        assert preview.read(2) == b"\xff\xd8"
