from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'profiles'
    verbose_name = "Peserta Latsar"

    def ready(self):
        from profiles import signals  # noqa: F401  (connects the receivers)
