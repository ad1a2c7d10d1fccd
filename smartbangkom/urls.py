from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from profiles.views import account, certificate, dashboard, desk, exports, participant, photo, roster_import

from profiles.forms import SignInForm
from profiles.services.password_reset import NewPasswordForm, NipPasswordResetForm

admin.site.site_header = "Smartbangkom — Admin PPSDM"
admin.site.site_title = "Smartbangkom"
admin.site.index_title = "Administrasi peserta Latsar"

urlpatterns = [
    path("", participant.home, name="home"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "lupa-kata-sandi/",
        auth_views.PasswordResetView.as_view(form_class=NipPasswordResetForm),
        name="password_reset",
    ),
    path(
        "lupa-kata-sandi/terkirim/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "atur-ulang/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=NewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "atur-ulang/selesai/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("kata-sandi/", account.password_set, name="password_set"),
    path("kata-sandi/ubah/", account.password_change, name="password_change"),
    path("profil/", participant.profile, name="profile"),
    path("profil/ubah/", participant.profile_edit, name="profile_edit"),
    path("profil/nama-cetak/", participant.name_preview, name="name_preview"),
    path("profil/sertifikat/", certificate.certificate_preview, name="certificate_preview"),
    path(
        "profil/sertifikat/pratinjau-sertifikat.pdf",
        certificate.certificate_pdf,
        name="certificate_pdf",
    ),
    path("profil/foto/", photo.photo_upload, name="photo_upload"),
    path("profil/foto/perbaikan/", photo.photo_fix_start, name="photo_fix_start"),
    path("profil/foto/perbaikan/<uuid:fix_uuid>/", photo.photo_fix, name="photo_fix"),
    path("profil/foto/perbaikan/<uuid:fix_uuid>/status/", photo.photo_fix_status, name="photo_fix_status"),
    path("profil/foto/perbaikan/<uuid:fix_uuid>/gunakan/", photo.photo_fix_accept, name="photo_fix_accept"),
    path("profil/foto/perbaikan/<uuid:fix_uuid>/buang/", photo.photo_fix_discard, name="photo_fix_discard"),
    path("profil/foto/perbaikan/<uuid:fix_uuid>/coba-lagi/", photo.photo_fix_retry, name="photo_fix_retry"),
    path("profil/foto/perbaikan/<uuid:fix_uuid>/<str:kind>.jpg", photo.photo_fix_image, name="photo_fix_image"),
    path("foto/<uuid:photo_uuid>.jpg", participant.photo, name="photo"),
    path("foto/<uuid:photo_uuid>/asli", photo.photo_original, name="photo_original"),
    path("profil/konfirmasi/", participant.confirm, name="confirm"),
    path("profil/bukti/<str:code>/", participant.receipt, name="receipt"),
    path("staf/dasbor/", dashboard.dashboard, name="dashboard"),
    path("staf/dasbor/<int:batch_id>/", dashboard.dashboard_batch, name="dashboard_batch"),
    path(
        "staf/dasbor/<int:batch_id>/belum-selesai.csv",
        dashboard.dashboard_unfinished_csv,
        name="dashboard_unfinished_csv",
    ),
    path("staf/ekspor/", exports.export, name="export"),
    path("staf/ekspor/<uuid:job_uuid>/", exports.export_job, name="export_job"),
    path("staf/ekspor/<uuid:job_uuid>/unduh/", exports.export_job_download, name="export_job_download"),
    path("staf/verifikasi/", desk.start, name="desk"),
    path("staf/verifikasi/<int:batch_id>/", desk.queue, name="desk_queue"),
    path("staf/verifikasi/<int:batch_id>/<int:user_id>/", desk.record, name="desk_record"),
    path("staf/verifikasi/<int:batch_id>/<int:user_id>/verifikasi/", desk.verify, name="desk_verify"),
    path("staf/verifikasi/<int:batch_id>/<int:user_id>/revisi/", desk.revision, name="desk_revision"),
    path("staf/kode-akses/<int:batch_id>.csv", exports.access_codes_csv, name="access_codes_csv"),
    path("staf/impor/", roster_import.roster_import, name="roster_import"),
    path("admin/", admin.site.urls),
    path("favicon.ico", participant.favicon),
]
