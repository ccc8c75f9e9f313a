"""Settings in both modes, each read by a fresh interpreter with only environment variables."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    journal = None
    if connection.vendor == "sqlite":
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "journal": journal,
    "timeout": settings.DATABASES["default"].get("OPTIONS", {}).get("timeout"),
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": str(settings.CACHES["default"].get("LOCATION")),
    "email": settings.EMAIL_BACKEND,
    "time_zone": settings.TIME_ZONE,
    "secure_cookies": settings.SESSION_COOKIE_SECURE,
    "production": settings.IS_PRODUCTION,
    "secret_key_fallbacks": settings.SECRET_KEY_FALLBACKS,
    "api_tokens_per_user_max": settings.API_TOKENS_PER_USER_MAX,
}))
"""


def run(env_overrides, *args, var_dir):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "CACHE_URL",
            "EMAIL_URL",
            "SECRET_KEY",
            "SECRET_KEY_FALLBACKS",
            "API_TOKENS_PER_USER_MAX",
            "ALLOWED_HOSTS",
            "DJANGO_DEBUG",
            "REQUIRE_TWO_FACTOR",
            "TRUSTED_PROXY_COUNT",
            "WEBHOOK_ALLOW_LOOPBACK",
        }
    }
    env.update(
        {"TRUST_PORTAL_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "trust_portal.settings"}
    )
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def probe(env, var_dir):
    result = run(env, "-c", PROBE, var_dir=var_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def production_env(**extra):
    return {
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "portal.example.gov.uk",
        "TRUSTED_PROXY_COUNT": "1",
        **extra,
    }


def test_local_defaults_keep_everything_under_var(tmp_path):
    values = probe({}, tmp_path)
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"] == str(tmp_path / "trust_portal.sqlite3")
    assert values["broker"].startswith("filesystem://")
    assert (tmp_path / "broker" / "out").is_dir()
    assert values["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert values["cache_location"].startswith(str(tmp_path))
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["time_zone"] == "Europe/London"
    assert values["production"] is False


def test_local_sqlite_is_shared_safely_in_wal_mode_with_a_busy_timeout(tmp_path):
    values = probe({}, tmp_path)
    assert values["journal"] == "wal"
    assert values["timeout"] == 20


def test_a_local_secret_key_is_generated_once_and_kept(tmp_path):
    probe({}, tmp_path)
    key = (tmp_path / "secret_key").read_text()
    probe({}, tmp_path)
    assert (tmp_path / "secret_key").read_text() == key
    assert len(key) >= 50


def test_earlier_secret_keys_are_read_from_the_environment_for_a_rotation(tmp_path):
    assert probe({}, tmp_path)["secret_key_fallbacks"] == []
    old_keys = {"SECRET_KEY_FALLBACKS": "the-key-before,the-key-before-that"}

    values = probe(production_env(**old_keys), tmp_path)

    assert values["secret_key_fallbacks"] == ["the-key-before", "the-key-before-that"]


def test_active_api_tokens_per_account_are_capped_at_10_unless_set(tmp_path):
    assert probe({}, tmp_path)["api_tokens_per_user_max"] == 10
    assert probe({"API_TOKENS_PER_USER_MAX": "3"}, tmp_path)["api_tokens_per_user_max"] == 3


def test_debug_is_on_only_when_asked(tmp_path):
    assert probe({"DJANGO_DEBUG": "1"}, tmp_path)["debug"] is True


def test_production_takes_postgres_redis_and_smtp_from_the_environment(tmp_path):
    # Settings alone: nothing here connects to the database, broker or mail server.
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, "
        "s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND, s.EMAIL_HOST, s.SESSION_COOKIE_SECURE, "
        "s.DATABASES['default']['CONN_MAX_AGE']]))"
    )
    result = run(
        production_env(
            DATABASE_URL="postgres://portal@127.0.0.1:5432/portal",
            CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
            CACHE_URL="redis://127.0.0.1:6379/1",
            EMAIL_URL="smtp://mail.example.gov.uk:587",
        ),
        "-c",
        code,
        var_dir=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    engine, broker, cache, email, host, secure, conn_max_age = json.loads(result.stdout)
    assert engine == "django.db.backends.postgresql"
    assert broker == "redis://127.0.0.1:6379/0"
    assert cache == "django.core.cache.backends.redis.RedisCache"
    assert email == "django.core.mail.backends.smtp.EmailBackend"
    assert host == "mail.example.gov.uk"
    assert secure is True
    assert conn_max_age > 0


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = run(
        production_env(),
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        var_dir=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env()
    del env["SECRET_KEY"]
    result = run(env, "manage.py", "check", var_dir=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_to_start_without_a_trusted_proxy_count(tmp_path):
    env = production_env()
    del env["TRUSTED_PROXY_COUNT"]
    result = run(env, "manage.py", "check", var_dir=tmp_path)
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured: TRUSTED_PROXY_COUNT must be set when ALLOWED_HOSTS is set "
        "(production mode)"
    ) in result.stderr
    assert "or 0 if there is no proxy" in result.stderr


PROXY_COUNT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.TRUSTED_PROXY_COUNT))"
)


def test_production_takes_a_trusted_proxy_count_of_0_when_given(tmp_path):
    result = run(production_env(TRUSTED_PROXY_COUNT="0"), "-c", PROXY_COUNT, var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == 0


TWO_FACTOR = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.REQUIRE_TWO_FACTOR))"
)


def require_two_factor(env, var_dir):
    result = run(env, "-c", TWO_FACTOR, var_dir=var_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_local_demo_only_offers_two_factor_sign_in_unless_asked(tmp_path):
    assert require_two_factor({}, tmp_path) is False
    assert require_two_factor({"REQUIRE_TWO_FACTOR": "1"}, tmp_path) is True


def test_production_requires_two_factor_sign_in(tmp_path):
    assert require_two_factor(production_env(), tmp_path) is True


def test_production_refuses_to_start_with_two_factor_sign_in_turned_off(tmp_path):
    result = run(production_env(REQUIRE_TWO_FACTOR="0"), "manage.py", "check", var_dir=tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured: REQUIRE_TWO_FACTOR cannot be turned off" in result.stderr


def test_production_refuses_to_start_with_webhooks_to_loopback_allowed(tmp_path):
    env = production_env(WEBHOOK_ALLOW_LOOPBACK="1")
    result = run(env, "manage.py", "check", var_dir=tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured: WEBHOOK_ALLOW_LOOPBACK cannot be turned on" in result.stderr


def test_the_local_demo_may_allow_webhooks_to_loopback(tmp_path):
    result = run({"WEBHOOK_ALLOW_LOOPBACK": "1"}, "manage.py", "check", var_dir=tmp_path)

    assert result.returncode == 0, result.stderr


def test_a_redis_broker_that_hangs_gives_up_in_seconds_and_outlasts_the_longest_wait(tmp_path):
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.CELERY_BROKER_TRANSPORT_OPTIONS, s.CELERY_TASK_TIME_LIMIT]))"
    )
    result = run(
        production_env(CELERY_BROKER_URL="redis://127.0.0.1:6379/0"), "-c", code, var_dir=tmp_path
    )
    assert result.returncode == 0, result.stderr
    options, time_limit = json.loads(result.stdout)
    assert options["socket_connect_timeout"] == 2
    assert options["socket_timeout"] == 10
    # Counted from delivery: past the time limit and the longest retry wait (8 minutes).
    assert options["visibility_timeout"] == time_limit + 8 * 60 + 60
