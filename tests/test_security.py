"""Who may see what, CSRF, photo serving, lockout, session expiry and the production settings."""

import os
import re
import secrets
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from profiles.rules.nip import format_nip
from profiles.models import Participant, Photo, Status
from profiles.services.uploads import receive_upload
from tests.conftest import ALICE_NIP, BOB_NIP
from tests.photo_factory import HTML_PAGE, make_id_photo

BASE_DIR = Path(__file__).resolve().parent.parent
JPEG_MAGIC = b"\xff\xd8\xff"


@pytest.fixture
def bobs_photo(bob):
    outcome = receive_upload(bob, make_id_photo(), by=bob.user)
    assert outcome.stored, outcome.report.to_dict()
    photo = outcome.photo
    return photo


def photo_url(photo):
    return reverse("photo", args=[photo.uuid])


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def stored_photo_files():
    storage = Photo._meta.get_field("file").storage
    root = Path(storage.location)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


# --- one participant asking for another's data -------------------------------------------


@pytest.mark.parametrize("name", ["profile", "profile_edit", "photo_upload"])
def test_a_participant_sees_only_their_own_record_whatever_the_url_says(alice_client, bob, name):
    response = alice_client.get(reverse(name), {"nip": BOB_NIP, "pk": bob.pk, "user": bob.user_id})
    assert response.status_code == 200
    page = response.content.decode()
    assert BOB_NIP not in page and "Bob Hartono" not in page
    if name != "photo_upload":  # the upload page shows no personal data at all
        assert format_nip(ALICE_NIP) in page


def test_a_participant_cannot_open_another_participants_photo(alice_client, bobs_photo):
    response = alice_client.get(photo_url(bobs_photo))
    assert response.status_code == 404
    assert JPEG_MAGIC not in body(response)


def test_another_participants_photo_looks_the_same_as_one_that_does_not_exist(alice_client, bobs_photo):
    theirs = alice_client.get(photo_url(bobs_photo))
    missing = alice_client.get(reverse("photo", args=[uuid.uuid4()]))
    assert (theirs.status_code, theirs.content) == (missing.status_code, missing.content)


def confirmed(participant, code):
    Participant.objects.filter(pk=participant.pk).update(
        status=Status.DIKONFIRMASI, confirmed_at=timezone.now(), confirmation_code=code
    )


def test_a_participant_cannot_open_another_participants_receipt(alice, bob, alice_client):
    confirmed(alice, "A11CE000")
    confirmed(bob, "B0B00000")
    assert alice_client.get(reverse("receipt", args=["A11CE000"])).status_code == 200
    response = alice_client.get(reverse("receipt", args=["B0B00000"]))
    assert response.status_code == 404
    assert b"B0B00000" not in response.content and b"Bob Hartono" not in response.content


