"""My profile's steps on a phone, and the certificate preview laid out as the PDF."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.rosters import give_photo

pytestmark = pytest.mark.browser


def signed_in(new_context, live_server, device):
    context = new_context(device)
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.locator("#id_username").fill("199301212020122004")
    page.locator("#id_password").fill("Kata-Sandi-Alice-1")
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()
    return page


def test_on_a_phone_the_steps_read_1_2_3_with_the_next_action_first(new_context, live_server, alice):
    page = signed_in(new_context, live_server, "phone")
    page.goto(live_server.url + reverse("profile"))
    steps = page.locator("#checklist > li")
    tops = [steps.nth(i).bounding_box()["y"] for i in range(3)]
    assert tops == sorted(tops), "the steps are reordered on the screen"
    assert [steps.nth(i).get_attribute("data-step") for i in range(3)] == ["data", "foto", "konfirmasi"]
    next_step = page.locator("#next-step")
    expect(next_step).to_be_visible()
    expect(next_step).to_contain_text("2. Foto")
    assert next_step.bounding_box()["y"] < tops[0]


def test_on_a_desktop_the_next_action_is_not_repeated(new_context, live_server, alice):
    page = signed_in(new_context, live_server, "desktop")
    page.goto(live_server.url + reverse("profile"))
    expect(page.locator("#next-step")).to_be_hidden()


def test_the_certificate_preview_puts_the_photo_beside_the_lines_as_the_pdf(new_context, live_server, alice):
    give_photo(alice)
    page = signed_in(new_context, live_server, "desktop")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + reverse("certificate_preview"))
    photo = page.locator(".certificate-photo").bounding_box()
    lines = page.locator(".certificate-lines").bounding_box()
    assert photo["x"] + photo["width"] <= lines["x"], "the photo is not left of the lines"
    assert abs(photo["y"] - lines["y"]) < 40
    title = page.locator("[data-certificate-title]")
    assert float(title.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 28
    assert title.evaluate("e => getComputedStyle(e).textAlign") == "center"
