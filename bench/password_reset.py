"""Lupa kata sandi?: the answer time for a known NIP against an unknown one.

    .venv/bin/python bench/password_reset.py [--rounds 15]

A throw-away SQLite database in a temporary directory, the real task queue
(django_tasks_db.DatabaseBackend, no worker), one participant with a password and an
e-mail. Each round posts the form once for the known NIP and once for an unknown one,
alternating, with the rate-limit counter emptied first (so the limit never answers instead). Prints the
median time of each and their ratio; the request does the same work for both (one queued
job), so the ratio should stay near 1.00 whatever the machine's load.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

KNOWN = "199301212020122004"
UNKNOWN = "199001012019031001"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-reset-")
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "smartbangkom.settings",
        "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
        "MEDIA_ROOT": f"{workdir}/media",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
    })
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from profiles.models import Batch, PasswordResetRequest
    from profiles.services.accounts import create_participant

    call_command("migrate", verbosity=0)
    batch = Batch.objects.create(name="Bench", deadline=timezone.now() + timedelta(days=7))
    participant = create_participant(KNOWN, batch, {
        "nama": "Siti Rahmawati", "tanggal_lahir": date(1993, 1, 21), "jenis_kelamin": "Perempuan",
        "email": "siti@kemenkeu.go.id",
    })
    participant.user.set_password("Kata-Sandi-Bench-1")
    participant.user.save()
    client = Client()
    url = reverse("password_reset")
    times = {KNOWN: [], UNKNOWN: []}
    for round_number in range(args.rounds + 1):
        for nip in (KNOWN, UNKNOWN) if round_number % 2 else (UNKNOWN, KNOWN):
            PasswordResetRequest.objects.all().delete()
            address = f"10.0.0.{1 if nip == KNOWN else 2}"
            started = time.perf_counter()
            response = client.post(url, {"nip": nip}, REMOTE_ADDR=address)
            elapsed = time.perf_counter() - started
            assert response.status_code == 302, response.status_code
            if round_number:  # the first round warms caches up
                times[nip].append(elapsed)
    known, unknown = statistics.median(times[KNOWN]), statistics.median(times[UNKNOWN])
    print(f"rounds: {args.rounds}")
    print(f"known NIP   median {known * 1000:.1f} ms")
    print(f"unknown NIP median {unknown * 1000:.1f} ms")
    print(f"ratio known/unknown: {known / unknown:.2f}")


if __name__ == "__main__":
    main()
