"""Links in e-mails use the address the server really serves."""

import shutil
import subprocess

import pytest
from django.conf import settings

SHOW = "show-site-url: ; @echo $$SITE_URL"


def make_env(*args):
    result = subprocess.run(
        ["make", "-s", f"--eval={SHOW}", "show-site-url", *args],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    return result.stdout.strip()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_points_mail_links_at_its_port():
    assert make_env("PORT=8201") == "http://127.0.0.1:8201"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_an_explicit_site_url_wins_over_the_port():
    assert make_env("PORT=8201", "SITE_URL=https://latsar.example.go.id") == "https://latsar.example.go.id"
