"""Every URL, tried by every kind of visitor, and with the wrong HTTP method.

The URLs come from the resolver, so a new URL without a row in EXPECTED fails
test_every_url_has_a_row: add its row (what each visitor must get) to cover it.
Roles: an anonymous visitor, the participant who owns the record (alice), another
participant (bob), staff without the permission for the page, staff with it.
"""

from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from profiles.services import exports, review
from profiles.models import ExportJob, PhotoFix, TaskResult, User
from tests.photo_factory import red_card
from profiles.models import Certificate, CertificateJob
from tests.rosters import give_photo

ROLES = ("anonymous", "owner", "other", "staff_without", "staff_with")

# What a visitor gets: "ok" (200), "redirect" (302 elsewhere than a sign-in page),
# "login" (302 to a sign-in page), "forbidden" (403), "missing" (404).
OK, REDIRECT, LOGIN, FORBIDDEN, MISSING = "ok", "redirect", "login", "forbidden", "missing"


@dataclass(frozen=True)
class Row:
    outcomes: dict  # role -> outcome of a GET (or a POST, for POST-only URLs)
    methods: tuple = ("GET",)  # allowed methods; any other answers 405 (None: not checked)
    method: str = "get"  # how to request it for the role matrix


def roles(anonymous, owner, other, staff_without, staff_with):
    return dict(zip(ROLES, (anonymous, owner, other, staff_without, staff_with)))


PARTICIPANT_PAGE = roles(LOGIN, OK, OK, REDIRECT, REDIRECT)  # staff are sent to the admin
STAFF_PAGE = roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
ADMIN_PAGE = roles(LOGIN, LOGIN, LOGIN, FORBIDDEN, OK)
# Pages that are nobody's to add or change (the export log is append-only).
ADMIN_CLOSED = roles(LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN)

