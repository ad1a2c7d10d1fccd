from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from profiles import certificate_views, staff_views, views
from profiles.forms import SignInForm
from profiles.password_reset import NewPasswordForm, NipPasswordResetForm

admin.site.site_header = "Smartbangkom — Admin PPSDM"
admin.site.site_title = "Smartbangkom"
admin.site.index_title = "Administrasi peserta Latsar"

urlpatterns = [
    path("", views.home, name="home"),
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
    path("kata-sandi/", views.password_set, name="password_set"),
    path("profil/", views.profile, name="profile"),
    path("profil/ubah/", views.profile_edit, name="profile_edit"),
    path("profil/nama-cetak/", views.name_preview, name="name_preview"),
    path("profil/sertifikat/", certificate_views.certificate_preview, name="certificate_preview"),
    path(
        "profil/sertifikat/pratinjau-sertifikat.pdf",
        certificate_views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("profil/foto/", views.photo_upload, name="photo_upload"),
    path("foto/<uuid:photo_uuid>.jpg", views.photo, name="photo"),
    path("profil/konfirmasi/", views.confirm, name="confirm"),
    path("profil/bukti/<str:code>/", views.receipt, name="receipt"),
    path("staf/dasbor/", staff_views.dashboard, name="dashboard"),
    path("staf/dasbor/<int:batch_id>/", staff_views.dashboard_batch, name="dashboard_batch"),
    path(
        "staf/dasbor/<int:batch_id>/belum-selesai.csv",
        staff_views.dashboard_unfinished_csv,
        name="dashboard_unfinished_csv",
    ),
    path("staf/ekspor/", staff_views.export, name="export"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon),
]
