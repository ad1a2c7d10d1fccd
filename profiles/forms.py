from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from profiles.backends import normalize_username
from profiles.models import Participant
from profiles.rules import revisions
from profiles.rules.birth import SEMICOLON_REMINDER, format_birth_date
from profiles.rules.choices import AGAMA_CHOICES, JENIS_KELAMIN_CHOICES
from profiles.rules.fields import BIRTH, DATA_COLUMNS, EDITABLE, EDITABLE_NAMES
from profiles.rules.names import normalize_nama
from profiles.rules.ranks import GOLONGAN_CHOICES, PANGKAT_CHOICES
from profiles.rules.record import clean_record

BLANK_CHOICE = [("", "— pilih —")]
SEMICOLON_SHORT = "tulis satu tanda titik koma (;) di antara tempat dan tanggal lahir."


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "NIP/nama pengguna atau kata sandi salah. Pada masuk pertama, "
        "kata sandi adalah NIP Anda.",
        "inactive": "Akun ini tidak aktif. Hubungi panitia Latsar.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "NIP"
        self.fields["username"].help_text = "18 angka; boleh dengan spasi, contoh 19900101 201903 1 001."
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "inputmode": "numeric", "autocapitalize": "off",
             "spellcheck": "false"}
        )
        self.fields["password"].label = "Kata sandi"
        self.fields["password"].help_text = "Pada masuk pertama, kata sandi adalah NIP Anda."

    def clean_username(self):
        return normalize_username(self.cleaned_data.get("username"))


# The form widget of each editable field; labels, help texts and lengths come from
# profiles.rules.fields.
CHOICES = {
    "jenis_kelamin": JENIS_KELAMIN_CHOICES,
    "agama": AGAMA_CHOICES,
    "golongan": GOLONGAN_CHOICES,
    "pangkat": PANGKAT_CHOICES,
}
WIDGET_ATTRS = {
    "email": {"inputmode": "email", "autocomplete": "email"},
    "no_telp": {"inputmode": "tel", "autocomplete": "tel"},
    # The pangkat follows the golongan (static/js/app.js fills it in).
    "golongan": {"data-fills": "id_pangkat"},
}


def form_field(spec):
    if spec.name in CHOICES:
        field = forms.ChoiceField(choices=BLANK_CHOICE + list(CHOICES[spec.name]))
    else:
        field = forms.CharField(max_length=spec.max_length)
    field.label = spec.label
    field.help_text = spec.help_text
    # The pangkat may be left for the golongan to decide (profiles.rules.record).
    field.required = spec.name != "pangkat"
    field.error_messages["required"] = f"{spec.label} wajib diisi."
    field.widget.attrs.update(WIDGET_ATTRS.get(spec.name, {}))
    return field