EXPECTED = {
    "home": Row(roles(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT), methods=None),
    "login": Row(roles(OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT), methods=None),
    "logout": Row(roles(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN), methods=("POST", "OPTIONS"), method="post"),
    "password_set": Row(roles(LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT), methods=("GET", "POST")),
    "password_change": Row(roles(LOGIN, OK, OK, OK, OK), methods=("GET", "POST")),
    "profile": Row(PARTICIPANT_PAGE),
    "profile_edit": Row(PARTICIPANT_PAGE, methods=("GET", "POST")),
    "photo_upload": Row(PARTICIPANT_PAGE, methods=("GET", "POST")),
    "confirm": Row(PARTICIPANT_PAGE, methods=("GET", "POST")),
    # The owner's photo and receipt: another participant gets what a missing one gets.
    "photo": Row(roles(LOGIN, OK, MISSING, MISSING, OK), methods=("GET", "HEAD")),
    "receipt": Row(roles(LOGIN, OK, MISSING, REDIRECT, REDIRECT)),
    "dashboard": Row(STAFF_PAGE),
    "dashboard_batch": Row(STAFF_PAGE),
    "dashboard_unfinished_csv": Row(STAFF_PAGE),
    "export": Row(STAFF_PAGE, methods=("GET", "POST")),
    "access_codes_csv": Row(STAFF_PAGE),
    # The admin of our models (Django's own admin views accept any method).
    "admin:profiles_participant_changelist": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_participant_add": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_participant_change": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_participant_history": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_participant_simple_history": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_participant_delete": Row(ADMIN_PAGE, methods=None),
    "roster_import": Row(STAFF_PAGE, methods=("GET", "POST")),
    "admin:profiles_participant_verify": Row(roles(LOGIN, LOGIN, LOGIN, FORBIDDEN, REDIRECT), methods=None),
    "admin:profiles_participant_revision": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_batch_changelist": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_batch_add": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_batch_change": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_batch_history": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_batch_delete": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_photo_changelist": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_photo_add": Row(ADMIN_CLOSED, methods=None),
    "admin:profiles_photo_change": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_photo_history": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_photo_delete": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_exportlog_changelist": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_exportlog_add": Row(ADMIN_CLOSED, methods=None),
    "admin:profiles_exportlog_change": Row(ADMIN_PAGE, methods=None),  # read-only view
    "admin:profiles_exportlog_history": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_exportlog_delete": Row(ADMIN_CLOSED, methods=None),
    # The task queue: read-only, in Indonesian (a proxy of django-tasks-db's results).
    "admin:profiles_taskresult_changelist": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_taskresult_add": Row(ADMIN_CLOSED, methods=None),
    "admin:profiles_taskresult_change": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_taskresult_history": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_taskresult_delete": Row(ADMIN_CLOSED, methods=None),
    "admin:profiles_user_changelist": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_user_add": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_user_change": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_user_history": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_user_delete": Row(ADMIN_PAGE, methods=None),
    "admin:auth_user_password_change": Row(ADMIN_PAGE, methods=None),
    # Certificate preview and the printed-name preview: each participant's own.
    "certificate_preview": Row(PARTICIPANT_PAGE),
    "certificate_pdf": Row(PARTICIPANT_PAGE),
    "name_preview": Row(PARTICIPANT_PAGE),
    # "Lupa kata sandi?": the same pages for everyone; the link itself is the key.
    # Django's own FormView (it treats PUT as POST).
    "password_reset": Row(roles(OK, OK, OK, OK, OK), methods=None),
    "password_reset_done": Row(roles(OK, OK, OK, OK, OK)),
    # A valid link goes on to the new-password form (anonymous, tried first); once the
    # owner has signed in (last_login changed) the link is spent: the "no longer valid" page.
    "password_reset_confirm": Row(roles(REDIRECT, OK, OK, OK, OK), methods=None),
    "password_reset_complete": Row(roles(OK, OK, OK, OK, OK)),
    # The photo fixer: the owner's fix; another participant's is a 404 like a missing one.
    "photo_fix_start": Row(roles(LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT), methods=("POST",), method="post"),
    "photo_fix": Row(roles(LOGIN, OK, MISSING, REDIRECT, REDIRECT)),
    "photo_fix_status": Row(roles(LOGIN, OK, MISSING, REDIRECT, REDIRECT)),
    "photo_fix_accept": Row(roles(LOGIN, REDIRECT, MISSING, REDIRECT, REDIRECT), methods=("POST",), method="post"),
    "photo_fix_discard": Row(roles(LOGIN, REDIRECT, MISSING, REDIRECT, REDIRECT), methods=("POST",), method="post"),
    "photo_fix_retry": Row(roles(LOGIN, REDIRECT, MISSING, REDIRECT, REDIRECT), methods=("POST",), method="post"),
    "photo_fix_image": Row(roles(LOGIN, OK, MISSING, MISSING, OK), methods=("GET", "HEAD")),
    # The upload an auto-fixed photo was made from: staff with the view permission only.
    "photo_original": Row(roles(LOGIN, MISSING, MISSING, MISSING, OK), methods=("GET", "HEAD")),
    # The review desk and the background export: staff with the permission.
    "desk": Row(roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT)),
    "desk_queue": Row(roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT)),
    "desk_record": Row(STAFF_PAGE),
    "desk_verify": Row(roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT), methods=("POST",), method="post"),
    "desk_revision": Row(roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT), methods=("POST",), method="post"),
    "export_job": Row(STAFF_PAGE),
    "export_job_download": Row(STAFF_PAGE),
    "export_job_rebuild": Row(roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT), methods=("POST",), method="post"),
    # The load balancer's probe: the same answer for everyone, no personal data.
    "health": Row(roles(OK, OK, OK, OK, OK), methods=("GET", "HEAD")),
    # Issued certificates: the owner's download; the public verification page and its photo
    # for everyone (the unguessable code is the key); staff with issue_certificates.
    "certificate_download": Row(roles(LOGIN, OK, MISSING, REDIRECT, REDIRECT)),
    "verify": Row(roles(OK, OK, OK, OK, OK), methods=("GET", "POST")),
    "verify_photo": Row(roles(OK, OK, OK, OK, OK)),
    "certificate_issue": Row(roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT), methods=("POST",), method="post"),
    "certificate_job": Row(STAFF_PAGE),
    "certificate_zip": Row(STAFF_PAGE),
    "certificate_revoke": Row(STAFF_PAGE, methods=("GET", "POST")),
    # Certificates are frozen: the admin lists and shows them, nobody adds, changes or deletes.
    "admin:profiles_certificate_changelist": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_certificate_add": Row(ADMIN_CLOSED, methods=None),
    "admin:profiles_certificate_change": Row(ADMIN_PAGE, methods=None),  # read-only view
    "admin:profiles_certificate_history": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_certificate_delete": Row(ADMIN_CLOSED, methods=None),
}


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def ours(name):
    """Our URLs: all outside the admin, and the admin pages of our app's models."""
    if not name.startswith("admin:"):
        return True
    return name.startswith("admin:profiles_") or name == "admin:auth_user_password_change"


def project_urls():
    found = {}
    for name, pattern in _names(get_resolver().url_patterns):
        if ours(name):
            found.setdefault(name, pattern)
    return found


def test_every_url_has_a_row():
    missing = sorted(set(project_urls()) - set(EXPECTED))
    assert not missing, f"add a row to EXPECTED for: {missing}"


def test_every_row_names_a_url():
    assert not sorted(set(EXPECTED) - set(project_urls()))


# The world the requests are made in ------------------------------------------------------

