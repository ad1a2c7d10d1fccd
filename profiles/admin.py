from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

from profiles.forms import CONFLICT, DATA_FIELDS, ParticipantAdminForm, RevisionForm
from profiles.models import Batch, Certificate, ExportLog, Participant, Photo, TaskResult, User
from profiles.services import accounts, desk, exports, notifications, review
from profiles.services.certificates import issue as certificate_issue
from profiles.services.certificates.sign import SigningKeyMissing
from profiles.services.desk import warning_words
from profiles.services.participants import EditConflict, save_participant_data

admin.site.register(User, UserAdmin)


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["name", "deadline", "participant_count"]
    search_fields = ["name"]
    actions = ["issue_certificates"]

    def has_issue_permission(self, request):
        return request.user.has_perm("profiles.issue_certificates")

    @admin.action(description="Terbitkan sertifikat", permissions=["issue"])
    def issue_certificates(self, request, queryset):
        for batch in queryset:
            try:
                job = certificate_issue.start(batch, by=request.user)
            except (certificate_issue.InvalidPattern, SigningKeyMissing) as error:
                self.message_user(request, f"{batch.name}: {error}", messages.ERROR)
                continue
            link = reverse("certificate_job", args=[job.uuid])
            self.message_user(
                request,
                format_html('{}: {} sertifikat dalam proses. <a href="{}">Lihat kemajuan</a>', batch.name, job.total, link),
                messages.SUCCESS,
            )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_participants=Count("participants"))

    @admin.display(description="peserta", ordering="n_participants")
    def participant_count(self, obj):
        return obj.n_participants


class HasPhotoFilter(admin.SimpleListFilter):
    title = "foto"
    parameter_name = "foto"

    def lookups(self, request, model_admin):
        return [("ya", "Ada foto"), ("tidak", "Belum ada foto")]

    def queryset(self, request, queryset):
        if self.value() == "ya":
            return queryset.filter(photo__isnull=False)
        if self.value() == "tidak":
            return queryset.filter(photo__isnull=True)
        return queryset


class PhotoWarningsFilter(admin.SimpleListFilter):
    title = "catatan foto"
    parameter_name = "catatan_foto"

    def lookups(self, request, model_admin):
        return [("ada", "Ada catatan (perlu dicek)"), ("tidak", "Tanpa catatan")]

    def queryset(self, request, queryset):
        if self.value() == "ada":
            return queryset.filter(photo__isnull=False).exclude(photo__warnings=[])
        if self.value() == "tidak":
            return queryset.filter(photo__warnings=[])
        return queryset


class DataCompleteFilter(admin.SimpleListFilter):
    title = "kelengkapan data"
    parameter_name = "lengkap"

    def lookups(self, request, model_admin):
        return [("ya", "Data lengkap"), ("tidak", "Data belum lengkap")]

    def queryset(self, request, queryset):
        if self.value() == "ya":
            return queryset.filter(review.data_complete_q())
        if self.value() == "tidak":
            return queryset.exclude(review.data_complete_q())
        return queryset