class ProfileForm(forms.Form):
    """Update Profil: the fields of profiles.rules.fields; every rule lives in profiles.rules.record."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, participant, today=None, readonly=False, **kwargs):
        self.participant = participant
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)
        version = self.fields.pop("version")
        for spec in EDITABLE:
            self.fields[spec.name] = form_field(spec)
        self.fields["version"] = version
        # The guide's semicolon reminder, once: next to the field it is about.
        self.fields[BIRTH].help_text = SEMICOLON_REMINDER
        self.fields["nama"].widget.attrs.update({"aria-describedby": "nama-preview"})
        self.helper = FormHelper()
        # Our Indonesian messages, not the browser's own required-field bubbles.
        self.helper.attrs = {"novalidate": ""}
        layout = []
        for name in self.fields:
            layout.append(name)
            if name == "nama":
                layout.append(HTML('{% include "profiles/_name_preview.html" %}'))
        self.helper.layout = Layout(*layout)
        if readonly:
            for field in self.fields.values():
                field.disabled = True
        else:
            self.helper.add_input(Submit("submit", "Simpan", css_class="btn-danger w-100"))

    @classmethod
    def initial_for(cls, participant):
        return {**{spec.name: spec.display(participant) for spec in EDITABLE}, "version": participant.version}

    def clean(self):
        raw = {name: self.data.get(name, "") for name in EDITABLE_NAMES}
        result = clean_record(
            self.participant.nip,
            raw,
            today=self.today,
            email_suffixes=settings.OFFICIAL_EMAIL_SUFFIXES,
            min_age=settings.PARTICIPANT_MIN_AGE,
            max_age=settings.PARTICIPANT_MAX_AGE,
        )
        for field, errors in result.errors.items():
            # A blank required field already has its message from the field itself.
            if field in self.errors:
                continue
            for error in errors:
                self.add_error(field if field in self.fields else None, error)
        self.values = result.values
        if self.has_error(BIRTH, "birth_semicolon") or self.has_error(BIRTH, "birth_place_required"):
            # The error repeats the reminder; the help text would say it a second time.
            # The bound field copied the help text when cleaning began.
            self.fields[BIRTH].help_text = self[BIRTH].help_text = ""
        return self.cleaned_data

    def printed_name(self):
        """("Ahmad Yani, S.E.", "") or ("", error): the "Akan tercetak" line without script."""
        raw = self.data.get("nama") if self.is_bound else self.initial.get("nama")
        if not raw:
            return "", ""
        try:
            return normalize_nama(raw), ""
        except forms.ValidationError as error:
            return "", error.messages[0]

    def error_summary(self):
        """(anchor id, label, message) of every error, in the form's order, for the summary."""
        items = [("", "", error) for error in self.non_field_errors()]
        for name, field in self.fields.items():
            for error in self.errors.as_data().get(name, []):
                # The full reminder is next to the field; the summary only names the problem.
                message = SEMICOLON_SHORT if error.code == "birth_semicolon" else " ".join(error.messages)
                items.append((f"id_{name}", field.label, message))
        return items


class PhotoUploadForm(forms.Form):
    foto = forms.FileField(
        label="Foto",
        allow_empty_file=True,  # the photo checks explain an empty file themselves
        help_text="JPG, kurang dari 1 MB, latar merah, rasio 4:6 (portrait), kepala sampai dada.",
        error_messages={
            "required": "Pilih file foto terlebih dahulu.",
            "empty": "File yang dipilih kosong (0 byte).",
            "invalid": "File tidak terbaca. Pilih file foto lagi.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,.jpg,.jpeg"}),
    )


class PhotoFixForm(forms.Form):
    """"Perbaiki foto otomatis" on any photo: every type a phone camera saves."""

    foto = forms.FileField(
        label="Foto dari kamera atau galeri",
        help_text="JPG, PNG, WebP atau HEIC (iPhone), sampai 20 MB. Latar dan ukuran boleh apa saja.",
        error_messages={
            "required": "Pilih file foto terlebih dahulu.",
            "empty": "File yang dipilih kosong (0 byte).",
            "invalid": "File tidak terbaca. Pilih file foto lagi.",
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"}
        ),
    )


# The admin's forms ---------------------------------------------------------------------

DATA_FIELDS = list(DATA_COLUMNS)
CONFLICT = (
    "Data peserta ini baru saja diubah oleh orang lain; perubahan Anda belum disimpan. "
    "Buka ulang halaman ini untuk melihat data terbaru, lalu ulangi perubahan Anda."
)


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


class RevisionForm(forms.Form):
    alasan = forms.MultipleChoiceField(
        label="Alasan",
        choices=[(reason.code, reason.text) for reason in revisions.REASONS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Status tetap “Perlu revisi” sampai peserta mengubah yang disebut alasan ini.",
    )
    note = forms.CharField(
        label="Catatan revisi untuk peserta",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        required=False,
        help_text="Tampil di halaman My profile peserta. Tulis apa yang harus diperbaiki, "
        "misalnya: Latar foto harus merah; nama sesuai SK CPNS.",
    )
    days = forms.IntegerField(
        label="Buka kembali pengisian selama (hari)",
        min_value=1,
        max_value=60,
        help_text="Dihitung dari tenggat angkatan atau dari sekarang, mana yang lebih akhir.",
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("alasan") and not (cleaned.get("note") or "").strip():
            raise forms.ValidationError("Tuliskan catatan revisi untuk peserta, atau pilih alasan.", code="empty")
        return cleaned
