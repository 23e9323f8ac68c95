"""``make serve``: refuses to start without PostgreSQL; workers from the environment."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from targets.management.commands.prepare_server import production_problems
from tracker.serving import gunicorn_workers, production_database_url

PG = "postgres://tracker:secret@db.example:5432/tracker"


def test_database_url_is_required():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL is not set"):
        production_database_url({})
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL is not set"):
        production_database_url({"DATABASE_URL": "  "})


def test_database_url_must_be_postgresql():
    with pytest.raises(ImproperlyConfigured, match="'sqlite'"):
        production_database_url({"DATABASE_URL": "sqlite:///db.sqlite3"})
    assert production_database_url({"DATABASE_URL": PG}) == PG


def test_workers_come_from_the_environment(monkeypatch):
    assert gunicorn_workers({"GUNICORN_WORKERS": "4"}) == 4
    monkeypatch.setattr("os.cpu_count", lambda: 3)
    assert gunicorn_workers({}) == 7
    for bad in ("four", "0"):
        with pytest.raises(ImproperlyConfigured, match="GUNICORN_WORKERS"):
            gunicorn_workers({"GUNICORN_WORKERS": bad})


def test_gunicorn_config_refuses_to_load_without_database_url(monkeypatch):
    import runpy
    from pathlib import Path

    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        runpy.run_path(str(config))
    monkeypatch.setenv("DATABASE_URL", PG)
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    assert runpy.run_path(str(config))["workers"] == 3


def test_prepare_server_refuses_without_database_url(settings, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["tracker.example"]
    with pytest.raises(CommandError, match="Refusing to serve: DATABASE_URL is not set"):
        call_command("prepare_server")


def test_production_problems_name_debug_hosts_and_backend(settings):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = []
    problems = " ".join(production_problems({"DATABASE_URL": PG}))
    assert "DEBUG" in problems and "DJANGO_ALLOWED_HOSTS" in problems
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["tracker.example"]
    pg = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert production_problems({"DATABASE_URL": PG}) == (
        [] if pg else ["the default database is not PostgreSQL"]
    )
