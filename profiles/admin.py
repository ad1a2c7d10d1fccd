from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from profiles.birth import format_birth_date
from profiles.models import Batch, ExportLog, Participant, Photo, User
from profiles.record import clean_record
from profiles.services import EditConflict, save_participant_data

DATA_FIELDS = [
    "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "agama", "jabatan",
    "pangkat", "golongan", "email", "asal_instansi", "alamat_instansi", "no_telp",
]

CONFLICT = (
    "Data peserta ini baru saja diubah oleh orang lain; perubahan Anda belum disimpan. "
    "Buka ulang halaman ini untuk melihat data terbaru, lalu ulangi perubahan Anda."
)

admin.site.register(User, UserAdmin)


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["name", "deadline"]
    search_fields = ["name"]


class ParticipantAdminForm(forms.ModelForm):
    """Admins edit with the participant's rules, but may leave blanks for the participant."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Participant
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            stored = Participant.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if cleaned.get("version") != stored:
                # Shown with the admin's input kept; the service guards the race after this.
                raise forms.ValidationError(CONFLICT, code="conflict")
        nip = self.instance.nip if self.instance.pk else cleaned.get("nip", "")
        raw = {field: cleaned.get(field) or "" for field in DATA_FIELDS}
        if raw["tanggal_lahir"]:
            raw["tanggal_lahir"] = format_birth_date(raw["tanggal_lahir"])
        result = clean_record(
            nip,
            raw,
            today=timezone.localdate(),
            lenient=True,
            email_suffixes=settings.OFFICIAL_EMAIL_SUFFIXES,
            min_age=settings.PARTICIPANT_MIN_AGE,
            max_age=settings.PARTICIPANT_MAX_AGE,
        )
        for field, errors in result.errors.items():
            for error in errors:
                if error.code == "required":
                    continue
                target = field if field in self.fields else "tanggal_lahir"
                self.add_error(target, error)
        for field, value in result.values.items():
            if field in cleaned and raw.get(field, "") != "":
                cleaned[field] = value
        return cleaned


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    form = ParticipantAdminForm
    list_display = ["nip", "nama", "batch", "status", "asal_instansi", "updated_at"]
    list_filter = ["batch", "status"]
    search_fields = ["nip", "nama"]
    list_select_related = ["batch"]
    readonly_fields = ["nip_display", "status", "confirmed_at", "verified_by", "verified_at", "photo"]
    raw_id_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["nip_display", "batch", "status", "version"]}),
        ("Data peserta", {"fields": DATA_FIELDS}),
        ("Tenggat dan revisi", {"fields": ["reopened_until", "revision_note"]}),
        ("Konfirmasi dan verifikasi", {"fields": ["confirmed_at", "verified_by", "verified_at", "photo"]}),
    ]

    @admin.display(description="NIP")
    def nip_display(self, obj):
        return obj.nip

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


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["participant", "uploaded_at", "width", "height", "size", "warnings"]
    readonly_fields = [f.name for f in Photo._meta.fields]
    search_fields = ["participant__nip", "participant__nama"]

    def has_add_permission(self, request):
        return False


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "batch", "format", "scope", "count", "source"]
    list_filter = ["format", "source"]
    readonly_fields = [f.name for f in ExportLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