class ValidatedFilter(admin.SimpleListFilter):
    title = "tervalidasi untuk sertifikat"
    parameter_name = "tervalidasi"

    def lookups(self, request, model_admin):
        return [("ya", "Tervalidasi"), ("tidak", "Belum tervalidasi")]

    def queryset(self, request, queryset):
        if self.value() == "ya":
            return queryset.validated(timezone.now())
        if self.value() == "tidak":
            return queryset.exclude(Participant.objects.validated_q(timezone.now()))
        return queryset


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    form = ParticipantAdminForm
    # Fits 1,366 px: few columns, names on one line, the status as a badge (static/css/admin.css).
    list_display = ["thumbnail", "nip", "nama_line", "batch", "status_badge", "photo_warning_list", "changed"]
    list_display_links = ["nip", "nama_line"]
    list_filter = ["batch", "status", HasPhotoFilter, PhotoWarningsFilter, DataCompleteFilter, ValidatedFilter]
    search_fields = ["nip", "nama"]
    list_select_related = ["batch"]
    list_per_page = 50
    readonly_fields = [
        "nip_display", "status", "confirmed_at", "confirmation_code", "verified_by", "verified_at",
        "photo_preview", "photo_report", "mail_log",
    ]
    raw_id_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["nip_display", "batch", "status", "version"]}),
        ("Foto", {"fields": ["photo_preview", "photo_report"]}),
        ("Data peserta", {"fields": DATA_FIELDS}),
        ("Tenggat dan revisi", {"fields": ["reopened_until", "revision_note"]}),
        ("Konfirmasi dan verifikasi", {"fields": ["confirmed_at", "confirmation_code", "verified_by", "verified_at"]}),
        ("Email ke peserta", {"fields": ["mail_log"]}),
    ]
    actions = ["verify_selected", "request_revision", "send_reminders", "reset_to_nip", "export_selected"]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        # The list needs two photo columns, not a query (or the full report) per row.
        return super().get_queryset(request).annotate(
            photo_uuid=F("photo__uuid"), photo_warnings=F("photo__warnings")
        )

    @admin.display(description="NIP")
    def nip_display(self, obj):
        return obj.nip

    @admin.display(description="Foto")
    def thumbnail(self, obj):
        if not obj.photo_uuid:
            return "—"
        return format_html(
            '<img src="{}" alt="Foto {}" width="40" height="60" loading="lazy">',
            reverse("photo", args=[obj.photo_uuid]),
            obj.nip,
        )

    @admin.display(description="Nama", ordering="nama")
    def nama_line(self, obj):
        return format_html('<span class="one-line" title="{}">{}</span>', obj.nama, obj.nama or "—")

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        return format_html('<span class="badge badge-{}">{}</span>', obj.status, obj.get_status_display())

    @admin.display(description="Diperbarui", ordering="updated_at")
    def changed(self, obj):
        return timezone.localtime(obj.updated_at).strftime("%d-%m %H.%M")

    @admin.display(description="Catatan foto")
    def photo_warning_list(self, obj):
        words = warning_words(obj.photo_warnings)
        return ", ".join(words) if words else "—"

    @admin.display(description="Email terkirim")
    def mail_log(self, obj):
        rows = notifications.mail_rows(obj)
        if not rows:
            return "Belum ada email ke peserta ini."
        return format_html(
            '<table class="mail-log"><thead><tr><th>Waktu</th><th>Jenis</th><th>Kepada</th><th>Hasil</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    # The photo pages' engineer extends this field (auto-fixed badge, link to the original).
    @admin.display(description="Foto")
    def photo_preview(self, obj):
        if obj.photo_id is None:
            return "Belum ada foto."
        photo = obj.photo
        return render_to_string("admin/profiles/participant/_photo.html", {
            "photo": photo, "nip": obj.nip, "size_kb": round(photo.size / 1024),
            "uploaded": timezone.localtime(photo.uploaded_at).strftime("%d-%m-%Y %H:%M WIB"),
        })

    @admin.display(description="Hasil pemeriksaan foto")
    def photo_report(self, obj):
        if obj.photo_id is None:
            return "—"
        rows = desk.check_rows(obj.photo.report)
        if not rows:
            return "Tidak ada laporan pemeriksaan."
        return format_html(
            '<table><thead><tr><th>Hasil</th><th>Pemeriksaan</th><th>Nilai terukur</th><th>Keterangan</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["nip", "user", "batch", "version"]}), ("Data peserta", {"fields": DATA_FIELDS})]
        return self.fieldsets

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        values = {field: form.cleaned_data[field] for field in form.changed_data if field in DATA_FIELDS}
        for field in ("batch", "reopened_until", "revision_note"):
            if field in form.changed_data:
                values[field] = form.cleaned_data[field]
        try:
            saved = save_participant_data(
                obj,
                values,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                reason="Admin",
                check_deadline=False,
            )
        except EditConflict:
            request.participant_conflict = True
            return
        obj.version = saved.version

    def response_change(self, request, obj):
        if getattr(request, "participant_conflict", False):
            self.message_user(request, CONFLICT, level=messages.ERROR)
            return self.response_post_save_change(request, obj)
        return super().response_change(request, obj)

    # Permissions of the roster import and the export (Participant.Meta.permissions).

    def has_import_permission(self, request):
        return request.user.has_perm("profiles.import_roster")

    def has_export_permission(self, request):
        return request.user.has_perm("profiles.export_certificates")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_import_permission(request),
            "can_export": self.has_export_permission(request),
            "can_view_dashboard": request.user.has_perm("profiles.view_dashboard"),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_review": self.has_change_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/verifikasi/", view(self.verify_view), name="profiles_participant_verify"),
            path("<path:object_id>/revisi/", view(self.revision_view), name="profiles_participant_revision"),
            *super().get_urls(),
        ]

    # Review: the transitions live in profiles.services.review.

    @admin.action(description="Verifikasi peserta terpilih …", permissions=["change"])
    def verify_selected(self, request, queryset):
        """Two steps: a page showing each record with what it shows in hidden inputs, then
        the verification of exactly that; a record changed in between is refused."""
        participants = list(queryset.select_related("batch", "photo"))
        if "apply" not in request.POST:
            return self._page(request, "verify_selected.html", "Verifikasi peserta terpilih", participants=participants)
        verified, refused = review.verify_selected(participants, by=request.user, data=request.POST)
        if verified:
            self.message_user(request, f"{verified} peserta diverifikasi.", messages.SUCCESS)
        for line in refused[:20]:
            self.message_user(request, f"Tidak diverifikasi — {line}", messages.WARNING)
        if len(refused) > 20:
            self.message_user(request, f"… dan {len(refused) - 20} peserta lain tidak diverifikasi.", messages.WARNING)

    @admin.action(description="Minta revisi (dengan catatan) …", permissions=["change"])
    def request_revision(self, request, queryset):
        form = RevisionForm(request.POST if "apply" in request.POST else None, initial={"days": review.reopen_days()})
        if not form.is_valid():
            return self._revision_page(request, queryset, form, action=True)
        count = review.request_revisions(queryset.select_related("batch"), by=request.user, **self._revision(form))
        self.message_user(request, f"Permintaan revisi dikirim ke {count} peserta; pengisian dibuka kembali.", messages.SUCCESS)

    @staticmethod
    def _revision(form):
        return {"note": form.cleaned_data["note"], "reasons": form.cleaned_data["alasan"], "days": form.cleaned_data["days"]}

    def _page(self, request, template, title, **context):
        return TemplateResponse(request, f"admin/profiles/participant/{template}", {
            **self.admin_site.each_context(request), "title": title, "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME, **context,
        })

    def _revision_page(self, request, participants, form, *, action):
        return self._page(request, "request_revision.html", "Minta revisi", participants=participants, form=form,
                          action_mode=action)

    @admin.action(description="Kirim pengingat email ke yang belum selesai", permissions=["change"])
    def send_reminders(self, request, queryset):
        run = notifications.remind_selection(queryset, by=request.user)
        self.message_user(request, f"{run.queued + run.sent} pengingat masuk antrean kirim.", messages.SUCCESS)
        skipped = run.skipped()
        if skipped:
            level = messages.WARNING if run.over_limit else messages.INFO
            self.message_user(request, "Dilewati: " + "; ".join(f"{count} {why}" for count, why in skipped) + ".", level)

    @admin.action(description="Reset ke NIP (lupa kata sandi)", permissions=["change"])
    def reset_to_nip(self, request, queryset):
        count, ended = accounts.reset_many_to_nip(queryset.select_related("user"), by=request.user)
        self.message_user(
            request,
            f"{count} peserta dapat masuk lagi dengan NIP sebagai kata sandi, lalu memilih kata sandi baru; "
            f"{ended} sesi yang masih masuk diakhiri.",
            messages.SUCCESS,
        )

    @admin.action(description="Ekspor peserta terpilih (CSV)", permissions=["export"])
    def export_selected(self, request, queryset):
        return exports.selected_download(queryset, user=request.user)

    def _participant_or_404(self, request, object_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        return get_object_or_404(Participant.objects.select_related("batch"), pk=object_id)

    def verify_view(self, request, object_id):
        participant = self._participant_or_404(request, object_id)
        if request.method != "POST":
            return redirect("admin:profiles_participant_change", participant.pk)
        try:
            review.verify(participant, by=request.user, **review.seen_from_post(request.POST))
        except review.ReviewError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, f"{participant} diverifikasi.", messages.SUCCESS)
        return redirect("admin:profiles_participant_change", participant.pk)

    def revision_view(self, request, object_id):
        participant = self._participant_or_404(request, object_id)
        form = RevisionForm(request.POST or None, initial={"days": review.reopen_days(), "note": participant.revision_note})
        if request.method == "POST" and form.is_valid():
            review.request_revision(participant, by=request.user, **self._revision(form))
            self.message_user(request, f"Permintaan revisi dikirim ke {participant}; pengisian dibuka kembali.", messages.SUCCESS)
            return redirect("admin:profiles_participant_change", participant.pk)
        return self._revision_page(request, [participant], form, action=False)


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["owner", "uploaded", "dimensions", "size_kb", "auto_fixed", "warning_words"]
    list_filter = ["auto_fixed"]
    fields = ["owner", "uploaded", "uploader", "dimensions", "size_kb", "warning_words", "auto_fixed"]
    readonly_fields = fields
    search_fields = ["participant__nip", "participant__nama"]

    @admin.display(description="peserta", ordering="participant__nama")
    def owner(self, obj):
        return str(obj.participant)

    @admin.display(description="diunggah", ordering="uploaded_at")
    def uploaded(self, obj):
        return timezone.localtime(obj.uploaded_at).strftime("%d-%m-%Y %H.%M WIB")

    @admin.display(description="diunggah oleh")
    def uploader(self, obj):
        return obj.uploaded_by.get_username() if obj.uploaded_by else "—"

    @admin.display(description="ukuran (px)")
    def dimensions(self, obj):
        return f"{obj.width}×{obj.height}"

    @admin.display(description="ukuran file", ordering="size")
    def size_kb(self, obj):
        return f"{round(obj.size / 1024)} KB"

    @admin.display(description="catatan pemeriksaan")
    def warning_words(self, obj):
        return ", ".join(warning_words(obj.warnings)) or "—"

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Pages to read: nobody, superusers included, adds, changes or deletes here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    """Append-only: an audit log nobody, superusers included, can write, change or delete here."""

    list_display = ["created_at", "actor", "batch", "format", "scope", "count", "source"]
    list_filter = ["format", "source", "scope"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ExportLog._meta.fields]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Issued certificates are frozen: read-only here; revoking has its own page (with a reason)."""

    list_display = ["number", "holder", "batch", "state", "issued_at", "revoked_at"]
    list_filter = ["state", "batch"]
    search_fields = ["number", "participant__nip", "participant__nama"]
    list_select_related = ["batch"]
    readonly_fields = ["number", "serial", "participant", "batch", "state", "printed_lines", "record_version",
                       "photo", "template", "issued_by", "issued_at", "job", "sha256", "signed_at",
                       "revoked_at", "revoked_by", "revoke_reason", "actions_links"]
    fields = readonly_fields

    @admin.display(description="nama")
    def holder(self, obj):
        return next((value for label, value in obj.lines if label == "Nama"), "")

    @admin.display(description="baris tercetak")
    def printed_lines(self, obj):
        return format_html_join("", "<div>{}: <strong>{}</strong></div>", ((label, value) for label, value in obj.lines))

    @admin.display(description="tindakan")
    def actions_links(self, obj):
        links = [("Halaman verifikasi", reverse("verify", args=[obj.code]))]
        if obj.state == Certificate.State.ISSUED:
            links.append(("Cabut sertifikat …", reverse("certificate_revoke", args=[obj.uuid])))
        return format_html_join(" · ", '<a href="{}">{}</a>', ((url, label) for label, url in links))


# The task queue in Indonesian: the package's own admin speaks English (issue 17).
admin.site.unregister(DBTaskResult)

TASK_STATES = {"READY": "Menunggu", "RUNNING": "Berjalan", "SUCCESSFUL": "Berhasil", "FAILED": "Gagal"}
TASK_NAMES = {
    "fix_photo_task": "Perbaiki foto otomatis", "send_mail_task": "Kirim email",
    "build_export_task": "Ekspor latar belakang", "send_reset_task": "Atur ulang kata sandi",
    "preview_task": "Pratinjau foto yang ditolak", "issue_chunk_task": "Terbitkan sertifikat",
}


class TaskStateFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(TASK_STATES.items())

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(TaskResult)
class TaskResultAdmin(ReadOnlyAdmin):
    list_display = ["task_words", "state_words", "enqueued", "finished"]
    list_filter = [TaskStateFilter]
    fields = ["task_words", "state_words", "enqueued", "started", "finished", "error"]
    readonly_fields = fields
    ordering = ["-enqueued_at"]

    @admin.display(description="tugas")
    def task_words(self, obj):
        name = obj.task_path.rsplit(".", 1)[-1]
        return TASK_NAMES.get(name, name.replace("_", " "))

    @admin.display(description="status", ordering="status")
    def state_words(self, obj):
        return TASK_STATES.get(obj.status, obj.status)

    @staticmethod
    def _when(value):
        return timezone.localtime(value).strftime("%d-%m-%Y %H.%M.%S WIB") if value else "—"

    @admin.display(description="masuk antrean", ordering="enqueued_at")
    def enqueued(self, obj):
        return self._when(obj.enqueued_at)

    @admin.display(description="mulai")
    def started(self, obj):
        return self._when(obj.started_at)

    @admin.display(description="selesai", ordering="finished_at")
    def finished(self, obj):
        return self._when(obj.finished_at)

    @admin.display(description="galat")
    def error(self, obj):
        return obj.exception_class_path.rsplit(".", 1)[-1] if obj.exception_class_path else "—"
