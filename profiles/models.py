import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from simple_history.models import HistoricalRecords

from profiles.rules import revisions
from profiles.rules.fields import DATA_COLUMNS
from profiles.rules.statuses import Status
from profiles.rules.choices import AGAMA_CHOICES, JENIS_KELAMIN_CHOICES
from profiles.rules.ranks import GOLONGAN_CHOICES, PANGKAT_CHOICES


class User(AbstractUser):
    """Participants sign in with their NIP as username; staff with any username."""

    @property
    def must_change_password(self):
        # Participants created by the roster import have no usable password:
        # they sign in once with their NIP and must then choose one.
        return not self.has_usable_password()


class Batch(models.Model):
    name = models.CharField("angkatan", max_length=100, unique=True)
    deadline = models.DateTimeField("tenggat waktu")
    created_at = models.DateTimeField("dibuat pada", auto_now_add=True)

    # The committee participants contact for corrections: shown on every participant
    # page, on the lockout page and in every e-mail.
    contact_name = models.CharField("nama panitia", max_length=150, blank=True)
    contact_phone = models.CharField("WhatsApp/telepon panitia", max_length=30, blank=True)
    contact_email = models.EmailField("email panitia", blank=True)
    contact_hours = models.CharField(
        "jam layanan", max_length=100, blank=True, help_text="Contoh: Senin–Jumat 08.00–16.00 WIB"
    )

    # Lines of the certificate preview.
    certificate_title = models.CharField("judul sertifikat", max_length=150, default="SERTIFIKAT")
    training_name = models.CharField(
        "nama pelatihan", max_length=200, default="Pelatihan Dasar CPNS", blank=True
    )

    # The issued certificate (profiles.services.certificates): the centre, the signatory,
    # the place and date, and the numbering pattern.
    organizer = models.CharField(
        "penyelenggara", max_length=200, blank=True, default="Pusat Pengembangan Sumber Daya Manusia"
    )
    certificate_code = models.CharField(
        "kode angkatan pada nomor", max_length=30, blank=True,
        help_text="Isi {angkatan} pada pola nomor, contoh: XII. Kosong: nomor urut angkatan di sistem.",
    )
    number_pattern = models.CharField(
        "pola nomor sertifikat", max_length=100, default="{urut:04d}/LATSAR-{angkatan}/{tahun}",
        help_text="Isian: {urut} (nomor urut, contoh {urut:04d}), {angkatan}, {tahun}.",
    )
    signatory_name = models.CharField("nama penanda tangan", max_length=150, blank=True)
    signatory_position = models.CharField("jabatan penanda tangan", max_length=200, blank=True)
    signatory_nip = models.CharField("NIP penanda tangan", max_length=18, blank=True)
    certificate_place = models.CharField("tempat penerbitan", max_length=100, blank=True, default="Jakarta")
    certificate_date = models.DateField(
        "tanggal sertifikat", null=True, blank=True, help_text="Kosong: tanggal penerbitan."
    )

    # Off by default, as in the guide (password = NIP). For centres that do not want a
    # published NIP to be enough to claim an account.
    requires_access_code = models.BooleanField(
        "masuk pertama perlu kode akses",
        default=False,
        help_text="Peserta baru dapat masuk pertama kali dengan NIP dan kode akses dari panitia.",
    )

    class Meta:
        verbose_name = "angkatan"
        verbose_name_plural = "angkatan"
        ordering = ["-deadline"]

    def __str__(self):
        return self.name

    def is_past_deadline(self, now=None):
        return (now or timezone.now()) >= self.deadline


def photo_storage():
    return storages["photos"]


def photo_upload_to(instance, filename):
    # Never derived from user input: a random key per version, so a new photo
    # never overwrites an old one and no cache can show a stale picture.
    # Not keyed by NIP either: the NIP holds the birth date and gender.
    return f"{instance.uuid.hex[:2]}/{instance.uuid.hex}.jpg"


def original_upload_to(instance, filename):
    return f"asli/{instance.uuid.hex[:2]}/{instance.uuid.hex}"


def fix_upload_to(instance, filename):
    # The fixer's files before the participant accepts one: upload, preview, result.
    return f"perbaikan/{instance.uuid.hex[:2]}/{instance.uuid.hex}-{filename}"