@pytest.fixture
def world(alice, bob, batch):
    give_photo(alice)
    alice.refresh_from_db()
    confirmed = review.confirm(alice, by=alice.user, **review.seen(alice))
    staff_without = User.objects.create_user("staf-tanpa", password="x", is_staff=True)
    staff_with = User.objects.create_user("staf-dengan", password="x", is_staff=True)
    staff_with.user_permissions.set(Permission.objects.filter(content_type__app_label="profiles"))
    log = exports.log_export(user=staff_with, batch=batch, fmt="csv", scope="all", count=1, source="web")
    confirmed.photo.original.save("asli", ContentFile(red_card("JPEG")), save=True)
    fix = PhotoFix.objects.create(participant=confirmed, state=PhotoFix.State.DONE, queued_at=timezone.now())
    for field in ("source", "preview", "result"):
        getattr(fix, field).save(field, ContentFile(red_card("JPEG")), save=False)
    fix.save()
    job = ExportJob.objects.create(requested_by=staff_with, batch=batch, format="zip", scope="all",
                                   state=ExportJob.State.DONE)
    job.file.save("ekspor.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=True)
    # An issued certificate of alice's (the row only: the matrix is about who may open what).
    certificate = Certificate(
        code=Certificate.new_code(), participant=confirmed, batch=batch, number="0001/LATSAR-UJI/2026", serial=1,
        state=Certificate.State.ISSUED, lines=[["Nama", confirmed.nama]], record_version=confirmed.version,
        photo=confirmed.photo, template={"batch_name": batch.name}, sha256="0" * 64,
    )
    certificate.file.save("sertifikat.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    certificate.save()
    certificate_job = CertificateJob.objects.create(batch=batch, state=CertificateJob.State.DONE)
    task_result = TaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}}, task_path="profiles.services.mail.send_mail_task",
        backend_name="default", run_after=timezone.now(), queue_name="default",
    )
    users = {"owner": alice.user, "other": bob.user, "staff_without": staff_without, "staff_with": staff_with}
    ids = {
        "participant": confirmed.pk, "batch": batch.pk, "certificate": certificate.pk, "photo": confirmed.photo_id, "exportlog": log.pk, "taskresult": task_result.pk,
        "user": alice.user_id, "participant_history": confirmed.history.first().history_id,
    }
    kwargs = {
        "photo_uuid": confirmed.photo.uuid, "code": confirmed.confirmation_code, "batch_id": batch.pk,
        "fix_uuid": fix.uuid, "kind": "sesudah", "job_uuid": job.uuid, "user_id": alice.user_id,
        "certificate_uuid": certificate.uuid, "cert_code": certificate.code,
        "certificate_job_uuid": certificate_job.uuid,
        "uidb64": urlsafe_base64_encode(force_bytes(alice.user.pk)),
        "token": default_token_generator.make_token(alice.user),
    }
    return {"users": users, "ids": ids, "kwargs": kwargs}


# URLs whose arguments are positional regex groups.
POSITIONAL = {
    "admin:profiles_participant_simple_history": lambda world: [
        world["ids"]["participant"], world["ids"]["participant_history"],
    ],
}


def url_for(name, world):
    if name in POSITIONAL:
        return reverse(name, args=POSITIONAL[name](world))
    pattern = project_urls()[name]
    wanted = pattern.pattern.converters.keys() if hasattr(pattern.pattern, "converters") else ()
    kwargs = {key: world["kwargs"][key] for key in wanted if key in world["kwargs"]}
    if "object_id" in wanted or "id" in wanted:
        model = name.split(":")[1].split("_")[1]
        key = "object_id" if "object_id" in wanted else "id"
        kwargs[key] = world["ids"][model]
    return reverse(name, kwargs=kwargs)


def client_as(role, world):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


SIGN_IN_PATHS = (reverse("login"), reverse("admin:login"))


def outcome(response):
    if response.status_code == 200:
        return OK
    if response.status_code == 302:
        return LOGIN if urlparse(response["Location"]).path in SIGN_IN_PATHS else REDIRECT
    return {403: FORBIDDEN, 404: MISSING, 405: "method not allowed"}.get(response.status_code, str(response.status_code))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_visitor_gets_what_the_row_says(world, name):
    # One URL per test, all five visitors in it: the world is built once per URL.
    row = EXPECTED[name]
    url = url_for(name, world)
    got = {role: outcome(getattr(client_as(role, world), row.method)(url)) for role in ROLES}
    assert got == row.outcomes


WRONG_METHODS = ("PUT", "DELETE", "PATCH", "POST", "GET")


@pytest.mark.parametrize("name", sorted(name for name, row in EXPECTED.items() if row.methods))
def test_a_wrong_method_is_refused_for_whoever_may_open_the_url(world, name):
    row = EXPECTED[name]
    # Someone the URL serves (a page or a redirect onward), so the refusal is the method's.
    role = next((r for r in ("owner", "staff_with") if row.outcomes[r] in (OK, REDIRECT)), "owner")
    method = next(m for m in WRONG_METHODS if m not in row.methods)
    response = client_as(role, world).generic(method, url_for(name, world))
    assert response.status_code == 405
