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
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from profiles import exports, review
from profiles.models import User
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
    "admin:profiles_participant_import": Row(ADMIN_PAGE, methods=None),
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
    "admin:profiles_user_changelist": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_user_add": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_user_change": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_user_history": Row(ADMIN_PAGE, methods=None),
    "admin:profiles_user_delete": Row(ADMIN_PAGE, methods=None),
    "admin:auth_user_password_change": Row(ADMIN_PAGE, methods=None),
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
    users = {"owner": alice.user, "other": bob.user, "staff_without": staff_without, "staff_with": staff_with}
    ids = {
        "participant": confirmed.pk, "batch": batch.pk, "photo": confirmed.photo_id, "exportlog": log.pk,
        "user": alice.user_id, "participant_history": confirmed.history.first().history_id,
    }
    kwargs = {"photo_uuid": confirmed.photo.uuid, "code": confirmed.confirmation_code, "batch_id": batch.pk}
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
    role = next(r for r in ("owner", "staff_with") if row.outcomes[r] == OK) if OK in (
        row.outcomes["owner"], row.outcomes["staff_with"]) else "owner"
    method = next(m for m in WRONG_METHODS if m not in row.methods)
    response = client_as(role, world).generic(method, url_for(name, world))
    assert response.status_code == 405