# Statuses that become "deemed valid" once the participant's editing has closed.
DEEMABLE = [Status.BELUM_DIPERBARUI, Status.DIPERBARUI, Status.DIKONFIRMASI, Status.DIANGGAP_VALID]


class ParticipantQuerySet(models.QuerySet):
    """The query twins of Participant.can_edit and Participant.is_validated.

    Each pair answers one question, for one record in Python and for many in the
    database; tests/test_query_twins.py holds each pair to the same answer.
    """

    @staticmethod
    def editable_q(now):
        """Before the batch's deadline, or inside a reopening granted with a revision."""
        return Q(batch__deadline__gt=now) | Q(reopened_until__gt=now)

    @staticmethod
    def validated_q(now):
        """Records the certificate may be printed from (DOMAIN.md, "Validated"): verified by a
        person, or deemed valid as the participant left it. A staff edit after a verification
        (needs_verification) is neither, before or after the deadline."""
        deemed = ~ParticipantQuerySet.editable_q(now) & Q(status__in=DEEMABLE, needs_verification=False)
        return Q(status=Status.TERVERIFIKASI) | deemed

    def editable(self, now):
        return self.filter(self.editable_q(now))

    def validated(self, now):
        return self.filter(self.validated_q(now))


class Participant(models.Model):
    nip = models.CharField("NIP", max_length=18, primary_key=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant"
    )
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="participants", verbose_name="angkatan"
    )

    nama = models.CharField("nama", max_length=150, blank=True)
    tempat_lahir = models.CharField("tempat lahir", max_length=100, blank=True)
    tanggal_lahir = models.DateField("tanggal lahir", null=True, blank=True)
    jenis_kelamin = models.CharField(
        "jenis kelamin", max_length=10, choices=JENIS_KELAMIN_CHOICES, blank=True
    )
    agama = models.CharField("agama", max_length=40, choices=AGAMA_CHOICES, blank=True)
    jabatan = models.CharField("jabatan", max_length=200, blank=True)
    pangkat = models.CharField("pangkat", max_length=40, choices=PANGKAT_CHOICES, blank=True)
    golongan = models.CharField("golongan", max_length=6, choices=GOLONGAN_CHOICES, blank=True)
    email = models.CharField("email", max_length=254, blank=True)
    asal_instansi = models.CharField("asal instansi", max_length=200, blank=True)
    alamat_instansi = models.CharField("alamat instansi", max_length=300, blank=True)
    # E.164, e.g. +6281234567890
    no_telp = models.CharField("no. telp", max_length=20, blank=True)

    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.BELUM_DIPERBARUI, db_index=True
    )
    # Optimistic lock: a save must name the version it was edited from.
    version = models.PositiveIntegerField(default=1)
    # The values of the last roster import, to tell on re-import which fields
    # the participant has changed since (those are never overwritten).
    roster_values = models.JSONField(default=dict, blank=True)
    reopened_until = models.DateTimeField("dibuka kembali sampai", null=True, blank=True)
    revision_note = models.TextField("catatan revisi", blank=True)
    # What the open revision request names, per reason: the targets and their values when
    # it was made (profiles.rules.revisions); it stays "perlu revisi" until they change.
    revision_targets = models.JSONField("yang diminta diperbaiki", default=list, blank=True)
    # Staff changed the record after it was verified (or deemed valid): nobody has approved
    # what it holds now, so only a new verification puts it in the validated export.
    needs_verification = models.BooleanField("perlu verifikasi ulang", default=False)
    confirmed_at = models.DateTimeField("dikonfirmasi pada", null=True, blank=True)
    confirmation_code = models.CharField(
        "kode konfirmasi", max_length=16, null=True, blank=True, unique=True
    )
    # What the confirmation covers: the record version and the photo the participant saw.
    confirmed_version = models.PositiveIntegerField("versi yang dikonfirmasi", null=True, blank=True)
    confirmed_photo = models.ForeignKey(
        "Photo", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="foto yang dikonfirmasi",
    )
    # Handed out by the training centre when the batch asks for it at first sign-in.
    kode_akses = models.CharField("kode akses", max_length=16, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="diverifikasi oleh",
    )
    verified_at = models.DateTimeField("diverifikasi pada", null=True, blank=True)
    photo = models.ForeignKey(
        "Photo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="foto",
    )
    updated_at = models.DateTimeField("diperbarui pada", auto_now=True)

    history = HistoricalRecords(excluded_fields=["version", "updated_at", "roster_values", "kode_akses"])


    objects = ParticipantQuerySet.as_manager()
    class Meta:
        verbose_name = "peserta"
        verbose_name_plural = "peserta"
        ordering = ["nama", "nip"]
        permissions = [
            ("import_roster", "Dapat mengimpor roster peserta"),
            ("export_certificates", "Dapat mengekspor data sertifikat"),
            ("view_dashboard", "Dapat melihat dasbor kelengkapan"),
            ("issue_certificates", "Dapat menerbitkan dan mencabut sertifikat"),
        ]

    def __str__(self):
        return f"{self.nip} {self.nama}".strip()

    def can_edit(self, now=None):
        """Twin of ParticipantQuerySet.editable_q."""
        now = now or timezone.now()
        if not self.batch.is_past_deadline(now):
            return True
        return self.reopened_until is not None and now < self.reopened_until

    def is_validated(self, now=None):
        """Twin of ParticipantQuerySet.validated_q."""
        if self.status == Status.TERVERIFIKASI:
            return True
        return self.status in DEEMABLE and not self.needs_verification and not self.can_edit(now)

    def revision_values(self):
        """The values a revision request compares: the data columns and the photo (by id)."""
        return {**{column: getattr(self, column) for column in DATA_COLUMNS}, revisions.PHOTO: self.photo_id}

    def pending_revision(self):
        """The reasons of the open revision request that the record has not answered yet."""
        if self.status != Status.PERLU_REVISI:
            return []
        return revisions.pending(self.revision_targets, self.revision_values())

    @staticmethod
    def new_confirmation_code():
        return secrets.token_hex(4).upper()


