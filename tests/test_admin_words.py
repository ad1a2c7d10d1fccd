"""Admin, desk and dashboard speak Indonesian, with labelled values instead of program data."""

from django.urls import reverse

from profiles.models import ExportLog
from profiles.services import exports, password_reset, sealed
from tests.conftest import client_for
from tests.rosters import give_photo

CHECKS = [
    {"code": "format", "ok": True, "severity": "error", "value": {"type": "JPEG", "problem": None},
     "message": "File JPEG asli."},
    {"code": "background", "ok": True, "severity": "error",
     "value": {"red_share": 1.0, "dominant": "merah", "dominant_share": 0.97}, "message": "Latar merah."},
]


def test_the_photo_check_table_shows_labelled_values(superuser, alice):
    give_photo(alice, checks=CHECKS)
    page = client_for(superuser).get(reverse("admin:profiles_participant_change", args=[alice.pk])).content.decode()
    assert "jenis file: JPEG" in page
    assert "piksel merah: 100 %" in page and "warna terbanyak: merah" in page
    assert "{&#x27;" not in page and "red_share" not in page


def test_the_task_queue_admin_speaks_indonesian(superuser, alice, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    password_reset.send_reset_task.enqueue(sealed.seal(alice.nip))
    client = client_for(superuser)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Task Results" not in index and "Tugas latar belakang" in index
    page = client.get(reverse("admin:profiles_taskresult_changelist")).content.decode()
    assert "Atur ulang kata sandi" in page and "Menunggu" in page and "Masuk antrean" in page
    assert "Task name" not in page and "Enqueued at" not in page and "Successful" not in page


def test_the_export_log_names_its_columns_values_and_filters_in_indonesian(superuser, batch):
    exports.log_export(user=superuser, batch=batch, fmt="csv", scope=exports.SCOPE_VALIDATED, count=3,
                       source="web-job")
    page = client_for(superuser).get(reverse("admin:profiles_exportlog_changelist")).content.decode()
    assert "Hanya data tervalidasi" in page and "Ekspor latar belakang" in page
    assert "Berdasarkan cakupan" in page and "Berdasarkan sumber" in page
    for english in ("Created at", "Actor", "Scope", "Source", ">validated<", ">web-job<"):
        assert english not in page
    assert ExportLog.objects.count() == 1


def test_the_desk_offers_no_verification_for_an_incomplete_record(staff_client, alice):
    page = staff_client.get(reverse("desk_record", args=[alice.batch_id, alice.user_id])).content.decode()
    assert 'id="verify-form"' not in page
    assert "Belum bisa diverifikasi: peserta belum mengisi Foto" in page


def test_a_verification_of_an_incomplete_record_is_refused_in_staff_words(staff_client, alice):
    url = reverse("desk_verify", args=[alice.batch_id, alice.user_id])
    response = staff_client.post(url, {"version": alice.version, "photo": ""}, follow=True)
    page = response.content.decode()
    assert "Belum bisa diverifikasi: peserta belum mengisi Foto" in page
    assert "sebelum konfirmasi" not in page


def test_the_dashboard_batch_link_is_not_blue_on_blue():
    from django.conf import settings
    css = (settings.BASE_DIR / "static" / "css" / "admin.css").read_text()
    assert ".dashboard-batch h2 a:link" in css


def test_every_background_task_has_an_indonesian_name_in_the_admin():
    import importlib
    import pkgutil

    from django_tasks.base import Task

    import profiles.services
    from profiles.admin import TASK_NAMES

    names = set()
    for module in pkgutil.walk_packages(profiles.services.__path__, "profiles.services."):
        loaded = importlib.import_module(module.name)
        names |= {value.name for value in vars(loaded).values() if isinstance(value, Task)}
    assert names and names <= set(TASK_NAMES), names - set(TASK_NAMES)
