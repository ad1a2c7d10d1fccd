from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from profiles.backends import normalize_username
from profiles.rules.birth import SEMICOLON_REMINDER
from profiles.rules.choices import AGAMA_CHOICES, JENIS_KELAMIN_CHOICES
from profiles.rules.fields import BIRTH, EDITABLE, EDITABLE_NAMES
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