class Photo(models.Model):
    # The URL names this, not the sequential primary key.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(storage=photo_storage, upload_to=photo_upload_to, max_length=200)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The full check report (profiles.photos.PhotoReport.to_dict()).
    report = models.JSONField(default=dict)
    warnings = models.JSONField(default=list)
    # Made by the photo fixer ("Perbaiki foto otomatis") and accepted by the participant;
    # the upload it was made from is kept for staff to compare.
    auto_fixed = models.BooleanField("diperbaiki otomatis", default=False)
    original = models.FileField(
        storage=photo_storage, upload_to=original_upload_to, max_length=200, blank=True
    )
    pipeline_version = models.CharField(max_length=20, blank=True)
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "foto"
        verbose_name_plural = "foto"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"Foto {self.participant_id} {self.uploaded_at:%Y-%m-%d %H:%M}"


class PhotoFix(models.Model):
    """One "Perbaiki foto otomatis" request: the upload, then the fixer's result.

    Nothing becomes the participant's photo until they accept the result
    (photo_fixes.accept_fix).
    """

    class State(models.TextChoices):
        # A refused upload kept for the "Perbaiki foto otomatis" button, not yet queued.
        AWAITING = "awaiting", "Belum diminta"
        QUEUED = "queued", "Menunggu"
        RUNNING = "running", "Diproses"
        DONE = "done", "Selesai"
        REFUSED = "refused", "Tidak dapat diperbaiki"
        FAILED = "failed", "Gagal"
        ACCEPTED = "accepted", "Dipakai"
        DISCARDED = "discarded", "Dibuang"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="photo_fixes")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    task_id = models.CharField(max_length=64, blank=True)
    # When it was (last) put on the queue: a job still queued long after is reported.
    queued_at = models.DateTimeField(null=True, blank=True)
    # The photo version made from it, once accepted.
    photo = models.ForeignKey("Photo", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source = models.FileField(storage=photo_storage, upload_to=fix_upload_to, max_length=200)
    preview = models.FileField(storage=photo_storage, upload_to=fix_upload_to, max_length=200, blank=True)
    result = models.FileField(storage=photo_storage, upload_to=fix_upload_to, max_length=200, blank=True)
    changes = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    report = models.JSONField(default=dict, blank=True)
    refused_code = models.CharField(max_length=40, blank=True)
    refused_message = models.TextField(blank=True)
    pipeline_version = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "perbaikan foto"
        verbose_name_plural = "perbaikan foto"
        ordering = ["-created_at"]


class MailLog(models.Model):
    """Every e-mail to a participant: when, which message, to whom, and how it went."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", "Dalam antrean"
        SENT = "sent", "Terkirim"
        FAILED = "failed", "Gagal"
        SKIPPED = "skipped", "Tidak dikirim"

    created_at = models.DateTimeField("dibuat pada", default=timezone.now)
    sent_at = models.DateTimeField("dikirim pada", null=True, blank=True)
    kind = models.CharField("jenis", max_length=30)
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="mails",
        verbose_name="peserta",
    )
    to = models.CharField("kepada", max_length=254)
    subject = models.CharField("subjek", max_length=200)
    body = models.TextField("isi", blank=True)
    outcome = models.CharField("hasil", max_length=10, choices=Outcome.choices, default=Outcome.QUEUED)
    error = models.TextField("galat", blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="oleh",
    )
    # Reminders are idempotent within a day: one row per participant, kind and day.
    dedupe_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = "log email"
        verbose_name_plural = "log email"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["participant", "-created_at"], name="mail_by_participant")]


class ExportJob(models.Model):
    """A big export (a ZIP of photos) built by a background task; staff download it when ready."""

    class State(models.TextChoices):
        QUEUED = "queued", "Menunggu"
        RUNNING = "running", "Diproses"
        DONE = "done", "Siap diunduh"
        FAILED = "failed", "Gagal"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=10)
    scope = models.CharField(max_length=20)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    file = models.FileField(upload_to="ekspor/", max_length=200, blank=True)
    count = models.PositiveIntegerField(default=0)
    missing_photos = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "ekspor latar belakang"
        verbose_name_plural = "ekspor latar belakang"
        ordering = ["-created_at"]


class ExportLog(models.Model):
    SCOPES = [
        ("validated", "Hanya data tervalidasi"), ("all", "Semua peserta"), ("selected", "Peserta terpilih"),
        ("unfinished", "Peserta belum selesai (dasbor)"), ("access_codes", "Kode akses"),
    ]
    SOURCES = [("web", "Halaman ekspor"), ("web-job", "Ekspor latar belakang"), ("cli", "Perintah server")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="pengguna"
    )
    # Who asked, kept even if the account is later deleted ("cli:<os user>" for commands).
    actor = models.CharField("oleh", max_length=150)
    created_at = models.DateTimeField("waktu", default=timezone.now)
    batch = models.ForeignKey(Batch, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="angkatan")
    format = models.CharField("format", max_length=10)
    scope = models.CharField("cakupan", max_length=20, choices=SCOPES)
    count = models.PositiveIntegerField("jumlah", default=0)
    source = models.CharField("sumber", max_length=20, default="web", choices=SOURCES)
    # The NIPs an "export selected" contained (an export of a whole batch names the batch).
    nips = models.JSONField("NIP", default=list, blank=True)

    class Meta:
        verbose_name = "log ekspor"
        verbose_name_plural = "log ekspor"
        ordering = ["-created_at"]


class PasswordResetRequest(models.Model):
    """One "Lupa kata sandi?" request, counted for the rate limit (profiles.services.password_reset).

    Kept whether or not the NIP exists, so the limit says nothing about accounts. The NIP
    is stored as a keyed hash: this table is a counter, not a log of who asked.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    nip_hash = models.CharField(max_length=64)
    ip_address = models.CharField(max_length=45)

    class Meta:
        verbose_name = "permintaan atur ulang kata sandi"
        verbose_name_plural = "permintaan atur ulang kata sandi"
        indexes = [
            models.Index(fields=["nip_hash", "created_at"], name="reset_by_nip"),
            models.Index(fields=["ip_address", "created_at"], name="reset_by_ip"),
        ]


class UploadAttempt(models.Model):
    """One photo upload by a participant, accepted or refused: the hourly limit counts these
    in the database, so it holds across app servers (services.accept_photo)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    accepted = models.BooleanField(default=False)

    class Meta:
        verbose_name = "unggahan foto"
        verbose_name_plural = "unggahan foto"
        indexes = [models.Index(fields=["participant", "at"], name="uploads_by_participant")]


class JobLease(models.Model):
    """A background job's lease (services/jobs.py): the worker running it renews expires_at
    while it works; a lease that runs out means the worker died, and the job is retried or
    failed. One row per task result of django-tasks-db, deleted when the job ends."""

    task_id = models.CharField(max_length=64, primary_key=True)
    task_path = models.CharField(max_length=200)
    # The run this is: 1 for the first, 2 for the retry after a dead worker, ...
    attempt = models.PositiveSmallIntegerField(default=1)
    worker_id = models.CharField(max_length=64, blank=True)
    # Null until a worker starts the job (a retry waiting in the queue).
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sewa pekerjaan"
        verbose_name_plural = "sewa pekerjaan"
        # The recovery step's question: which running jobs' leases have run out.
        indexes = [models.Index(fields=["expires_at"], name="job_lease_expiry")]


def certificate_upload_to(instance, filename):
    # A random key, never the NIP or the number (both are on the certificate, not in its name).
    return f"sertifikat/{instance.uuid.hex[:2]}/{instance.uuid.hex}.pdf"


class CertificateCounter(models.Model):
    """The last serial handed out per batch, locked while a number is taken: never reused."""

    batch = models.OneToOneField(Batch, on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)


class CertificateJob(models.Model):
    """One "Terbitkan sertifikat" run over a batch, split into background tasks."""

    class State(models.TextChoices):
        QUEUED = "queued", "Menunggu"
        RUNNING = "running", "Diproses"
        DONE = "done", "Selesai"
        FAILED = "failed", "Gagal"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Touched by every certificate a worker finishes: a job whose heartbeat stopped is stalled.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "penerbitan sertifikat"
        verbose_name_plural = "penerbitan sertifikat"
        ordering = ["-created_at"]

    @property
    def processed(self):
        return self.issued + self.skipped + self.failed


class Certificate(models.Model):
    """An issued certificate, frozen: what it prints never follows a later edit of the record.

    A correction is a revocation (with its reason) and a new certificate with a new number.
    """

    class State(models.TextChoices):
        # Numbered and frozen, the PDF not yet stored (a worker that died leaves it here;
        # the next run finishes it with the same number).
        PENDING = "pending", "Diproses"
        ISSUED = "issued", "Terbit"
        REVOKED = "revoked", "Dicabut"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The verification page's key (/v/<code>/): random, never derived from the NIP.
    code = models.CharField(max_length=32, unique=True)
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="certificates")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField("nomor", max_length=100, unique=True)
    serial = models.PositiveIntegerField("nomor urut")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # What was printed, frozen at issue: the lines (profiles.rules.printing), the record and
    # photo versions they came from, and the batch's template (title, centre, signatory, ...).
    lines = models.JSONField(default=list)
    record_version = models.PositiveIntegerField()
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="+")
    template = models.JSONField(default=dict)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="diterbitkan oleh",
    )
    issued_at = models.DateTimeField("diterbitkan pada", default=timezone.now)
    job = models.ForeignKey(CertificateJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    file = models.FileField(storage=photo_storage, upload_to=certificate_upload_to, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField("dicabut pada", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="dicabut oleh",
    )
    revoke_reason = models.TextField("alasan pencabutan", blank=True)

    class Meta:
        verbose_name = "sertifikat"
        verbose_name_plural = "sertifikat"
        ordering = ["batch", "serial"]
        constraints = [
            # One live certificate per participant: a second issue of the same record is
            # refused by the database, whichever worker tries.
            models.UniqueConstraint(
                fields=["participant"], condition=~Q(state="revoked"), name="one_live_certificate"
            ),
            models.UniqueConstraint(fields=["batch", "serial"], name="certificate_serial_per_batch"),
        ]

    def __str__(self):
        return self.number

    @staticmethod
    def new_code():
        return secrets.token_urlsafe(16)


class VerificationRequest(models.Model):
    """One request to the public verification page, counted for its rate limit (no NIP, no code)."""

    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.CharField(max_length=45)
    upload = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "created_at"], name="verify_by_ip")]


class TaskResult(DBTaskResult):
    """The background task queue (django-tasks-db), shown to staff in Indonesian."""

    class Meta:
        proxy = True
        verbose_name = "tugas latar belakang"
        verbose_name_plural = "tugas latar belakang"
