from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from profiles.backends import normalize_username
from profiles.choices import AGAMA_CHOICES, JENIS_KELAMIN_CHOICES
from profiles.fields import EDITABLE, EDITABLE_NAMES
from profiles.ranks import GOLONGAN_CHOICES, PANGKAT_CHOICES
from profiles.record import clean_record

BLANK_CHOICE = [("", "— pilih —")]


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "NIP/nama pengguna atau kata sandi salah. Pada masuk pertama, "
        "kata sandi adalah NIP Anda.",
        "inactive": "Akun ini tidak aktif. Hubungi panitia Latsar.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "NIP"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "inputmode": "text", "placeholder": "19900101 201903 1 001"}
        )
        self.fields["password"].label = "Kata sandi"

    def clean_username(self):
        return normalize_username(self.cleaned_data.get("username"))


# The form widget of each editable field; labels, help texts and lengths come from
# profiles.fields.
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
    # The pangkat may be left for the golongan to decide (profiles.record).
    field.required = spec.name != "pangkat"
    field.error_messages["required"] = f"{spec.label} wajib diisi."
    field.widget.attrs.update(WIDGET_ATTRS.get(spec.name, {}))
    return field


class ProfileForm(forms.Form):
    """Update Profil: the fields of profiles.fields; every rule lives in profiles.record."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, participant, today=None, readonly=False, **kwargs):
        self.participant = participant
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)
        version = self.fields.pop("version")
        for spec in EDITABLE:
            self.fields[spec.name] = form_field(spec)
        self.fields["version"] = version
        self.helper = FormHelper()
        # Our Indonesian messages, not the browser's own required-field bubbles.
        self.helper.attrs = {"novalidate": ""}
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
        return self.cleaned_data


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