def test_an_anonymous_visitor_cannot_open_a_receipt(client, bob):
    confirmed(bob, "B0B00000")
    response = client.get(reverse("receipt", args=["B0B00000"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- CSRF --------------------------------------------------------------------------------


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_signing_in_without_the_csrf_token_is_refused(strict_client, alice):
    response = strict_client.post(reverse("login"), {"username": ALICE_NIP, "password": "Kata-Sandi-Alice-1"})
    assert response.status_code == 403
    assert "_auth_user_id" not in strict_client.session


def test_signing_in_with_the_csrf_token_goes_through(strict_client, alice):
    # The control for the test above: the 403 comes from the missing token alone.
    strict_client.get(reverse("login"))
    token = strict_client.cookies["csrftoken"].value
    response = strict_client.post(
        reverse("login"),
        {"username": ALICE_NIP, "password": "Kata-Sandi-Alice-1", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_saving_the_profile_without_the_csrf_token_is_refused(strict_client, alice):
    strict_client.force_login(alice.user)
    response = strict_client.post(reverse("profile_edit"), {"nama": "Diubah Orang Lain", "version": alice.version})
    assert response.status_code == 403
    assert Participant.objects.get(pk=alice.pk).nama == alice.nama


def test_uploading_a_photo_without_the_csrf_token_is_refused(strict_client, alice):
    strict_client.force_login(alice.user)
    upload = SimpleUploadedFile("foto.jpg", make_id_photo(), content_type="image/jpeg")
    response = strict_client.post(reverse("photo_upload"), {"foto": upload})
    assert response.status_code == 403
    assert not Photo.objects.exists()


def test_confirming_without_the_csrf_token_is_refused(strict_client, alice):
    strict_client.force_login(alice.user)
    response = strict_client.post(reverse("confirm"), {"setuju": "on", "version": alice.version})
    assert response.status_code == 403
    assert Participant.objects.get(pk=alice.pk).confirmed_at is None


def test_signing_out_without_the_csrf_token_is_refused(strict_client, alice):
    strict_client.force_login(alice.user)
    assert strict_client.post(reverse("logout")).status_code == 403
    assert strict_client.get(reverse("profile")).status_code == 200


# --- photos: who, where, and as what ------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "head"])
def test_an_anonymous_visitor_is_sent_to_sign_in_and_never_gets_the_photo(client, bobs_photo, method):
    response = getattr(client, method)(photo_url(bobs_photo))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert JPEG_MAGIC not in body(response)


def test_the_photo_url_carries_a_random_uuid_not_the_pk_or_the_nip(bob, bobs_photo):
    url = photo_url(bobs_photo)
    assert url == f"/foto/{bobs_photo.uuid}.jpg"
    assert bobs_photo.uuid.version == 4
    assert BOB_NIP not in url
    assert f"/{bobs_photo.pk}." not in url


@pytest.mark.parametrize("guess", ["/foto/1.jpg", f"/foto/{BOB_NIP}.jpg", "/foto/bob.jpg"])
def test_a_guessed_photo_url_is_not_found(bob_client, bobs_photo, guess):
    # Even for the photo's owner: only the UUID names a photo.
    assert bob_client.get(guess).status_code == 404


def test_an_unknown_uuid_is_not_found_even_for_staff(staff_client, bobs_photo):
    assert staff_client.get(reverse("photo", args=[uuid.uuid4()])).status_code == 404


def test_the_stored_file_is_named_by_the_uuid_never_by_the_uploaded_name(alice_client, alice):
    upload = SimpleUploadedFile("siti-rahmawati-ktp.jpg", make_id_photo(), content_type="image/jpeg")
    alice_client.post(reverse("photo_upload"), {"foto": upload})
    photo = Participant.objects.get(pk=alice.pk).photo
    assert Path(photo.file.name).name == f"{photo.uuid.hex}.jpg"
    assert "siti" not in photo.file.name.lower() and "ktp" not in photo.file.name.lower()


def test_the_stored_file_name_carries_no_nip(bobs_photo):
    assert BOB_NIP not in bobs_photo.file.name
    assert BOB_NIP[:8] not in bobs_photo.file.name


def test_an_html_file_named_jpg_is_refused_and_nothing_is_stored(alice_client, alice):
    before = stored_photo_files()
    upload = SimpleUploadedFile("foto.jpg", HTML_PAGE, content_type="image/jpeg")
    response = alice_client.post(reverse("photo_upload"), {"foto": upload})
    assert response.status_code == 200
    assert 'data-code="format" data-ok="0"' in response.content.decode()
    assert not Photo.objects.exists()
    assert Participant.objects.get(pk=alice.pk).photo is None
    assert stored_photo_files() == before


def test_a_stored_photo_is_served_as_an_inline_jpeg_that_is_never_sniffed(bob_client, bobs_photo):
    response = bob_client.get(photo_url(bobs_photo), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r'inline; filename="[A-Za-z0-9_-]+\.jpg"', response["Content-Disposition"])
    assert body(response).startswith(JPEG_MAGIC)


# --- staff-only areas --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:index"),
        reverse("admin:profiles_participant_changelist"),
        reverse("admin:profiles_photo_changelist"),
    ],
)
def test_the_admin_sends_participants_to_the_admin_sign_in(alice_client, url):
    response = alice_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


STAFF_PAGES = [
    reverse("roster_import"),
    reverse("export"),
    reverse("dashboard"),
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_are_refused_to_participants(alice_client, bob, url):
    for method in (alice_client.get, alice_client.post):
        response = method(url)
        # The admin's own pages send to the admin sign-in; our staff pages answer 403.
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("admin:login"))
        assert BOB_NIP.encode() not in body(response)


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_send_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith((reverse("login"), reverse("admin:login")))


# --- lockout -----------------------------------------------------------------------------


def admin_sign_in(client, password):
    return client.post(reverse("admin:login"), {"username": "admin", "password": password})


def test_repeated_failures_lock_the_admin_sign_in(superuser, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_sign_in(client, "salah")
    response = admin_sign_in(client, "Kata-Sandi-Admin-1")  # even the right password
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_address_so_one_classroom_does_not_lock_another(alice, settings):
    # Locking on username and IP together (LIBRARIES.md): a NIP locked from one
    # address still signs in from another.
    here, there = Client(REMOTE_ADDR="192.0.2.10"), Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        here.post(reverse("login"), {"username": ALICE_NIP, "password": "salah"})
    assert here.post(reverse("login"), {"username": ALICE_NIP, "password": "Kata-Sandi-Alice-1"}).status_code == 429
    assert there.post(reverse("login"), {"username": ALICE_NIP, "password": "Kata-Sandi-Alice-1"}).status_code == 302


# --- sessions ----------------------------------------------------------------------------


def test_an_expired_session_is_anonymous_on_the_next_request(alice_client):
    assert alice_client.get(reverse("profile")).status_code == 200
    key = alice_client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = alice_client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_each_request_pushes_the_expiry_back_by_the_idle_timeout(alice_client, settings):
    key = alice_client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    alice_client.get(reverse("profile"))
    expiry = Session.objects.get(session_key=key).expire_date
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((expiry - expected).total_seconds()) < 60


def test_the_session_cookie_ends_with_the_browser(alice):
    client = Client()
    client.post(reverse("login"), {"username": ALICE_NIP, "password": "Kata-Sandi-Alice-1"})
    cookie = client.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"]


# --- production settings -----------------------------------------------------------------

PRODUCTION_KEY = secrets.token_urlsafe(50)


def run_with_production_settings(code, **env):
    environment = {
        # Not the browser tests' switch (tests/browser/conftest.py), which the deploy check rightly refuses.
        **{name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "smartbangkom.settings_production",
        "SECRET_KEY": PRODUCTION_KEY,
        "ALLOWED_HOSTS": "example.go.id",
        "SITE_URL": "https://example.go.id",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment,
        capture_output=True, text=True, timeout=120,
    )


SETUP = "import django; django.setup()"


@pytest.mark.parametrize(
    "key",
    [
        "",
        "dev-only-insecure-key-change-me",  # the development default in settings.py
        "django-insecure-" + secrets.token_urlsafe(50),
        "x" * 60,
        secrets.token_urlsafe(20),
    ],
    ids=["missing", "development", "django-insecure", "repetitive", "short"],
)
def test_production_refuses_to_start_without_a_real_secret_key(key):
    result = run_with_production_settings(SETUP, SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_with_production_settings(SETUP, ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize("site_url", ["", "example.go.id"], ids=["missing", "not an address"])
def test_production_refuses_to_start_without_the_site_address(site_url):
    result = run_with_production_settings(SETUP, SITE_URL=site_url)
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


def test_the_deploy_check_is_clean_in_production():
    result = run_with_production_settings(
        f"{SETUP}; from django.core.management import call_command; call_command('check', deploy=True)"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output and "?:" not in output


PRODUCTION_REQUESTS = """
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
# The production storage (hashed names from the manifest), without the gzip/brotli copies
# and the admin's files: compressing them took most of this test's half minute, and the
# sign-in page uses neither.
settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ["css", "js", "map", "txt", "svg", "html", "json", ""]
call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin/*"])
# The page footer reads the committee contact from the database.
call_command("migrate", interactive=False, verbosity=0)
from django.test import Client
client = Client(HTTP_HOST="example.go.id")
plain = client.get("/masuk/")
print("plain", plain.status_code, plain.get("Location"))
page = client.get("/masuk/", secure=True)
print("status", page.status_code)
for name in ("Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options",
             "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "Cache-Control"):
    print("header", name, "=", page.get(name))
print("cookies", " ".join(sorted(f"{c.key}:{bool(c['secure'])}" for c in page.cookies.values())))
import re
print("stylesheet", re.search(r'href="(/static/css/app[^"]*)"', page.content.decode()).group(1))
"""


def test_production_serves_https_only_with_the_security_headers(tmp_path):
    result = run_with_production_settings(
        PRODUCTION_REQUESTS, STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    headers = dict(line.removeprefix("header ").split(" = ", 1) for line in lines if line.startswith("header "))

    assert "plain 301 https://example.go.id/masuk/" in lines
    assert "status 200" in lines
    policy = {part.split()[0]: part.split()[1:] for part in headers["Content-Security-Policy"].split("; ")}
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "no-store" in headers["Cache-Control"]
    cookies = next(line for line in lines if line.startswith("cookies ")).split()[1:]
    assert "csrftoken:True" in cookies and all(cookie.endswith(":True") for cookie in cookies)
    # Hashed names from the manifest: a new deploy never serves a stale file.
    assert any(re.fullmatch(r"stylesheet /static/css/app\.[0-9a-f]{12}\.css", line) for line in lines)


# --- caching and headers ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["profile", "profile_edit", "photo_upload", "confirm"])
def test_pages_for_a_signed_in_participant_are_never_stored(alice_client, name):
    response = alice_client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_admin_pages_are_never_stored(staff_client):
    response = staff_client.get(reverse("admin:profiles_participant_changelist"))
    assert "no-store" in response["Cache-Control"]


def test_the_sign_in_page_is_never_stored(client, db):
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_response_carries_the_permissions_policy(client, alice, signed_in):
    if signed_in:
        client.force_login(alice.user)
    policy = client.get(reverse("login") if not signed_in else reverse("profile"))["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


def test_a_photo_is_served_private_and_never_stored(bob_client, bobs_photo):
    response = bob_client.get(photo_url(bobs_photo))
    assert response["Cache-Control"] == "private, no-store"


def test_a_photo_whose_file_is_missing_is_not_found(bob_client, bobs_photo):
    bobs_photo.file.storage.delete(bobs_photo.file.name)
    assert bob_client.get(photo_url(bobs_photo)).status_code == 404


def test_staff_without_the_view_permission_cannot_open_a_photo(bobs_photo):
    from django.contrib.auth.models import Permission

    from profiles.models import User
    from tests.conftest import client_for

    user = User.objects.create_user("staf3", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="change_batch"))
    assert client_for(user).get(photo_url(bobs_photo)).status_code == 404
