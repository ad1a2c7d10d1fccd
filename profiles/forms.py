from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils import timezone

from profiles.backends import normalize_username
from profiles.birth import format_birth_field
from profiles.choices import AGAMA_CHOICES, JENIS_KELAMIN_CHOICES
from profiles.contact import format_no_telp
from profiles.nip import normalize_nip
from profiles.ranks import GOLONGAN_CHOICES, PANGKAT_CHOICES
from profiles.record import EDITABLE_FIELDS, FIELD_LABELS, MAX_LENGTHS, clean_record

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


class ChoosePasswordForm(SetPasswordForm):
    """The first-sign-in password: anything but the NIP, which stops working now."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "password_is_nip": "Kata sandi baru tidak boleh sama dengan NIP.",
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "Kata sandi baru"
        self.fields["new_password2"].label = "Ulangi kata sandi baru"

    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and normalize_nip(password) == self.user.username:
            raise forms.ValidationError(
                self.error_messages["password_is_nip"], code="password_is_nip"
            )
        return password


class ProfileForm(forms.Form):
    """Update Profil: the field names of the guide; every rule lives in profiles.record."""

    nama = forms.CharField(max_length=MAX_LENGTHS["nama"])
    tempat_tanggal_lahir = forms.CharField(
        max_length=120,
        help_text="Format Tempat;Tanggal, contoh: Jayapura;29-2-2000. "
        "Jangan menghapus tanda titik koma (;).",
    )
    jenis_kelamin = forms.ChoiceField(choices=BLANK_CHOICE + list(JENIS_KELAMIN_CHOICES))
    agama = forms.ChoiceField(choices=BLANK_CHOICE + list(AGAMA_CHOICES))
    jabatan = forms.CharField(max_length=MAX_LENGTHS["jabatan"], help_text="Sesuai SK Grading.")
    golongan = forms.ChoiceField(choices=BLANK_CHOICE + list(GOLONGAN_CHOICES))
    pangkat = forms.ChoiceField(
        choices=BLANK_CHOICE + list(PANGKAT_CHOICES),
        required=False,
        help_text="Terisi otomatis sesuai golongan.",
    )
    email = forms.CharField(
        max_length=MAX_LENGTHS["email"],
        help_text="Email kedinasan, misalnya nama@kemenkeu.go.id.",
    )
    asal_instansi = forms.CharField(
        max_length=MAX_LENGTHS["asal_instansi"],
        help_text="Instansi setingkat kementerian, contoh: Kementerian Keuangan, PPATK.",
    )
    alamat_instansi = forms.CharField(
        max_length=MAX_LENGTHS["alamat_instansi"], help_text="Alamat kantor penempatan."
    )
    no_telp = forms.CharField(max_length=30, help_text="Nomor HP pribadi, contoh: 0812-3456-7890.")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, participant, today=None, readonly=False, **kwargs):
        self.participant = participant
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in FIELD_LABELS:
                field.label = FIELD_LABELS[name]
            field.error_messages["required"] = f"{field.label} wajib diisi."
        self.fields["pangkat"].error_messages["required"] = "Pangkat wajib diisi."
        self.fields["email"].widget.attrs.update({"inputmode": "email", "autocomplete": "email"})
        self.fields["no_telp"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["golongan"].widget.attrs["data-fills"] = "id_pangkat"
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
        return {
            "nama": participant.nama,
            "tempat_tanggal_lahir": format_birth_field(
                participant.tempat_lahir, participant.tanggal_lahir
            ),
            "jenis_kelamin": participant.jenis_kelamin,
            "agama": participant.agama,
            "jabatan": participant.jabatan,
            "pangkat": participant.pangkat,
            "golongan": participant.golongan,
            "email": participant.email,
            "asal_instansi": participant.asal_instansi,
            "alamat_instansi": participant.alamat_instansi,
            "no_telp": format_no_telp(participant.no_telp) if participant.no_telp else "",
            "version": participant.version,
        }

    def clean(self):
        raw = {name: self.data.get(name, "") for name in EDITABLE_FIELDS}
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
