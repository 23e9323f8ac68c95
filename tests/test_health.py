"""``/healthz``: 200 when the database answers, 503 when it does not."""

import socket

import pytest
from django.db import connection
from django.db.utils import load_backend

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable_database(monkeypatch, tmp_path):
    """Point the health check at a copy of the default database settings that cannot
    connect: a closed port on PostgreSQL, a file in a missing folder on SQLite."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
        settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], "connect_timeout": 2}
    else:
        settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    broken = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "unreachable")
    monkeypatch.setattr("tracker.health.connection", broken)
    yield
    broken.close()


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(client, unreachable_database):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_healthz_needs_no_login_nor_https(client, settings):
    # In production any other page redirects to HTTPS, then to the login form; a load
    # balancer probes /healthz over plain HTTP without a session.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
    assert "/accounts/login/" in client.get("/", secure=True)["Location"]
