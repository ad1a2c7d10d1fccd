from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from profiles import access_codes, account_views, staff_views, views
from profiles.forms import SignInForm

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
    path("kata-sandi/", account_views.password_set, name="password_set"),
    path("kata-sandi/ubah/", account_views.password_change, name="password_change"),
    path("profil/", views.profile, name="profile"),
    path("profil/ubah/", views.profile_edit, name="profile_edit"),
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
    path("staf/kode-akses/<int:batch_id>.csv", access_codes.access_codes_csv, name="access_codes_csv"),
    path("admin/", admin.site.urls),
]
