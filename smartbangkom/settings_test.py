"""The test run: the project settings with the two changes Django's docs advise for tests."""

from smartbangkom.settings import *  # noqa: F403

# PBKDF2 at 1,000,000 iterations took about two thirds of the suite's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Jobs run inside the request that queues them; tests that need a queued job (the
# "no worker picked it up" path) switch to the database backend themselves.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
