"""Issuing N certificates with photos through the real task queue; prints certificates/s, CPU and worker RSS.

    .venv/bin/python bench/certificates.py                       # 2,000 certificates, SQLite file, 2 workers
    .venv/bin/python bench/certificates.py --certificates 10000
    .venv/bin/python bench/certificates.py --db postgres         # DATABASE_URL or postgres://postgres@127.0.0.1:5432/
    .venv/bin/python bench/certificates.py --profile 50          # where one certificate's time goes, in this process

A throw-away database (an SQLite file in a temporary folder, or a fresh PostgreSQL database
`bench_certificates`), photo storage and demo signing key. N verified participants with a
photo each (a 827x1240 JPEG of about 100 kB; no e-mail address, so no mail tasks) are
written, then "Terbitkan sertifikat" runs as staff would start it (issue.start: tasks on the
django_tasks_db queue) and W `manage.py db_worker --batch` processes work the queue until
it is empty. Each worker's CPU time and peak RSS come from os.wait4 on the child.
Target on a 2-core machine with two workers: 10,000 in under 10 minutes, RSS under 300 MB.
"""

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def photo_jpeg():
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (827, 1240), (215, 69, 50))
    draw = ImageDraw.Draw(image)
    # A face-and-shirt-like shape and some texture, so the JPEG has a realistic size.
    draw.ellipse((250, 220, 580, 640), fill=(224, 182, 150))
    draw.rectangle((150, 700, 680, 1240), fill=(245, 245, 245))
    for y in range(0, 1240, 6):
        draw.line((0, y, 827, y + 40), fill=(200 + y % 40, 60, 45), width=1)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def fill(count, batch):
    from django.contrib.auth.hashers import make_password
    from django.core.files.base import ContentFile
    from datetime import date

    from profiles.models import Participant, Photo, Status, User

    jpeg = photo_jpeg()
    for start in range(0, count, 2000):
        stop = min(start + 2000, count)
        users = [User(username=f"c{i:017d}", password=make_password(None)) for i in range(start, stop)]
        User.objects.bulk_create(users)
        participants = []
        for i, user in zip(range(start, stop), users):
            born = date(1985, 1, 1) + timedelta(days=i // 999)
            participants.append(Participant(
                nip=f"{born:%Y%m%d}201903{1 + i % 2}{i % 999 + 1:03d}", user=user, batch=batch,
                nama=f"Peserta Uji Nomor {i}, S.E., M.Si.", tempat_lahir="Jayapura", tanggal_lahir=born,
                jenis_kelamin="Laki-laki" if i % 2 == 0 else "Perempuan", agama="Islam",
                jabatan="Analis Pengelolaan Keuangan APBN Ahli Pertama", pangkat="Penata Muda", golongan="III/a",
                asal_instansi="Kementerian Keuangan", status=Status.TERVERIFIKASI,
            ))
        Participant.objects.bulk_create(participants)
        for participant in participants:
            photo = Photo(participant=participant, width=827, height=1240, size=len(jpeg), sha256="0" * 64)
            photo.file.save(f"{photo.uuid.hex}.jpg", ContentFile(jpeg), save=False)
            photo.save()
            participant.photo = photo
        Participant.objects.bulk_update(participants, ["photo"], batch_size=500)
    return len(jpeg)


def profile(n):
    """One certificate's CPU split into its steps, in this process (after a warm-up)."""

    from profiles.models import Certificate
    from profiles.services.certificates import issue, render, sign

    certificates = list(Certificate.objects.filter(state=Certificate.State.ISSUED)[:n])
    steps = {"read photo": 0.0, "stamp (build)": 0.0, "sign": 0.0}
    issue.build_pdf(certificates[0])
    for certificate in certificates:
        t = time.process_time()
        with certificate.photo.file.open("rb") as handle:
            photo = handle.read()
        steps["read photo"] += time.process_time() - t
        t = time.process_time()
        writer = render.build(render.Stamp(certificate.number, certificate.lines, photo,
                                           issue.verify_url(certificate), certificate.template))
        steps["stamp (build)"] += time.process_time() - t
        t = time.process_time()
        sign.sign(writer, reason="bench", location="Jakarta")
        steps["sign"] += time.process_time() - t
    # The other way: the whole certificate from HTML by WeasyPrint, as the preview PDF does
    # (warm: after the first render in this process), per certificate.
    from django.template.loader import render_to_string

    from profiles.services.certificates import preview
    from profiles.views.certificate import certificate_context

    participant = certificates[0].participant
    html = render_to_string("profiles/certificate_pdf.html", {
        **certificate_context(participant), "photo_src": preview.photo_data_uri(participant.photo),
    })
    preview.render_pdf(html)
    t = time.process_time()
    for _ in range(5):
        preview.render_pdf(html)
    weasyprint_page = (time.process_time() - t) / 5
    total = sum(steps.values())
    print(f"per certificate, in one process ({len(certificates)} certificates):")
    for step, seconds in steps.items():
        print(f"  {step:<14} {1000 * seconds / len(certificates):6.1f} ms  ({100 * seconds / total:.0f} %)")
    per = total / len(certificates)
    print(f"a whole certificate from HTML by WeasyPrint (the preview's way): {1000 * weasyprint_page:.0f} ms CPU, "
          f"{weasyprint_page / per:.0f}x a stamped and signed one")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--certificates", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--profile", type=int, default=0, help="afterwards, split N certificates' CPU by step")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        workdir = Path(workdir)
        if args.db == "sqlite":
            database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        else:
            base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
            database_url = base.rsplit("/", 1)[0] + "/bench_certificates"
            subprocess.run(["psql", base, "-qc", "DROP DATABASE IF EXISTS bench_certificates"], check=True)
            subprocess.run(["psql", base, "-qc", "CREATE DATABASE bench_certificates"], check=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "smartbangkom.settings",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(workdir / "media"),
            "PHOTO_STORAGE": "local",
            "CERTIFICATE_SIGNING_P12": str(workdir / "signing.p12"),
            "CERTIFICATE_SIGNING_PASSWORD": "bench",
            "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
            "LOG_LEVEL": "WARNING",
        }
        os.environ.update(env)
        manage = [sys.executable, str(BASE_DIR / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True, env=env)

        import django

        django.setup()
        from django.utils import timezone

        from profiles.models import Batch, Certificate, CertificateJob, User
        from profiles.services.certificates import issue, sign

        sign.create_demo_signing_key(env["CERTIFICATE_SIGNING_P12"], "bench")
        staff = User.objects.create_user("staf-bench", is_staff=True)
        batch = Batch.objects.create(
            name="Bench Sertifikat", deadline=timezone.now() + timedelta(days=30), certificate_code="B",
            signatory_name="Dr. Ahmad Yani, S.E., M.M.", signatory_position="Kepala Pusat",
            signatory_nip="197001012000031001",
        )
        started = time.perf_counter()
        photo_size = fill(args.certificates, batch)
        print(f"{args.certificates:,} verified participants with a {photo_size / 1000:.0f} kB photo written "
              f"in {time.perf_counter() - started:.1f} s ({args.db})")

        started = time.perf_counter()
        job = issue.start(batch, by=staff)
        queued = time.perf_counter() - started
        from django.db import connection

        connection.close()
        workers = [
            subprocess.Popen([*manage, "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(args.workers)
        ]
        usage = {}
        while len(usage) < len(workers):
            pid, status, rusage = os.wait4(-1, 0)
            usage[pid] = rusage
        elapsed = time.perf_counter() - started
        job = CertificateJob.objects.get(pk=job.pk)
        issued = Certificate.objects.filter(batch=batch, state=Certificate.State.ISSUED).count()
        numbers = Certificate.objects.filter(batch=batch).values_list("number", flat=True)
        cpu = sum(r.ru_utime + r.ru_stime for r in usage.values())
        peak = max(r.ru_maxrss for r in usage.values()) / 1024
        sizes = [c.file.size for c in Certificate.objects.filter(batch=batch)[:50]]
        print(f"job {job.state}: {issue.job_progress(job)}, {issued:,} issued, {job.failed} failed; "
              f"{len(set(numbers)) == len(numbers) and 'numbers unique' or 'DUPLICATE NUMBERS'}")
        print(f"queued in {queued:.1f} s; {args.workers} workers took {elapsed:.1f} s: "
              f"{issued / elapsed:.1f} certificates/s")
        print(f"per certificate: {1000 * cpu / max(issued, 1):.1f} ms CPU in the workers "
              f"(task queue, database, storage, render, sign); peak worker RSS {peak:.0f} MB; "
              f"PDF about {sum(sizes) / len(sizes) / 1000:.0f} kB")
        estimate = 10_000 / (issued / elapsed) / 60
        print(f"at this rate 10,000 take {estimate:.1f} min (target: under 10 min, RSS under 300 MB)")
        if args.profile:
            profile(args.profile)
        if args.db == "postgres":
            connection.close()
            subprocess.run(["psql", base, "-qc",
                            "DROP DATABASE IF EXISTS bench_certificates"], check=False)


if __name__ == "__main__":
    main()
