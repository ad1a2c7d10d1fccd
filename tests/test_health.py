"""/sehat/: the load balancer's probe (views/health.py, services/health.py)."""

import importlib
import os
import secrets
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.storage import storages
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from profiles.services import health

URL = "/sehat/"


def probe(**headers):
    return Client().get(URL, **headers)


def test_it_answers_ok_with_the_database_and_the_storage_checked(db):
    response = probe()
    assert response.status_code == 200
    assert response.json()["database"] == "ok" and response.json()["storage"] == "ok"


def test_it_is_never_cached(db):
    assert "no-store" in probe()["Cache-Control"]


def test_it_fails_when_the_storage_does_not_answer(db, monkeypatch):
    def broken(name):
        raise OSError("no route to the bucket")

    monkeypatch.setattr(storages["default"], "exists", broken)
    response = probe()
    assert response.status_code == 503
    assert response.json()["storage"] == "error"


def test_it_fails_when_the_database_does_not_answer(db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = probe()
    assert response.status_code == 503
    assert response.json() == {"database": "error", "storage": "ok"}


def test_it_reports_the_age_of_the_oldest_job_waiting_in_the_queue(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}}, task_path="x.y", backend_name="default",
        run_after=timezone.now() - timedelta(minutes=5),
    )
    DBTaskResult.objects.filter(pk=old.pk).update(enqueued_at=timezone.now() - timedelta(minutes=5))
    queue = probe().json()["queue"]
    assert queue["ready"] == 1
    assert 295 <= queue["oldest_ready_seconds"] <= 400


def test_an_old_queue_does_not_take_the_server_out_of_rotation(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}}, task_path="x.y", backend_name="default", run_after=timezone.now(),
    )
    DBTaskResult.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(hours=3))
    assert probe().status_code == 200


@pytest.mark.parametrize("path", [URL, "/masuk/"])
def test_only_the_probe_is_exempt_from_the_https_redirect(db, settings, path):
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "testserver", "SITE_URL": "https://testserver"}
    with mock.patch.dict(os.environ, env):
        production = importlib.import_module("smartbangkom.settings_production")
    settings.SECURE_SSL_REDIRECT = production.SECURE_SSL_REDIRECT
    settings.SECURE_REDIRECT_EXEMPT = production.SECURE_REDIRECT_EXEMPT
    response = Client().get(path)
    assert (response.status_code == 301) == (path != URL)


def test_the_url_is_named(db):
    assert reverse("health") == URL
