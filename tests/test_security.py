"""Every URL needs a login, logins are throttled, production settings pass
``check --deploy``, and demo accounts are flagged."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

from targets.checks import check_demo_accounts
from targets.management.commands.setup_demo import DEMO_PASSWORD, DEMO_USERNAMES

BASE_DIR = Path(django_settings.BASE_DIR)

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

# The only views an anonymous visitor may reach: signing in (and resetting a
# forgotten password, which is part of signing in) and the health check.
PUBLIC = {
    "healthz",
    "favicon",  # a redirect to the static icon
    "login",
    "admin:login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # The language switcher is on the login page: it only sets the language cookie
    # (POST with CSRF; Django keeps `next` on this site).
    "set_language",
}

_ROUTE_PARAM = re.compile(r"<(?:[^>:]+:)?[^>]+>")
_REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?(?P<body>[^()]*)\)")


def _sample(pattern) -> str:
    """A concrete path matching one pattern piece: each parameter becomes "1", or the
    first choice of a regex alternation (``(?P<app_label>auth|targets)``)."""
    if isinstance(pattern, RoutePattern):
        return _ROUTE_PARAM.sub("1", str(pattern))

    def group(match):
        choices = match.group("body").split("|")
        if all(re.fullmatch(r"[\w-]+", choice) for choice in choices):
            return choices[0]
        return "1"

    text = _REGEX_GROUP.sub(group, str(pattern))
    return text.removeprefix("^").removesuffix("$").replace("\\Z", "").replace("\\", "")


def every_url(resolver=None, prefix="", namespace=""):
    """(name, path) for every pattern the URLconf holds, admin and i18n included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        path = prefix + _sample(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from every_url(entry, path, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or entry.lookup_str}", "/" + path


URLS = sorted(set(every_url()))


def test_the_walk_finds_the_admin_and_i18n():
    names = {name for name, _path in URLS}
    assert {"admin:index", "admin:targets_progressentry_workflow", "set_language"} <= names
    assert len(URLS) > 60


@pytest.mark.django_db
@pytest.mark.parametrize("name,path", URLS, ids=[name for name, _ in URLS])
def test_every_url_requires_login(client, name, path):
    try:
        match = resolve(path)
    except Resolver404:
        pytest.fail(f"sampled path {path} for {name} does not resolve")
    if match.url_name:
        assert match.view_name == name, f"sampled path {path} reaches {match.view_name}"
    if name in PUBLIC:
        return
    if name.startswith("api:") and name != "api:docs":
        # The API answers for itself: 401 with a challenge, never the login page.
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 401, (name, path, response.status_code)
            assert response["WWW-Authenticate"].startswith("Bearer"), name
        return
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302, (name, path, response.status_code)
        location = response["Location"]
        assert location.startswith(("/accounts/login/", "/admin/login/")), (name, location)


@pytest.mark.django_db
def test_public_urls_answer_anonymously(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/admin/login/").status_code == 200


# Login throttling (django-axes)


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    return settings


@pytest.mark.django_db
@pytest.mark.usefixtures("axes_on")
@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_repeated_failed_logins_lock_the_account_from_that_address(client, make_user, login_url):
    make_user("canbo", staff=True)  # password "pw-for-tests-1"
    for _attempt in range(4):
        response = client.post(login_url, {"username": "canbo", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    fifth = client.post(login_url, {"username": "canbo", "password": "wrong"})
    assert fifth.status_code == 429  # the limit reached: locked out
    locked = client.post(login_url, {"username": "canbo", "password": "pw-for-tests-1"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not locked out (lockout is per username and address).
    elsewhere = client.post(
        login_url,
        {"username": "canbo", "password": "pw-for-tests-1"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
@pytest.mark.usefixtures("axes_on")
def test_a_success_before_the_limit_resets_the_count(client, make_user):
    make_user("canbo", staff=True)
    for _attempt in range(4):
        client.post("/accounts/login/", {"username": "canbo", "password": "wrong"})
    ok = client.post("/accounts/login/", {"username": "canbo", "password": "pw-for-tests-1"})
    assert ok.status_code == 302
    client.logout()
    client.post("/accounts/login/", {"username": "canbo", "password": "wrong"})
    again = client.post("/accounts/login/", {"username": "canbo", "password": "pw-for-tests-1"})
    assert again.status_code == 302


# Production settings


def _production_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AXES_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="chuyendoiso.haiphong.gov.vn",
        DATABASE_URL="sqlite:////nonexistent-dir/not-a-database.sqlite3",
    )
    env.update(extra)
    return env


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_reports_nothing():
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def _setting(name, env):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(repr(settings.{name}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_is_off_unless_the_environment_turns_it_on():
    assert _setting("DEBUG", _production_env()).stdout.strip() == "False"
    assert _setting("DEBUG", _production_env(DJANGO_DEBUG="1")).stdout.strip() == "True"
    garbled = _setting("DEBUG", _production_env(DJANGO_DEBUG="maybe"))
    assert garbled.returncode != 0 and "ImproperlyConfigured" in garbled.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = _setting("DEBUG", env)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_use_secure_cookies_and_hsts():
    expected = {
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "AXES_ENABLED": "True",
    }
    # One process reads all five: each process started costs a Django set-up.
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(*(repr(getattr(settings, name)) for name in {list(expected)!r}))"
    )
    read = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**_production_env(), "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert read.stdout.split() == list(expected.values()), read.stderr


# Demo accounts


@pytest.mark.django_db
def test_migrations_create_no_demo_account():
    assert not get_user_model().objects.filter(username__in=DEMO_USERNAMES).exists()
    assert check_demo_accounts() == []


@pytest.mark.django_db
def test_check_deploy_flags_demo_accounts(settings):
    call_command("setup_demo", verbosity=0)
    warnings = [m for m in run_checks(include_deployment_checks=True) if m.id == "targets.W001"]
    assert len(warnings) == 1
    assert "baocao.xa" in warnings[0].msg and "Demo accounts" in warnings[0].msg
    get_user_model().objects.filter(username__in=DEMO_USERNAMES).update(is_active=False)
    assert check_demo_accounts() == []


@pytest.mark.django_db
def test_demo_accounts_have_the_roles_the_readme_lists():
    from targets.domain.scope import entry_permissions

    call_command("setup_demo", verbosity=0)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERNAMES)}
    assert set(users) == set(DEMO_USERNAMES)
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    assert not users["lanhdao"].is_staff and not users["lanhdao.huyen"].is_staff
    staff = {"quantri", "baocao.xa", "baocao.huyen", "baocao.so", "duyet.huyen", "duyet.thanhpho"}
    assert {name for name, u in users.items() if u.is_staff} == staff
    assert users["quantri"].has_perm("targets.change_target")
    assert users["baocao.xa"].has_perm("targets.submit_progressentry")
    assert not users["baocao.xa"].has_perm("targets.review_progressentry")
    assert users["duyet.huyen"].has_perm("targets.review_progressentry")
    assert not users["duyet.huyen"].has_perm("targets.change_progressentry")
    # Scope, on an unsaved entry of Máy Chai (commune of Ngô Quyền).
    from targets.domain.models import AdministrativeUnit, ProgressEntry, Target

    entry = ProgressEntry(
        target=Target.objects.get(plan__code="kh74-2022", code="CQS-03c"),
        unit=AdministrativeUnit.objects.get(code="11329"),
        status=ProgressEntry.Status.SUBMITTED,
    )
    assert "view" in entry_permissions(users["baocao.xa"], entry)
    assert "approve" in entry_permissions(users["duyet.huyen"], entry)
    assert "approve" in entry_permissions(users["duyet.thanhpho"], entry)
    assert entry_permissions(users["baocao.so"], entry) == frozenset()
    assert entry_permissions(users["lanhdao"], entry) == frozenset()
