"""axe-core on every participant page, on a phone and on a laptop: no serious or critical violation."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from profiles.services import review
from profiles.services.accounts import create_participant
from tests.conftest import ALICE_NIP
from tests.rosters import give_photo

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = {
    "phone": {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
    "laptop": {"viewport": {"width": 1366, "height": 768}},
}
ALICE_PASSWORD = "Kata-Sandi-Alice-1"  # tests/conftest.py
NEWCOMER_NIP = "200012312024121001"


@pytest.fixture(params=list(SCREENS))
def screen(request):
    return request.param


@pytest.fixture
def open_page(browser, request, screen):
    contexts = []
    request.node.browser_contexts = contexts

    def open_one():
        # bypass_csp: axe is injected as a script the page's own policy would refuse.
        context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta", bypass_csp=True, **SCREENS[screen])
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_one
    for context in contexts:
        context.close()


def violations(page):
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def check(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert not found, f"{url}: {found}"


def sign_in(page, live_server, nip, password):
    page.goto(live_server.url + reverse("login"))
    page.locator("#id_username").fill(nip)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def contact(batch):
    batch.contact_name = "Ibu Rina (Panitia Latsar)"
    batch.contact_phone = "0812-9999-0000"
    batch.contact_email = "latsar@lan.go.id"
    batch.contact_hours = "Senin–Jumat 08.00–16.00 WIB"
    batch.save()
    return batch


def test_the_pages_before_sign_in(open_page, live_server, alice, contact):
    page = open_page()
    for name in ("login", "password_reset", "password_reset_done", "password_reset_complete"):
        check(page, live_server.url + reverse(name))
    token = default_token_generator.make_token(alice.user)
    uid = urlsafe_base64_encode(force_bytes(alice.user.pk))
    check(page, live_server.url + reverse("password_reset_confirm", args=[uid, token]))
    assert page.locator("#id_new_password1").count() == 1


def test_the_lockout_page(open_page, live_server, alice, contact):
    page = open_page()
    for _ in range(5):
        sign_in(page, live_server, ALICE_NIP, "salah-sekali")
    assert "Terlalu banyak percobaan" in page.content()
    assert "15 menit" in page.content()
    found = violations(page)
    assert not found, found


def test_the_first_sign_in_password_page(open_page, live_server, batch, contact):
    create_participant(NEWCOMER_NIP, batch, {"nama": "Budi Santoso"})
    page = open_page()
    sign_in(page, live_server, NEWCOMER_NIP, NEWCOMER_NIP)
    assert page.url.endswith(reverse("password_set"))
    found = violations(page)
    assert not found, found


def test_the_participant_pages(open_page, live_server, alice, contact):
    give_photo(alice, warnings=["shirt_not_white"])
    page = open_page()
    sign_in(page, live_server, ALICE_NIP, ALICE_PASSWORD)
    for name in ("profile", "profile_edit", "photo_upload", "confirm", "certificate_preview"):
        check(page, live_server.url + reverse(name))
    # Update Profil with errors: the summary takes focus and links to the fields.
    page.goto(live_server.url + reverse("profile_edit"))
    page.locator("#id_email").fill("siti@gmail.com")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.locator('#error-summary a[href="#id_email"]').click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    found = violations(page)
    assert not found, found


def test_the_receipt(open_page, live_server, alice, contact):
    give_photo(alice)
    alice.refresh_from_db()
    confirmed = review.confirm(alice, by=alice.user, expected_version=alice.version, expected_photo=alice.photo.uuid)
    page = open_page()
    sign_in(page, live_server, ALICE_NIP, ALICE_PASSWORD)
    check(page, live_server.url + reverse("receipt", args=[confirmed.confirmation_code]))


def test_the_pages_of_a_participant_past_the_deadline(open_page, live_server, alice, contact):
    give_photo(alice)
    contact.deadline = timezone.now() - timedelta(hours=1)
    contact.save()
    page = open_page()
    sign_in(page, live_server, ALICE_NIP, ALICE_PASSWORD)
    for name in ("profile", "profile_edit", "photo_upload", "confirm", "certificate_preview"):
        check(page, live_server.url + reverse(name))
    page.goto(live_server.url + reverse("profile"))
    assert "Dianggap valid" in page.content()


def test_touch_targets_are_at_least_44_px(open_page, live_server, alice, contact):
    page = open_page()
    sign_in(page, live_server, ALICE_NIP, ALICE_PASSWORD)
    for name in ("profile", "profile_edit"):
        page.goto(live_server.url + reverse(name))
        small = page.evaluate(
            """() => [...document.querySelectorAll('main .btn, nav .nav-link, main input.form-control, main select')]
                .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
                .map(e => e.outerHTML.slice(0, 80))"""
        )
        assert not small, small
