from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from profiles import views
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
    path("kata-sandi/", views.password_set, name="password_set"),
    path("profil/", views.profile, name="profile"),
    path("profil/ubah/", views.profile_edit, name="profile_edit"),
    path("profil/foto/", views.photo_upload, name="photo_upload"),
    path("foto/<uuid:photo_uuid>.jpg", views.photo, name="photo"),
    path("admin/", admin.site.urls),
]
