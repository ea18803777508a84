"""Settings come from the environment and refuse unsafe production values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _settings_in_subprocess(
    env: dict[str, str], code: str = "import haven.settings as s"
) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HAVEN_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60, check=False
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _settings_in_subprocess({"HAVEN_DEBUG": "0", "HAVEN_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "HAVEN_SECRET_KEY (or HAVEN_SECRET_KEY_FILE) must be set" in result.stderr


@pytest.mark.parametrize("key", ["short", "django-insecure-" + "x" * 60])
def test_production_refuses_a_weak_or_default_secret_key(tmp_path, key):
    result = _settings_in_subprocess({"HAVEN_DEBUG": "0", "HAVEN_SECRET_KEY": key, "HAVEN_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "too short or a default" in result.stderr


def test_production_settings_are_strict(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("k" * 64)
    code = (
        "import haven.settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.HAVEN_REQUIRE_2FA, s.ALLOWED_HOSTS, s.SECRET_KEY == 'k' * 64)"
    )
    result = _settings_in_subprocess(
        {"HAVEN_DEBUG": "0", "HAVEN_SECRET_KEY_FILE": str(key_file), "HAVEN_ALLOWED_HOSTS": "haven.example.org"}, code
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "['haven.example.org']",
        "True",
    ]


def test_debug_mode_relaxes_and_does_not_enforce_two_factor(tmp_path):
    code = "import haven.settings as s; print(s.DEBUG, s.HAVEN_REQUIRE_2FA, s.SESSION_COOKIE_SECURE)"
    result = _settings_in_subprocess({"HAVEN_DEBUG": "1", "HAVEN_VAR_DIR": str(tmp_path)}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "False"]
    assert (tmp_path / "dev-secret-key").stat().st_mode & 0o077 == 0  # readable by the owner only


def test_idle_timeout_comes_from_the_environment(tmp_path):
    code = "import haven.settings as s; print(s.SESSION_COOKIE_AGE)"
    result = _settings_in_subprocess(
        {"HAVEN_DEBUG": "1", "HAVEN_VAR_DIR": str(tmp_path), "HAVEN_IDLE_TIMEOUT_MINUTES": "10"}, code
    )
    assert result.stdout.strip() == "600"


def test_env_helpers(monkeypatch, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from haven.lib.env import env_bool, env_int, env_list, env_str

    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", " a, b ,,c ")
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_bool("X_BOOL") is True
    assert env_bool("X_MISSING", True) is True
    assert env_int("X_INT", 0) == 42
    assert env_list("X_LIST") == ["a", "b", "c"]
    assert env_str("X_SECRET") == "from-a-file"
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "many")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("X_INT", 0)
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_str("X_SECRET")


@pytest.mark.parametrize(("value", "expected"), [(None, 10_000), ("700", 700)])
def test_every_haven_process_sets_the_garbage_collection_threshold(tmp_path, value, expected):
    env = {"HAVEN_DEBUG": "1", "HAVEN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "haven.settings"}
    if value:
        env["HAVEN_GC_GEN0"] = value
    result = _settings_in_subprocess(env, "import django, gc; django.setup(); print(gc.get_threshold()[0])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == str(expected)
