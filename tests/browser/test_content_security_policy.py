"""Our pages work under the production Content Security Policy (no inline script or style)."""

import importlib
import os
import secrets
from unittest import mock

import pytest
from csp.utils import build_policy, default_config
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def production_policy():
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "example.go.id", "SITE_URL": "https://example.go.id"}
    with mock.patch.dict(os.environ, env):
        production = importlib.import_module("smartbangkom.settings_production")
    return build_policy(config=default_config(production.CONTENT_SECURITY_POLICY["DIRECTIVES"]))


@pytest.fixture
def csp_page(new_context, production_policy):
    """A desktop page whose every document is served with the production policy header."""
    context = new_context("desktop")

    def with_policy(route):
        response = route.fetch(max_redirects=0)  # let the browser follow redirects itself
        headers = {**response.headers, "content-security-policy": production_policy}
        route.fulfill(response=response, headers=headers)

    context.route("**/*", with_policy)
    page = context.new_page()
    page.violations = []

    def record(message):
        if "Content Security Policy" in message.text:
            page.violations.append(f"{page.url}: {message.text}")

    page.on("console", record)
    yield page
    # A late request (the favicon) may still be in the route when the context closes.
    context.unroute_all(behavior="ignoreErrors")


def test_the_participant_pages_run_under_the_production_policy(csp_page, live_server, alice):
    page = csp_page
    page.goto(live_server.url + reverse("login"))
    page.locator("#id_username").fill(alice.nip)
    page.locator("#id_password").fill("Kata-Sandi-Alice-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + reverse("profile"))

    page.goto(live_server.url + reverse("profile_edit"))
    page.locator("#id_golongan").select_option("III/b")
    # The external script still runs, reading its json_script data block.
    expect(page.locator("#id_pangkat")).to_have_value("Penata Muda Tingkat I")
    page.goto(live_server.url + reverse("photo_upload"))
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()

    assert page.violations == []


def test_the_admin_runs_under_the_production_policy(csp_page, live_server, alice, superuser):
    page = csp_page
    page.goto(live_server.url + reverse("admin:login"))
    page.locator("#id_username").fill(superuser.username)
    page.locator("#id_password").fill("Kata-Sandi-Admin-1")
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(live_server.url + reverse("admin:index"))
    for url in (
        reverse("admin:profiles_participant_changelist"),
        reverse("admin:profiles_participant_change", args=[alice.nip]),
        reverse("admin:profiles_photo_changelist"),
    ):
        page.goto(live_server.url + url)
        expect(page.locator("#content")).to_be_visible()

    assert page.violations == []
